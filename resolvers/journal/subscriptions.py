"""Live journal: my entries', tags' and reminders' changes as they commit, from any device."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from datastore.journal.changes import TOPIC_PREFIX
from datastore.kit.events import user_events
from datastore.sync.service import is_change
from resolvers.core.context import Info
from resolvers.core.permissions import IsAuthenticated
from resolvers.journal.types import JournalEvent


@strawberry.type
class JournalSubscriptions:
    @strawberry.subscription(
        description="My journal entries', tags' and reminders' changes, live and in order, "
        "with the object as it is now. After a disconnect, catch up with `changes(since:)`.",
        permission_classes=[IsAuthenticated],
    )
    async def journal_events(self, info: Info) -> AsyncGenerator[JournalEvent, None]:
        principal = info.context.require_principal()
        async for event in user_events(
            info.context.services.clients.broker, principal.user_id, (TOPIC_PREFIX,)
        ):
            if is_change(event["topic"], event["payload"]):
                # Each event reads the object afresh, not from an earlier event's cache.
                info.context.loaders = info.context.fresh_loaders()
                yield JournalEvent.from_change(event["payload"])
