"""Strawberry types filled from ORM rows, each field from the row's attribute of its name."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")

_FIELDS: dict[type, tuple[str, ...]] = {}


def from_row(cls: type[T], source: object, /, **overrides: Any) -> T:
    """A `cls` with each field copied from `source` (a relay `id` as text), but `overrides`.

    A field the row lacks and `overrides` does not give fails loudly (AttributeError).
    """
    values = {}
    for name in _init_fields(cls):
        if name in overrides:
            values[name] = overrides[name]
        elif name == "id":
            values[name] = str(getattr(source, name))
        else:
            values[name] = getattr(source, name)
    return cls(**values)


def _init_fields(cls: type) -> tuple[str, ...]:
    """The fields a strawberry type's constructor takes (resolver fields are not among them)."""
    if cls not in _FIELDS:
        _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.init)
    return _FIELDS[cls]
