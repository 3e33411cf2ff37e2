"""The activity log, search hits and pod settings."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from datastore.accounts.tables import DELETED_ACCOUNT_ID
from datastore.pod.tables import ActivityLog
from resolvers.core.context import Info
from resolvers.core.ids import global_id
from resolvers.core.rows import from_row
from resolvers.people.types import Person
from resolvers.pod.enums import ActivityAction, EntityType, SearchLanguage
from resolvers.pod.types.entries import Entry


@strawberry.type(description="Something done in my pod, by one of my devices or the pod.")
class ActivityEvent:
    action: ActivityAction = strawberry.field(description="What happened.")
    entity_type: EntityType = strawberry.field(description="What it happened to.")
    entity_id: strawberry.ID = strawberry.field(
        description="Global id of what it happened to (may no longer exist)."
    )
    old_values: JSON | None = strawberry.field(
        description="Values before the change (secrets never appear)."
    )
    new_values: JSON | None = strawberry.field(
        description="Values after the change (secrets never appear)."
    )
    session_id: strawberry.ID | None = strawberry.field(
        description="Global id of the device session that did it; null for the pod itself."
    )
    at: datetime = strawberry.field(description="When it happened.")
    row: strawberry.Private[ActivityLog]

    @strawberry.field(
        description="Who did it when it was not me: a person it is shared with. Null for me "
        "and for the pod itself."
    )
    async def by(self, info: Info) -> Person | None:
        if self.row.actor_id is None:
            return None
        if self.row.actor_id == DELETED_ACCOUNT_ID:
            return Person.deleted()
        return (await Person.resolve_nodes(info=info, node_ids=[str(self.row.actor_id)]))[0]

    @strawberry.field(description="The entry, while it still exists.")
    async def entry(self, info: Info) -> Entry | None:
        if self.row.entry_id is None:
            return None
        entry = await info.context.loaders.pod.entry_by_id.load(self.row.entry_id)
        if entry is None or entry.user_id != self.row.user_id:
            return None
        return Entry.from_row(entry)

    @classmethod
    def from_row(cls, row: ActivityLog) -> ActivityEvent:
        return from_row(
            cls,
            row,
            action=ActivityAction(row.action),
            entity_type=EntityType(row.entity_type),
            entity_id=global_id(row.node_type, row.entity_id),
            session_id=global_id("Session", row.session_id) if row.session_id else None,
            at=row.created_at,
            row=row,
        )


@strawberry.type(description="An entry matching a search, with its rank and a snippet.")
class SearchHit:
    entry: Entry = strawberry.field(description="The matching entry.")
    rank: float = strawberry.field(description="Relevance: higher is better (0 to 1).")
    snippet: str = strawberry.field(
        description="Title and body excerpt with matches wrapped in <mark></mark>."
    )


@strawberry.type(description="My pod's settings.")
class PodSettings:
    search_language: SearchLanguage = strawberry.field(
        description="Language used to index and search my entries."
    )
