"""Fuzzy name matching in Python (the embedded PostgreSQL has no pg_trgm): trigram
similarity as pg_trgm defines it, an edit-based ratio per word for typos, and prefix
matches, so "pian" and "paino" find "Piano"."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from typing import TypeVar

from datastore.kit.errors import BadUserInput

_WORD = re.compile(r"\w+")
# The name score from which a name matches a search (a typo or two in a word, or a prefix).
NAME_MATCH = 0.6

ItemT = TypeVar("ItemT")


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each lower-case word padded with two spaces before, one after."""
    found: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        found.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return found


def similarity(a: str, b: str) -> float:
    """Shared trigrams over all trigrams of both (pg_trgm's `similarity`), 0..1."""
    left, right = trigrams(a), trigrams(b)
    union = left | right
    return len(left & right) / len(union) if union else 0.0


def word_similarity(a: str, b: str) -> float:
    """The better of trigram similarity and the matching-characters ratio (a swap of two
    letters keeps most characters but breaks most trigrams)."""
    return max(similarity(a, b), SequenceMatcher(None, a.lower(), b.lower()).ratio())


def name_score(query: str, name: str, extra: Iterable[str] = ()) -> float:
    """How well `query` names something called `name` (or described by `extra` words):
    1 for a word prefix of the name, else the best similarity of the query to the name,
    to one of its words or to one of the extra words (these count for 0.8)."""
    query = query.strip().lower()
    words = _WORD.findall(name.lower())
    if not query:
        return 0.0
    if name.lower().startswith(query) or any(w.startswith(query) for w in words):
        return 1.0
    best = max([similarity(query, name), *(word_similarity(query, w) for w in words)])
    others = [0.8 * word_similarity(query, w) for w in extra]
    return max([best, *others])


def search_text(query: str, *, limit: int) -> str:
    """A name search's query, stripped: 1 to `limit` characters, else BAD_USER_INPUT."""
    query = query.strip()
    if not query or len(query) > limit:
        raise BadUserInput(f"1 to {limit} characters.", field="query")
    return query


def named_like(
    query: str,
    items: Iterable[ItemT],
    *,
    name: Callable[[ItemT], str],
    extra: Callable[[ItemT], Iterable[str]] = lambda _: (),
    first: Callable[[ItemT], bool] = lambda _: False,
) -> list[ItemT]:
    """Those of `items` whose name matches `query` loosely, best first; among equal scores
    those `first` picks (pinned ones), then by name."""
    scored = [(name_score(query, name(item), extra(item)), item) for item in items]
    matches = [(score, item) for score, item in scored if score >= NAME_MATCH]
    matches.sort(key=lambda m: (-m[0], not first(m[1]), name(m[1]).lower()))
    return [item for _, item in matches]
