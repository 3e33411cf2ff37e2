"""Strawberry types filled from rows (ORM rows or plain records), each field from the
row's attribute of its name."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar

import strawberry
from strawberry.types.base import get_object_definition

from resolvers.core.ids import global_id

T = TypeVar("T")
# A node type's `id` field as a plain attribute, filled when the object is built (see
# `global_id_field`); relay's own `id` field runs a resolver per object.
GLOBAL_ID = "_id"


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
    key = (cls, tuple(overrides))
    plan = _PLANS.get(key) or _plan(*key)
    values = dict(zip(plan.names, plan.read(source), strict=True))
    if plan.id or plan.global_id:
        text_id = str(source.id)  # type: ignore[attr-defined]
        if plan.id:
            values["id"] = text_id
        if plan.global_id:
            values[GLOBAL_ID] = global_id(plan.type_name, text_id)
    values.update(overrides)
    return cls(**values)


@dataclasses.dataclass(frozen=True, slots=True)
class _Plan:
    """How `from_row` fills one type for one set of overrides: the plain fields in one
    attrgetter call (pages build thousands of objects a second), then the ids."""

    names: tuple[str, ...]
    read: Callable[[object], tuple[Any, ...]]
    id: bool
    global_id: bool
    type_name: str  # the GraphQL name a global id starts with


_PLANS: dict[tuple[type, tuple[str, ...]], _Plan] = {}


def _plan(cls: type, overridden: tuple[str, ...]) -> _Plan:
    fields = [f.name for f in dataclasses.fields(cls) if f.init and f.name not in overridden]
    names = tuple(n for n in fields if n not in ("id", GLOBAL_ID))
    read: Callable[[object], Any] = attrgetter(*names) if names else (lambda _source: ())
    if len(names) == 1:
        single = read
        read = lambda source: (single(source),)  # noqa: E731 (attrgetter of one is no tuple)
    has_global_id = GLOBAL_ID in fields
    type_name = get_object_definition(cls, strict=True).name if has_global_id else ""
    plan = _Plan(names, read, "id" in fields, has_global_id, type_name)
    _PLANS[(cls, overridden)] = plan
    return plan
