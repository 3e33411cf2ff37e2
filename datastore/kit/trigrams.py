"""SQL over the trigram functions of migration 0014 (`pp_trigrams`, `pp_trigram_similarity`:
pg_trgm's `similarity`, which the embedded PostgreSQL lacks): the names sharing a trigram
with a query, most similar first, so a fuzzy name search (datastore/kit/fuzzy.py) scores a
bounded set of candidates however many names a person has."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

# Candidates a fuzzy name search scores: far more than anyone reads, bounded work.
MAX_NAME_CANDIDATES = 200


def shares_trigrams(column: Any, query: str) -> ColumnElement[bool]:
    """`column` has a trigram of `query` (what any typo, prefix or word of it keeps)."""
    return func.pp_trigrams(column).bool_op("&&")(func.pp_trigrams(query))


def trigram_similarity(column: Any, query: str) -> ColumnElement[float]:
    """Shared trigrams of `column` and `query` over all of theirs, 0..1."""
    return func.pp_trigram_similarity(func.pp_trigrams(column), func.pp_trigrams(query))


def closest_names(model: Any, user_id: Any, query: str) -> Select[Any]:
    """The rows of `model` (with `user_id`, `name` and `id`) that are this user's and share
    a trigram with `query`, the most similar first, at most MAX_NAME_CANDIDATES."""
    return (
        select(model)
        .where(model.user_id == user_id, shares_trigrams(model.name, query))
        .order_by(trigram_similarity(model.name, query).desc(), model.id)
        .limit(MAX_NAME_CANDIDATES)
    )
