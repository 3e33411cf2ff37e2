"""Validated changes handed from resolvers to the pod's use cases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Actor:
    """Who is writing: the user, and the device session the change comes from."""

    user_id: uuid.UUID
    session_id: str | None


@dataclass
class EntryDraft:
    kind: str
    title: str
    body: str | None
    status: str
    category_id: uuid.UUID | None
    tag_ids: list[uuid.UUID]
    sensitive: bool
    expires_at: datetime | None
    fields: dict[str, Any]
    secrets: dict[str, Any]


@dataclass
class EntryPatch:
    # Column values given (title, body, status, category_id, sensitive, expires_at);
    # category_id None means the Inbox.
    values: dict[str, Any] = field(default_factory=dict)
    # Kind fields merged into `fields`, and secrets merged into the sealed payload.
    fields: dict[str, Any] = field(default_factory=dict)
    secrets: dict[str, Any] = field(default_factory=dict)
    tag_ids: list[uuid.UUID] | None = None
