"""Notification subscriptions."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import orjson
import strawberry

from datastore.notifications.items import NotificationItem
from datastore.notifications.service import notification_channel
from resolvers.core.context import Info
from resolvers.core.permissions import IsAuthenticated
from resolvers.notifications.types import Notification


@strawberry.type
class NotificationSubscriptions:
    @strawberry.subscription(
        description="My new notifications, live.", permission_classes=[IsAuthenticated]
    )
    async def notification_received(self, info: Info) -> AsyncGenerator[Notification, None]:
        principal = info.context.require_principal()
        broker = info.context.services.clients.broker
        async with broker.subscribe(notification_channel(principal.user_id)) as subscription:
            async for _channel, data in subscription:
                yield Notification.from_item(NotificationItem(**orjson.loads(data)))
