"""The notifications section: my notifications still kept (30 days)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from datastore.exports.sections.base import Scope, Section, fields, pages
from datastore.notifications.items import NotificationItem
from datastore.notifications.repository import notification_cursor

PAGE = 100


async def _notifications(scope: Scope) -> AsyncIterator[dict[str, Any]]:
    async def fetch(after: str | None) -> tuple[list[NotificationItem], bool]:
        return await scope.notifications.page(
            str(scope.user_id), limit=PAGE, after=after, unread_only=False
        )

    async for item in pages(fetch, notification_cursor):
        yield {
            "id": item.sk,
            "kind": item.kind,
            "title": item.title,
            "body": item.body,
            "data": item.data,
            "createdAt": item.created_at,
            "readAt": item.read_at,
        }


NOTIFICATIONS = Section(
    name="notifications.notifications",
    file="notifications/notifications.json",
    version=1,
    description="My notifications of the last 30 days, newest first.",
    fields=fields(
        ("id", "Notification id."),
        ("kind", "MESSAGE, FRIEND_REQUEST, GROUP_INVITE, SYSTEM, REMINDER, SHARE or EXPORT."),
        ("title", "One line."),
        ("body", "More text, or null."),
        ("data", "Ids of what it is about (object)."),
        ("createdAt", "ISO 8601."),
        ("readAt", "When I marked it read, or null."),
    ),
    rows=_notifications,
    store="DynamoDB",
)
