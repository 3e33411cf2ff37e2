"""Cursor connections, the one pagination shape of the API."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Sequence
from typing import Annotated, Generic, TypeVar

import strawberry

from datastore.kit.errors import BadUserInput

NodeT = TypeVar("NodeT")
ItemT = TypeVar("ItemT")

DEFAULT_PAGE_SIZE = 20

First = Annotated[
    int | None, strawberry.argument(description="Page size: 1 to 100, 20 when omitted.")
]
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
        edges = [Edge(cursor=cursor(item), node=node(item)) for item in items]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=has_next,
                has_previous_page=has_previous,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
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


def page_size(first: int | None, *, maximum: int) -> int:
    """Validate `first`: 1..maximum, default 20."""
    if first is None:
        return min(DEFAULT_PAGE_SIZE, maximum)
    if first < 1 or first > maximum:
        raise BadUserInput(f"`first` must be between 1 and {maximum}.", field="first")
    return first
