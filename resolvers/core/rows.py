"""Strawberry types filled from rows (ORM rows or plain records), each field from the
row's attribute of its name."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

import strawberry

from resolvers.core.ids import node_global_id

T = TypeVar("T")
# A node type's `id` field as a plain attribute, filled when the object is built (see
# `global_id_field`); relay's own `id` field runs a resolver per object.
GLOBAL_ID = "_id"

_FIELDS: dict[type, tuple[str, ...]] = {}


def global_id_field() -> Any:
    """A Node type's `id` as a plain attribute field named `GLOBAL_ID` (same schema)."""
    return strawberry.field(name="id", description="The Globally Unique ID of this object")


def is_exactly(cls: type, obj: object) -> bool:
    """`is_type_of` for a type nothing subclasses: one class comparison per object
    instead of strawberry's cast lookup and isinstance over the type's interfaces."""
    return type(obj) is cls


def from_row(cls: type[T], source: object, /, **overrides: Any) -> T:
    """A `cls` with each field copied from `source` (a relay `id` as text, and the global
    id of a type with a `GLOBAL_ID` field), but `overrides`.

    A field the row lacks and `overrides` does not give fails loudly (AttributeError).
    """
    values = {}
    for name in _init_fields(cls):
        if name in overrides:
            values[name] = overrides[name]
        elif name == "id":
            values[name] = str(getattr(source, name))
        elif name == GLOBAL_ID:
            values[name] = node_global_id(cls, source.id)  # type: ignore[attr-defined]
        else:
            values[name] = getattr(source, name)
    return cls(**values)


def _init_fields(cls: type) -> tuple[str, ...]:
    """The fields a strawberry type's constructor takes (resolver fields are not among them)."""
    if cls not in _FIELDS:
        _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.init)
    return _FIELDS[cls]
