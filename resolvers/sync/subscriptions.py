"""Live sync: my pod's and journal's changes as they commit, from any device."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from datastore.kit.events import user_events
from datastore.sync.service import TOPIC_PREFIXES, is_change
from resolvers.core.context import Info
from resolvers.core.permissions import IsAuthenticated
from resolvers.sync.types import SyncChange


@strawberry.type
class SyncSubscriptions:
    @strawberry.subscription(
        description="My pod's and journal's changes, live and in order. After a "
        "disconnect, catch up with `changes(since:)` from the last cursor received.",
        permission_classes=[IsAuthenticated],
    )
    async def sync_events(self, info: Info) -> AsyncGenerator[SyncChange, None]:
        principal = info.context.require_principal()
        async for event in user_events(
            info.context.services.clients.broker, principal.user_id, TOPIC_PREFIXES
        ):
            if is_change(event["topic"], event["payload"]):
                yield SyncChange.from_event(event)
