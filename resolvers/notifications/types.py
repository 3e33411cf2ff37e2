"""GraphQL types of notifications."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from datastore.notifications.items import NotificationItem
from resolvers.core.context import Context


@strawberry.enum(description="What a notification is about.")
class NotificationKind(Enum):
    MESSAGE = "MESSAGE"
    FRIEND_REQUEST = "FRIEND_REQUEST"
    GROUP_INVITE = "GROUP_INVITE"
    SYSTEM = "SYSTEM"
    REMINDER = "REMINDER"
    SHARE = "SHARE"


@strawberry.type(description="Something that happened for me; kept 30 days.")
class Notification(relay.Node):
    id: relay.NodeID[str]
    kind: NotificationKind = strawberry.field(description="What it is about.")
    title: str = strawberry.field(description="One line to show.")
    body: str | None = strawberry.field(description="More text, if any.")
    data: JSON = strawberry.field(
        description="Ids a client needs to open what it is about (conversationId, ...)."
    )
    read: bool = strawberry.field(description="I have marked it read.")
    read_at: datetime | None = strawberry.field(description="When I marked it read.")
    created_at: datetime = strawberry.field(description="When it was sent.")

    @classmethod
    def from_item(cls, item: NotificationItem) -> Notification:
        return cls(
            id=item.sk,
            kind=NotificationKind(item.kind),
            title=item.title,
            body=item.body,
            data=item.data,
            read=item.read_at is not None,
            read_at=datetime.fromisoformat(item.read_at) if item.read_at else None,
            created_at=datetime.fromisoformat(item.created_at),
        )

    @classmethod
    async def resolve_nodes(
        cls,
        *,
        info: strawberry.Info[Context, None],
        node_ids: Iterable[str],
        required: bool = False,
    ) -> list[Notification | None]:
        ids = list(node_ids)
        principal = info.context.principal
        if principal is None:
            return [None] * len(ids)
        loader = info.context.loaders.notifications.by_key
        items = await loader.load_many([(str(principal.user_id), i) for i in ids])
        return [cls.from_item(item) if item else None for item in items]


@strawberry.type(description="The result of marking notifications read.")
class MarkNotificationsReadPayload:
    marked: int = strawberry.field(description="How many were unread and are now read.")
    unread_count: int = strawberry.field(description="How many remain unread.")
