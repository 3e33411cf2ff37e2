"""Plain Python values to DynamoDB's typed attribute values and back."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

T = TypeVar("T")


def to_attr(value: Any) -> dict[str, Any]:
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, (int, float, Decimal)):
        return {"N": str(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, (bytes, bytearray)):
        return {"B": bytes(value)}
    if isinstance(value, (set, frozenset)):
        return {"SS": sorted(value)}
    if isinstance(value, (list, tuple)):
        return {"L": [to_attr(v) for v in value]}
    if isinstance(value, dict):
        return {"M": to_item(value)}
    raise TypeError(f"cannot store {type(value).__name__} in DynamoDB")


def from_attr(attr: dict[str, Any]) -> Any:
    ((kind, value),) = attr.items()
    if kind == "S" or kind == "B" or kind == "BOOL":
        return value
    if kind == "N":
        return int(value) if value.lstrip("-").isdigit() else float(value)
    if kind == "NULL":
        return None
    if kind == "L":
        return [from_attr(v) for v in value]
    if kind == "M":
        return from_item(value)
    if kind in ("SS", "NS", "BS"):
        return set(value)
    raise TypeError(f"unknown DynamoDB type {kind}")


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    """Drop `None` values: DynamoDB items simply lack absent attributes."""
    return {k: to_attr(v) for k, v in values.items() if v is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: from_attr(v) for k, v in item.items()}


def from_values(cls: type[T], values: Mapping[str, Any], **overrides: Any) -> T:
    """The dataclass `cls` from decoded attributes: its fields only, absent ones None."""
    given = {f.name: values.get(f.name) for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**{**given, **overrides})
