"""Reciprocal rank fusion: each ranking adds 1 / (k + rank) to a result's score."""

from __future__ import annotations

from collections.abc import Sequence

from datastore.search.hits import Hit

RRF_K = 60  # the constant of Cormack et al. (2009): damps the head of each list


def reciprocal_rank_fusion(rankings: Sequence[Sequence[Hit]], *, k: int = RRF_K) -> list[Hit]:
    scores: dict[tuple[str, object], float] = {}
    first_seen: dict[tuple[str, object], Hit] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking, start=1):
            key = (hit.source, hit.id)
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
            first_seen.setdefault(key, hit)
    fused = [
        Hit(h.source, h.id, round(scores[key], 6), h.kind, h.title, h.snippet)
        for key, h in first_seen.items()
    ]
    fused.sort(key=lambda h: (-h.score, str(h.id)))
    return fused
