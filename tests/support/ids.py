"""Opaque global ids (base64 of `Type:raw`) and the raw database ids inside them."""

from __future__ import annotations

import base64


def global_id(type_name: str, raw: str) -> str:
    return base64.b64encode(f"{type_name}:{raw}".encode()).decode()


def raw_id(global_value: str) -> str:
    """The id inside a global id (a row's UUID, a DynamoDB key), for reading raw storage."""
    return base64.b64decode(global_value).decode().split(":", 1)[1]
