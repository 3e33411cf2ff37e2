"""Chat files: my uploads (`ChatMedia`) and the file a message carries (`Media`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from datastore.chat.service.media import ChatMediaService
from datastore.chat.tables import ChatMedia as ChatMediaRow
from datastore.kit.processing import READY
from resolvers.chat.types.enums import MediaStatus
from resolvers.core.context import Info
from resolvers.core.nodes import Nodes, owned_nodes
from resolvers.pod.types.attachments import absolute_url

URL_NOTE = (
    "signed for me and valid for FILES_URL_SECONDS: usable without headers (an <img src>), "
    "with Range requests; access is checked again on every download."
)


def download_url(info: Info, media_id: uuid.UUID) -> str:
    me = info.context.require_principal().user_id
    return absolute_url(info, info.context.services.chat.media.download_path(media_id, me))


def thumbnail_url(info: Info, row: ChatMediaRow | None) -> str | None:
    if row is None or row.status != READY or row.thumbnail_key is None:
        return None
    me = info.context.require_principal().user_id
    return absolute_url(info, info.context.services.chat.media.thumbnail_path(row.id, me))


@strawberry.type(
    description="A file I uploaded for a chat message (uploadChatMedia); only I see it here. "
    "Send it with sendMessage's media.mediaId; once sent, the conversation's members see it "
    "as the message's media."
)
class ChatMedia(relay.Node):
    id: relay.NodeID[str]
    row: strawberry.Private[ChatMediaRow]

    @classmethod
    def from_row(cls, row: ChatMediaRow) -> ChatMedia:
        return cls(id=str(row.id), row=row)

    @strawberry.field(description="The file name it was uploaded with (cleaned).")
    def file_name(self) -> str:
        return self.row.name

    @strawberry.field(description="The type sniffed from its bytes, e.g. image/png.")
    def mime_type(self) -> str:
        return self.row.mime_type

    @strawberry.field(description="Size in bytes (of the stored file, after processing).")
    def size_bytes(self) -> int:
        return self.row.size

    @strawberry.field(description="SHA-256 of the stored bytes, hex; also the ETag.")
    def sha256(self) -> str:
        return self.row.sha256

    @strawberry.field(
        description="PENDING while an image is processed (upright, metadata stripped, "
        "thumbnail), then READY or FAILED; other files are READY at once."
    )
    def processing_status(self) -> MediaStatus:
        return MediaStatus(self.row.status)

    @strawberry.field(description="Why processing FAILED (e.g. not a readable image).")
    def processing_error(self) -> str | None:
        return self.row.processing_error

    @strawberry.field(description="True once it was sent in a message (it can be sent once).")
    def sent(self) -> bool:
        return self.row.client_id is not None

    @strawberry.field(description="When it was uploaded.")
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field(description=f"URL of its bytes, {URL_NOTE}")
    def download_url(self, info: Info) -> str:
        return download_url(info, self.row.id)

    @strawberry.field(description=f"URL of its JPEG thumbnail once READY (images), {URL_NOTE}")
    def thumbnail_url(self, info: Info) -> str | None:
        return thumbnail_url(info, self.row)

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        return owned_nodes(info, node_ids, info.context.loaders.chat.media_by_id, cls.from_row)


@strawberry.type(description="The file of an IMAGE, VIDEO or DOCUMENT message, as uploaded.")
class Media:
    values: strawberry.Private[dict[str, Any]]
    row: strawberry.Private[ChatMediaRow | None]

    @strawberry.field(description="The file name it was uploaded with.")
    def file_name(self) -> str:
        return str(self.values["file_name"])

    @strawberry.field(description="MIME type sniffed from its bytes, e.g. image/png.")
    def mime_type(self) -> str:
        return str(self.values["mime_type"])

    @strawberry.field(description="Size in bytes.")
    def size_bytes(self) -> int:
        return int(self.row.size if self.row else self.values["size_bytes"])

    @strawberry.field(description="SHA-256 of the stored bytes, hex; null for older messages.")
    def sha256(self) -> str | None:
        return self.row.sha256 if self.row else self.values.get("sha256")

    @strawberry.field(
        deprecation_reason="Files are no longer addressed by path: use downloadUrl.",
        description="Always null: files are no longer addressed by path.",
    )
    def storage_path(self) -> str | None:
        return None

    @strawberry.field(
        description=f"URL of its JPEG thumbnail once READY (images), {URL_NOTE} Null for "
        "other files and for messages sent before uploads existed."
    )
    def thumbnail_url(self, info: Info) -> str | None:
        return thumbnail_url(info, self.row)

    @strawberry.field(
        description=f"URL of its bytes, {URL_NOTE} For others than the sender, null until "
        "processingStatus is READY (an image is stripped of its EXIF/GPS first)."
    )
    def download_url(self, info: Info) -> str | None:
        me = info.context.require_principal().user_id
        if self.row is None or not ChatMediaService.offered_to(me, self.row):
            return None
        return download_url(info, self.row.id)

    @strawberry.field(description="PENDING while an image is processed, then READY or FAILED.")
    def processing_status(self) -> MediaStatus:
        if self.row is not None:
            return MediaStatus(self.row.status)
        # Older messages kept what their client typed; a file that is gone has FAILED.
        legacy = self.values.get("processing_status")
        return (
            MediaStatus(legacy) if legacy and "media_id" not in self.values else MediaStatus.FAILED
        )


async def message_media(info: Info, values: dict[str, Any]) -> Media:
    """The Media of a message's stored values, with its upload loaded (one query a page)."""
    media_id = values.get("media_id")
    loader = info.context.loaders.chat.media_by_id
    row = await loader.load(uuid.UUID(media_id)) if media_id else None
    return Media(values=values, row=row)
