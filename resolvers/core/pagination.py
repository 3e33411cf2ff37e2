"""Cursor connections, the one pagination shape of the API."""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from datastore.kit.errors import BadUserInput
from resolvers.core.context import Info

NodeT = TypeVar("NodeT")
ItemT = TypeVar("ItemT")
ValueT = TypeVar("ValueT")

DEFAULT_PAGE_SIZE = 20
# Lists loaded whole (an entry's tags, a message's reactions) page up to this many at once.
MAX_LIST_PAGE = 100

First = Annotated[
    int | None, strawberry.argument(description="Page size: 1 to 100, 20 when omitted.")
]
# A bigint position (activity, audit and sync ids): longer numbers would overflow
# PostgreSQL's bigint, so such a cursor cannot be one of ours.
BIGINT_PATTERN = r"\d{1,18}"
After = Annotated[
    str | None, strawberry.argument(description="Return items after this edge's cursor.")
]


@strawberry.type(description="Where a page sits in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first edge.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last edge; pass it as `after` for the next page."
    )


@strawberry.type(description="One item of a page with its cursor.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="Opaque position of this item.")
    node: NodeT = strawberry.field(description="The item.")


class _LazyEdge(Edge[Any]):
    """An edge whose cursor is encoded when read: most pages ask for nodes only."""

    def __init__(self, node: Any, item: Any, cursor_of: Callable[[Any], str]) -> None:
        self.node = node
        self._item = item
        self._cursor_of = cursor_of

    @property
    def cursor(self) -> str:  # type: ignore[override]  # the declared field, computed
        return self._cursor_of(self._item)


@strawberry.type(description="A page of a list.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="The items of this page.")
    page_info: PageInfo = strawberry.field(description="Paging state.")
    total_count: int | None = strawberry.field(
        default=None, description="How many items the whole list has, where cheap to know."
    )

    @classmethod
    def build(
        cls,
        items: Sequence[ItemT],
        *,
        node: Callable[[ItemT], NodeT],
        cursor: Callable[[ItemT], str],
        has_next: bool,
        has_previous: bool,
        total_count: int | None = None,
    ) -> Connection[NodeT]:
        edges: list[Edge[NodeT]] = [_LazyEdge(node(item), item, cursor) for item in items]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=has_next,
                has_previous_page=has_previous,
                start_cursor=cursor(items[0]) if items else None,
                end_cursor=cursor(items[-1]) if items else None,
            ),
            total_count=total_count,
        )


def encode_cursor(kind: str, value: object) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode()


def decode_cursor(kind: str, cursor: str, *, pattern: str) -> str:
    """The value inside a cursor of `kind`, or BAD_USER_INPUT naming `after`."""
    try:
        decoded = base64.urlsafe_b64decode(cursor.encode()).decode()
    except ValueError:
        decoded = ""
    prefix, _, value = decoded.partition(":")
    if prefix != kind or not re.fullmatch(pattern, value):
        raise BadUserInput("This cursor does not belong to this list.", field="after")
    return value


def decode_after(
    kind: str, after: str | None, *, pattern: str, parse: Callable[[str], ValueT]
) -> ValueT | None:
    """The keyset position in an `after` cursor of `kind` (None without one), `parse`d;
    a cursor that does not parse is BAD_USER_INPUT naming `after`."""
    if after is None:
        return None
    value = decode_cursor(kind, after, pattern=pattern)
    try:
        return parse(value)
    except ValueError:
        raise BadUserInput("This cursor does not belong to this list.", field="after") from None


UUID_PATTERN = r"[0-9a-f-]{36}"
# `time|id` and `day|time|id` cursor values: the keysets of lists sorted by a timestamp.
TIME_AND_ID = rf"[^|]+\|{UUID_PATTERN}"
DAY_TIME_AND_ID = rf"\d{{4}}-\d\d-\d\d\|[^|]+\|{UUID_PATTERN}"


def time_and_id_cursor(kind: str, at: datetime, item_id: uuid.UUID) -> str:
    """The cursor `time_and_id` reads back: a time and an id."""
    return encode_cursor(kind, f"{at.isoformat()}|{item_id}")


def time_and_id(value: str) -> tuple[datetime, uuid.UUID]:
    """The (timestamp, id) keyset inside a `time|id` cursor value."""
    at, _, row_id = value.partition("|")
    return datetime.fromisoformat(at), uuid.UUID(row_id)


def day_time_and_id(value: str) -> tuple[date, datetime, uuid.UUID]:
    """The (day, timestamp, id) keyset inside a `day|time|id` cursor value."""
    day, at, row_id = value.split("|")
    return date.fromisoformat(day), datetime.fromisoformat(at), uuid.UUID(row_id)


def name_and_id(value: str) -> tuple[str, uuid.UUID]:
    """The (name, id) keyset inside a `name|id` cursor value of a list sorted by name."""
    name, _, row_id = value.rpartition("|")
    return name, uuid.UUID(row_id)


def page_size(first: int | None, *, maximum: int) -> int:
    """Validate `first`: 1..maximum, default 20."""
    if first is None:
        return min(DEFAULT_PAGE_SIZE, maximum)
    if first < 1 or first > maximum:
        raise BadUserInput(f"`first` must be between 1 and {maximum}.", field="first")
    return first


def page_limit(info: Info, first: int | None) -> int:
    """`page_size` of `first` up to the server's limit (`settings.max_page_size`)."""
    return page_size(first, maximum=info.context.settings.max_page_size)


def keyset_page(
    rows: Sequence[ItemT],
    limit: int,
    after: str | None,
    *,
    node: Callable[[ItemT], NodeT],
    cursor: Callable[[ItemT], str],
) -> Connection[NodeT]:
    """A page of `rows` fetched `limit + 1` deep: the extra row says that more follow."""
    return Connection.build(
        rows[:limit],
        node=node,
        cursor=cursor,
        has_next=len(rows) > limit,
        has_previous=after is not None,
    )


def offset_after(kind: str, after: str | None) -> int:
    """Where to start after an offset cursor of `kind` (0 without one). Offsets page ranked
    lists (search results) and lists loaded whole; keysets page everything else."""
    return 0 if after is None else int(decode_cursor(kind, after, pattern=r"\d{1,6}")) + 1


def offset_cursor(kind: str, position: int) -> str:
    return encode_cursor(kind, position)


def list_page(
    items: Sequence[ItemT],
    *,
    kind: str,
    node: Callable[[ItemT], NodeT],
    first: int | None,
    after: str | None,
    maximum: int = MAX_LIST_PAGE,
    counted: bool = True,
) -> Connection[NodeT]:
    """A page of a list already in memory, by position; its length is `totalCount` when
    `counted`."""
    limit = page_size(first, maximum=maximum)
    start = offset_after(kind, after)
    page = list(enumerate(items))[start : start + limit]
    return Connection.build(
        page,
        node=lambda pair: node(pair[1]),
        cursor=lambda pair: offset_cursor(kind, pair[0]),
        has_next=len(items) > start + limit,
        has_previous=start > 0,
        total_count=len(items) if counted else None,
    )
