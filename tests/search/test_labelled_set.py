"""The labelled journal of bench/search_quality.py is what it claims to be: big enough, and
its meaning-only queries share no indexed word (English stemming, stop words dropped)
with their answers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from tests.search import labelled

_SHARED = text(
    """
    SELECT array(
        SELECT unnest(tsvector_to_array(to_tsvector('english', :query)))
        INTERSECT
        SELECT unnest(tsvector_to_array(to_tsvector('english', :entry)))
    )
    """
)


def test_the_set_has_enough_entries_queries_and_questions() -> None:
    entries, queries = labelled.entries(), labelled.queries()
    keys = {e.key for e in entries}
    assert len(entries) >= 100 and len(keys) == len(entries)
    assert len(queries) >= 40
    assert sum(q.kind == labelled.MEANING for q in queries) >= len(queries) / 2
    assert all(q.relevant <= keys for q in queries)
    questions = labelled.questions()
    assert {q.entry for q in questions if q.entry} <= keys
    assert any(q.entry is None for q in questions)
    for split in (labelled.DEV, labelled.HELD_OUT):
        assert any(q.split == split for q in queries)
        assert any(q.split == split for q in questions)


async def test_meaning_only_queries_share_no_indexed_word_with_their_entries(
    server: Any,
) -> None:
    entries = {e.key: e for e in labelled.entries()}
    shared = {}
    async with server.services.clients.db() as session:
        for query in (q for q in labelled.queries() if q.kind == labelled.MEANING):
            for key in query.relevant:
                entry = f"{entries[key].title} {entries[key].content}"
                words = await session.execute(_SHARED, {"query": query.text, "entry": entry})
                if found := words.scalar_one():
                    shared[(query.text, key)] = found
    assert shared == {}
