"""Notification queries."""

from __future__ import annotations

from typing import Annotated

import strawberry

from datastore.notifications.repository import notification_cursor
from resolvers.core.context import Context
from resolvers.core.pagination import After, Connection, First, page_size
from resolvers.core.permissions import IsAuthenticated
from resolvers.notifications.types import Notification

Info = strawberry.Info[Context, None]
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
        limit = page_size(first, maximum=info.context.settings.max_page_size)
        repository = info.context.services.notifications.repository
        items, has_next = await repository.page(
            str(principal.user_id), limit=limit, after=after, unread_only=unread_only
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
        repository = info.context.services.notifications.repository
        return await repository.unread_count(str(principal.user_id))
