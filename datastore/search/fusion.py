"""HYBRID: both rankings fused on calibrated strengths, each side above its floor.

A lexical hit's strength is the share of the query's information it matched (BM25
coverage, 0-1), a semantic hit's its cosine similarity. Hits below their side's floor are
dropped first, so a loose lexical match (one common word of an OR query) cannot push out a
strong semantic one; the rest score `lexical_weight * lexical + semantic_weight *
semantic`, each side normalised to 0-1 above its floor. Weighted reciprocal rank fusion of
the kept hits is the alternative method. The defaults were chosen on the development split
of tests/search/labelled by bench/search_quality.py (see bench/README.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from datastore.search.hits import Hit

RRF_K = 60  # the constant of Cormack et al. (2009): damps the head of each list
SCORE = "score"
RRF = "rrf"


@dataclass(frozen=True)
class Fusion:
    method: str = SCORE
    # Tuned on DEV: semantic alone is strong on this set, so full text only adds where it
    # matches most of the query's information (typos, names, rare words), and a little.
    lexical_weight: float = 0.1
    semantic_weight: float = 1.0
    lexical_floor: float = 0.6  # share of the query's information matched
    semantic_floor: float = 0.1  # cosine similarity
    k: int = RRF_K


DEFAULT_FUSION = Fusion()

Key = tuple[str, object]


def fuse(
    lexical: Sequence[Hit], semantic: Sequence[Hit], fusion: Fusion = DEFAULT_FUSION
) -> list[Hit]:
    """One ranking from both, best first (ties by id); scores are the fused values."""
    kept_lexical = [h for h in lexical if h.strength >= fusion.lexical_floor]
    kept_semantic = [h for h in semantic if h.strength >= fusion.semantic_floor]
    if fusion.method == RRF:
        scores = _rrf(kept_lexical, fusion.lexical_weight, fusion.k)
        for key, value in _rrf(kept_semantic, fusion.semantic_weight, fusion.k).items():
            scores[key] = scores.get(key, 0.0) + value
    else:
        scores = _normalised(kept_lexical, fusion.lexical_floor, fusion.lexical_weight)
        for key, value in _normalised(
            kept_semantic, fusion.semantic_floor, fusion.semantic_weight
        ).items():
            scores[key] = scores.get(key, 0.0) + value
    first_seen: dict[Key, Hit] = {}
    for hit in [*kept_lexical, *kept_semantic]:
        first_seen.setdefault((hit.source, hit.id), hit)
    fused = [replace(h, score=round(scores[key], 6)) for key, h in first_seen.items()]
    fused.sort(key=lambda h: (-h.score, str(h.id)))
    return fused


def _normalised(hits: Sequence[Hit], floor: float, weight: float) -> dict[Key, float]:
    """Each hit's strength mapped from [floor, 1] to [0, 1], times `weight`; a small share
    of its rank within the side breaks ties among equal strengths (full text: equal
    coverage, different BM25)."""
    span = max(1.0 - floor, 1e-9)
    return {
        (h.source, h.id): weight * (0.9 * (h.strength - floor) / span + 0.1 / (1 + rank))
        for rank, h in enumerate(hits)
    }


def _rrf(hits: Sequence[Hit], weight: float, k: int) -> dict[Key, float]:
    return {(h.source, h.id): weight / (k + rank) for rank, h in enumerate(hits, start=1)}
