"""GraphQL types of notifications."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from datastore.notifications.items import NotificationItem
from resolvers.chat.ids import with_global_ids
from resolvers.core.context import Info
from resolvers.core.nodes import Nodes, visible_nodes
from resolvers.core.rows import from_row


@strawberry.enum(description="What a notification is about.")
class NotificationKind(Enum):
    MESSAGE = "MESSAGE"
    FRIEND_REQUEST = "FRIEND_REQUEST"
    GROUP_INVITE = "GROUP_INVITE"
    SYSTEM = "SYSTEM"
    REMINDER = "REMINDER"
    SHARE = "SHARE"
    EXPORT = "EXPORT"


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
        return from_row(
            cls,
            item,
            id=item.sk,
            kind=NotificationKind(item.kind),
            data=with_global_ids(item.data),
            read=item.read_at is not None,
            read_at=datetime.fromisoformat(item.read_at) if item.read_at else None,
            created_at=datetime.fromisoformat(item.created_at),
        )

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        """Keys are in my partition, so someone else's notification is simply missing."""
        principal = info.context.principal
        partition = str(principal.user_id) if principal else ""
        return visible_nodes(
            info,
            node_ids,
            key=lambda sort_key: (partition, sort_key),
            loader=info.context.loaders.notifications.by_key,
            visible=lambda item, me: item.user_id == str(me),
            build=cls.from_item,
        )


@strawberry.type(description="The result of marking notifications read.")
class MarkNotificationsReadPayload:
    marked: int = strawberry.field(description="How many were unread and are now read.")
    unread_count: int = strawberry.field(description="How many remain unread.")
