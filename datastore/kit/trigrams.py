"""SQL over the trigram functions of migration 0014 (`pp_trigrams`: pg_trgm's trigrams,
which the embedded PostgreSQL lacks): a person's names sharing trigrams with a query, the
most shared first, so a fuzzy name search (datastore/kit/fuzzy.py) scores a bounded set of
candidates however many names they have. Tables keep each name's trigrams in a stored
`trigrams` column (migration 0017): computing them per row costs several times more."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Executable, select, text

# Candidates a fuzzy name search scores: far more than anyone reads, bounded work.
MAX_NAME_CANDIDATES = 200

# The query's trigrams once, and the count of shared ones inline: a SQL function per row
# (as pp_trigram_similarity) costs several times more.
_CLOSEST = """
    SELECT t.* FROM {table} t, (SELECT pp_trigrams(:query) AS q) q
    WHERE t.user_id = :user_id AND t.trigrams && q.q
    ORDER BY cardinality(ARRAY(SELECT unnest(t.trigrams) INTERSECT SELECT unnest(q.q))) DESC,
             t.id
    LIMIT :limit
"""


def closest_names(model: Any, user_id: Any, query: str) -> Executable:
    """The rows of `model` (a table with `user_id` and stored `trigrams` of its `name`)
    that are this user's and share a trigram with `query`, the most shared first."""
    statement = text(_CLOSEST.format(table=model.__tablename__)).bindparams(
        query=query, user_id=user_id, limit=MAX_NAME_CANDIDATES
    )
    return select(model).from_statement(statement)
