"""Ownership of what resolvers load: another user's row reads as missing, never FORBIDDEN.

Relay's `node`/`nodes` call each type's `resolve_nodes`; `owned_nodes` is that method for
the rows a user owns (`visible_nodes` where more than the owner may see a row).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Protocol, TypeVar

from strawberry.dataloader import DataLoader

from datastore.kit.errors import NotFound
from resolvers.core.context import Info
from resolvers.core.ids import node_uuid

K = TypeVar("K")
R = TypeVar("R")
N = TypeVar("N")

# What `resolve_nodes` returns: an awaitable of the list of a node or None per id, in order.
# relay.Node types the method with overloads on `required`; an override with one signature
# matches them all only if the awaited value is Any.
Nodes = Awaitable[Any]


class Owned(Protocol):
    @property
    def user_id(self) -> uuid.UUID | None: ...


OwnedT = TypeVar("OwnedT", bound=Owned)


def owned(row: OwnedT | None, user_id: uuid.UUID) -> OwnedT | None:
    """`row` if the caller owns it, else None (as if it did not exist)."""
    return row if row is not None and row.user_id == user_id else None


def require_owned(row: OwnedT | None, user_id: uuid.UUID, what: str) -> OwnedT:
    """`row` if the caller owns it, else NOT_FOUND ("No such `what`.")."""
    found = owned(row, user_id)
    if found is None:
        raise NotFound(f"No such {what}.")
    return found


async def owned_nodes(
    info: Info,
    node_ids: Iterable[str],
    loader: DataLoader[uuid.UUID, OwnedT | None],
    build: Callable[[OwnedT], N],
) -> list[N | None]:
    """`build` of each row the caller owns, by node ids (UUIDs) through `loader`, in order;
    None where an id is malformed, the row missing or someone else's."""
    return await visible_nodes(
        info,
        node_ids,
        key=node_uuid,
        loader=loader,
        visible=lambda row, me: row.user_id == me,
        build=build,
    )


async def visible_nodes(
    info: Info,
    node_ids: Iterable[str],
    *,
    key: Callable[[str], K | None],
    loader: DataLoader[K, R | None],
    visible: Callable[[R, uuid.UUID], bool],
    build: Callable[[R], N],
) -> list[N | None]:
    """`build` of each row that `visible(row, me)` lets the caller see, by node ids that
    `key` parses (None: malformed), in order; all None when signed out."""
    principal = info.context.principal
    keys = [key(node_id) for node_id in node_ids]
    if principal is None:
        return [None] * len(keys)
    loaded = iter(await loader.load_many([k for k in keys if k is not None]))
    rows = [next(loaded) if k is not None else None for k in keys]
    return [
        build(row) if row is not None and visible(row, principal.user_id) else None for row in rows
    ]
