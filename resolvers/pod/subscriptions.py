"""Live pod events: one entry as it changes (for its owner and its sharers), my shares, and
my attachments as their background processing finishes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from strawberry import relay

from datastore.kit.errors import NotFound
from datastore.kit.events import user_events
from datastore.pod.service.attachment_media import PROCESSED_TOPIC
from datastore.pod.service.live import entry_changes
from datastore.pod.service.share_rules import SHARE_TOPIC
from resolvers.core.context import Info
from resolvers.core.ids import argument_uuid, global_id
from resolvers.core.permissions import IsAuthenticated
from resolvers.pod.readable import readable_rows
from resolvers.pod.types.attachments import Attachment, AttachmentStatus
from resolvers.pod.types.entries import KIND_TYPES, Entry
from resolvers.pod.types.sharing import ShareEvent

_ENTRY_TYPES = tuple(t.__name__ for t in KIND_TYPES.values())


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
        description="One entry, mine or shared with me, each time it changes, as it is now. "
        "Ends with NOT_FOUND the moment I may no longer read it (share revoked or expired, "
        "entry trashed for a sharer, purged).",
        permission_classes=[IsAuthenticated],
    )
    async def entry_events(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The entry's id.")],
    ) -> AsyncGenerator[Entry, None]:
        me = info.context.require_principal().user_id
        entry_id = argument_uuid(id, _ENTRY_TYPES, field="id")
        services = info.context.services
        async for _ in entry_changes(services.clients.broker, services.pod.access, me, entry_id):
            # Each event reads the entry afresh, not from an earlier event's cache.
            info.context.loaders = info.context.fresh_loaders()
            row = (await readable_rows(info, [entry_id]))[0]
            if row is None:
                raise NotFound("No such entry.", field="id")
            yield Entry.from_row(row)

    @strawberry.subscription(
        description="Shares of my entries and shares with me, live: SHARED, UPDATED, "
        "UNSHARED (an open client removes an ended share at once).",
        permission_classes=[IsAuthenticated],
    )
    async def share_events(self, info: Info) -> AsyncGenerator[ShareEvent, None]:
        principal = info.context.require_principal()
        async for event in user_events(
            info.context.services.clients.broker, principal.user_id, (SHARE_TOPIC,)
        ):
            info.context.loaders = info.context.fresh_loaders()
            yield ShareEvent.from_payload(event["payload"])

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
