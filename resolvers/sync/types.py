"""Sync changes: what changed in my pod and journal, in order, with a cursor to resume after."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from datastore.sync.items import SyncItem
from datastore.sync.service import change_values
from resolvers.core.ids import global_id
from resolvers.core.pagination import encode_cursor
from resolvers.pod.enums import EntityType


@strawberry.enum(description="What happened to the object.")
class SyncOperation(Enum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    TRASHED = "TRASHED"
    RESTORED = "RESTORED"
    DELETED = "DELETED"


def sync_cursor(seq: int, at: datetime) -> str:
    """A position in my change sequence; its time tells whether the log still covers it."""
    return encode_cursor("sync", f"{seq}.{int(at.timestamp())}")


@strawberry.type(description="One committed change in my pod or journal.")
class SyncChange:
    cursor: str = strawberry.field(description="Pass as `since` to get the changes after this.")
    seq: int = strawberry.field(description="Position in my account's event sequence.")
    entity_type: EntityType = strawberry.field(description="What kind of object changed.")
    entity_id: strawberry.ID = strawberry.field(description="Global id of the object.")
    operation: SyncOperation = strawberry.field(description="What happened to it.")
    version: int = strawberry.field(description="Its version after the change (0: merged).")
    device_session_id: strawberry.ID | None = strawberry.field(
        description="Global id of the session (device) that made it; null for the pod itself."
    )
    merged_into_id: strawberry.ID | None = strawberry.field(
        description="For a tag merged away: the tag it was merged into."
    )
    at: datetime = strawberry.field(description="When it was committed.")

    @classmethod
    def build(cls, seq: int, at: datetime, values: dict[str, Any]) -> SyncChange:
        device = values.get("device")
        merged = values.get("merged_into")
        return cls(
            cursor=sync_cursor(seq, at),
            seq=seq,
            entity_type=EntityType(values["entity_type"]),
            entity_id=global_id(values["node_type"], values["entity_id"]),
            operation=SyncOperation(values["operation"]),
            version=values["version"],
            device_session_id=global_id("Session", device) if device else None,
            merged_into_id=global_id("Tag", merged) if merged else None,
            at=at,
        )

    @classmethod
    def from_item(cls, item: SyncItem) -> SyncChange:
        return cls.build(item.seq, datetime.fromisoformat(item.at), vars(item))

    @classmethod
    def from_event(cls, event: dict[str, Any]) -> SyncChange:
        """From a live event as `datastore.kit.events.user_events` yields it."""
        at = datetime.fromisoformat(event["at"])
        return cls.build(event["seq"], at, change_values(event["payload"]))
