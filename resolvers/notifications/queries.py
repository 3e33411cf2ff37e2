"""Notification queries."""

from __future__ import annotations

from typing import Annotated

import strawberry

from datastore.notifications.repository import notification_cursor
from resolvers.core.context import Info
from resolvers.core.pagination import After, Connection, First, page_limit
from resolvers.core.permissions import IsAuthenticated
from resolvers.notifications.types import Notification

UnreadOnly = Annotated[bool, strawberry.argument(description="Only the unread ones.")]


@strawberry.type
class NotificationQueries:
    @strawberry.field(
        description="My notifications of the last 30 days, newest first.",
        permission_classes=[IsAuthenticated],
    )
    async def notifications(
        self, info: Info, first: First = None, after: After = None, unread_only: UnreadOnly = False
    ) -> Connection[Notification]:
        principal = info.context.require_principal()
        items, has_next = await info.context.services.notifications.list_notifications(
            principal.user_id, limit=page_limit(info, first), after=after, unread_only=unread_only
        )
        return Connection.build(
            items,
            node=Notification.from_item,
            cursor=notification_cursor,
            has_next=has_next,
            has_previous=after is not None,
        )

    @strawberry.field(
        description="How many of my notifications are unread.", permission_classes=[IsAuthenticated]
    )
    async def unread_notification_count(self, info: Info) -> int:
        principal = info.context.require_principal()
        return await info.context.services.notifications.unread_count(principal.user_id)
