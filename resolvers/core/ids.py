"""Global ids in, database ids out: one parser and one error policy for every domain.

An argument's id of the wrong type, or whose inside is not well-formed, is the caller's
mistake: BAD_USER_INPUT naming the field. A well-formed id of something missing or not
mine gets through here; the service or the ownership check answers NOT_FOUND, and
`node`/`nodes` answer null (`node_uuid` is None for a node id that cannot exist).
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

import strawberry
from strawberry import relay

from datastore.kit.errors import BadUserInput

K = TypeVar("K")
TypeNames = str | tuple[str, ...]


def argument_key(
    value: relay.GlobalID, type_names: TypeNames, *, field: str, parse: Callable[[str], K]
) -> K:
    """`parse` of the node id inside an argument's global id of one of `type_names`;
    BAD_USER_INPUT naming `field` for another type or when `parse` raises ValueError."""
    names = (type_names,) if isinstance(type_names, str) else type_names
    if value.type_name in names:
        try:
            return parse(value.node_id)
        except ValueError:
            pass
    raise BadUserInput(f"This id is not a {' or '.join(names)}'s.", field=field)


def argument_keys(
    values: Iterable[relay.GlobalID],
    type_names: TypeNames,
    *,
    field: str,
    parse: Callable[[str], K],
) -> list[K]:
    """`argument_key` of each value, in order."""
    return [argument_key(v, type_names, field=field, parse=parse) for v in values]


def argument_uuid(value: relay.GlobalID, type_names: TypeNames, *, field: str) -> uuid.UUID:
    """The UUID inside an argument's global id of one of `type_names`."""
    return argument_key(value, type_names, field=field, parse=uuid.UUID)


def argument_uuids(
    values: Iterable[relay.GlobalID], type_names: TypeNames, *, field: str
) -> list[uuid.UUID]:
    """`argument_uuid` of each value, in order."""
    return argument_keys(values, type_names, field=field, parse=uuid.UUID)


def node_key(node_id: str, parse: Callable[[str], K]) -> K | None:
    """`parse` of a node id that `resolve_nodes` got, or None where it raises ValueError:
    no node of a malformed id can exist."""
    try:
        return parse(node_id)
    except ValueError:
        return None


def node_uuid(node_id: str) -> uuid.UUID | None:
    """The UUID inside a node id, or None."""
    return node_key(node_id, uuid.UUID)


def node_uuids(node_ids: Iterable[str]) -> list[uuid.UUID | None]:
    return [node_uuid(i) for i in node_ids]


def global_id(type_name: str, value: object) -> strawberry.ID:
    """The global id of the node `value` of `type_name`, as strawberry's `GlobalID` prints
    it (base64 of `Type:id`), without building one: pages print thousands a second."""
    return strawberry.ID(base64.b64encode(f"{type_name}:{value}".encode()).decode())
