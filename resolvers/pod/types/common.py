"""Helpers shared by the pod's types: ownership and global ids."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import strawberry
from strawberry import relay

from resolvers.core.context import Context

Info = strawberry.Info[Context, None]


def parse_uuids(node_ids: Iterable[str]) -> list[uuid.UUID | None]:
    found: list[uuid.UUID | None] = []
    for value in node_ids:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            found.append(None)
    return found


def owner(info: Info) -> uuid.UUID | None:
    """The caller's user id, or None when signed out (then nothing is theirs)."""
    principal = info.context.principal
    return principal.user_id if principal else None


def global_id(type_name: str, value: object) -> strawberry.ID:
    return strawberry.ID(str(relay.GlobalID(type_name, str(value))))
