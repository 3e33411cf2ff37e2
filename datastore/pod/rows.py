"""Entry rows to JSON-safe dicts and back, for the Redis caches."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import inspect

from datastore.pod.tables import Entry

_UUIDS = {"id", "user_id", "category_id"}
_TIMES = {"expires_at", "deleted_at", "created_at", "updated_at"}
_COLUMNS = [a.key for a in inspect(Entry).column_attrs if a.key != "search"]


def entry_to_json(row: Entry) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in _COLUMNS:
        value = getattr(row, key)
        if isinstance(value, bytes):
            value = base64.b64encode(value).decode()
        elif isinstance(value, (uuid.UUID, datetime)):
            value = str(value) if isinstance(value, uuid.UUID) else value.isoformat()
        values[key] = value
    return values


def entry_from_json(values: dict[str, Any]) -> Entry:
    """A detached Entry carrying the cached values (never added to a session)."""
    converted: dict[str, Any] = {}
    for key in _COLUMNS:
        value = values.get(key)
        if value is not None and key in _UUIDS:
            value = uuid.UUID(value)
        elif value is not None and key in _TIMES:
            value = datetime.fromisoformat(value)
        elif value is not None and key == "sealed":
            value = base64.b64decode(value)
        converted[key] = value
    return Entry(**converted)
