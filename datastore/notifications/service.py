"""The notification service other capabilities call: durable first, then live."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

import orjson

from datastore.kit.dynamodb import Dynamo
from datastore.kit.pubsub import Broker
from datastore.notifications.items import KINDS, NotificationItem
from datastore.notifications.repository import NotificationRepository

MAX_TITLE, MAX_BODY, MAX_DATA_BYTES = 200, 2000, 8192


def notification_channel(user_id: object) -> str:
    return f"notifications:{user_id}"


class NotificationService:
    def __init__(self, dynamo: Dynamo, broker: Broker) -> None:
        self.repository = NotificationRepository(dynamo)
        self.broker = broker

    async def notify(
        self,
        user_id: uuid.UUID | str,
        kind: str,
        *,
        title: str,
        body: str | None = None,
        data: dict[str, Any] | None = None,
        dedupe_key: str | None = None,
    ) -> NotificationItem | None:
        """Store a notification for `user_id` and deliver it live.

        With `dedupe_key`, a repeated call (a retried job, a second worker) stores and
        delivers nothing and returns None.
        """
        user_id = uuid.UUID(str(user_id))  # a malformed id fails here, not in a query
        if kind not in KINDS:
            raise ValueError(f"unknown notification kind {kind}")
        data = data or {}
        if len(orjson.dumps(data)) > MAX_DATA_BYTES:
            raise ValueError("notification data is too large")
        item = await self.repository.create(
            str(user_id),
            kind,
            title=title[:MAX_TITLE],
            body=body[:MAX_BODY] if body else None,
            data=data,
            dedupe_key=dedupe_key,
        )
        if item is not None:
            await self.broker.publish(notification_channel(user_id), orjson.dumps(asdict(item)))
        return item

    async def list_notifications(
        self, user_id: uuid.UUID, *, limit: int, after: str | None, unread_only: bool
    ) -> tuple[list[NotificationItem], bool]:
        """My live notifications, newest first, and whether more follow."""
        return await self.repository.page(
            str(user_id), limit=limit, after=after, unread_only=unread_only
        )

    async def unread_count(self, user_id: uuid.UUID) -> int:
        return await self.repository.unread_count(str(user_id))

    async def mark_read(self, user_id: uuid.UUID, keys: list[str] | None) -> int:
        """Mark my notifications of these sort keys (every unread one when None) read;
        how many were unread."""
        user = str(user_id)
        if keys is None:
            keys = await self.repository.unread_keys(user)
        return await self.repository.mark_read(user, keys)
