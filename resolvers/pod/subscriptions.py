"""Live pod events: my attachments as their background processing finishes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator
from typing import Any

import strawberry

from datastore.kit.events import user_events
from datastore.pod.service.attachment_media import PROCESSED_TOPIC
from resolvers.core.context import Info
from resolvers.core.ids import global_id
from resolvers.core.permissions import IsAuthenticated
from resolvers.pod.types.attachments import Attachment, AttachmentStatus


@strawberry.type(description="An attachment of mine whose processing finished.")
class AttachmentEvent:
    event: strawberry.Private[dict[str, Any]]
    me: strawberry.Private[uuid.UUID]

    @strawberry.field(description="Global id of the attachment.")
    def attachment_id(self) -> strawberry.ID:
        return global_id("Attachment", self.event["attachmentId"])

    @strawberry.field(description="READY (with a thumbnail for images) or FAILED.")
    def status(self) -> AttachmentStatus:
        return AttachmentStatus(self.event["status"])

    @strawberry.field(description="The attachment as it is now; null once removed.")
    async def attachment(self, info: Info) -> Attachment | None:
        row = await info.context.loaders.pod.attachment_by_id.load(
            uuid.UUID(self.event["attachmentId"])
        )
        return Attachment.from_row(row) if row is not None and row.user_id == self.me else None


@strawberry.type
class PodSubscriptions:
    @strawberry.subscription(
        description="My attachments as their processing (upright image without EXIF/GPS, "
        "thumbnail) finishes: READY with its thumbnailUrl, or FAILED. Missed events are "
        "not replayed: after a reconnect, read the attachments' status.",
        permission_classes=[IsAuthenticated],
    )
    async def attachment_events(self, info: Info) -> AsyncGenerator[AttachmentEvent, None]:
        me = info.context.require_principal().user_id
        broker = info.context.services.clients.broker
        async for event in user_events(broker, me, (PROCESSED_TOPIC,)):
            # Each event reads the attachment afresh, not from an earlier event's cache.
            info.context.loaders = info.context.fresh_loaders()
            yield AttachmentEvent(event=event["payload"], me=me)
