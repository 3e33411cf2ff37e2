"""Connections over short in-memory lists (reactions, receipts, edit history)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from resolvers.core.pagination import Connection, decode_cursor, encode_cursor, page_size

T = TypeVar("T")


def list_connection(
    items: Sequence[Any],
    *,
    kind: str,
    node: Callable[[Any], T],
    first: int | None,
    after: str | None,
    maximum: int = 100,
) -> Connection[T]:
    """Page a list already in memory by position."""
    limit = page_size(first, maximum=maximum)
    start = 0 if after is None else int(decode_cursor(kind, after, pattern=r"\d+")) + 1
    page = list(enumerate(items))[start : start + limit]
    return Connection.build(
        page,
        node=lambda pair: node(pair[1]),
        cursor=lambda pair: encode_cursor(kind, pair[0]),
        has_next=start + limit < len(items),
        has_previous=start > 0,
        total_count=len(items),
    )
