"""Files of entries, my storage quota, and two-step upload tickets."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay

from datastore.pod.tables import Attachment as AttachmentRow
from resolvers.core.context import Info
from resolvers.core.nodes import Nodes, owned_nodes
from resolvers.core.rows import from_row


@strawberry.enum(description="Where background processing (thumbnails) of a file stands.")
class AttachmentStatus(Enum):
    PENDING = "PENDING"
    READY = "READY"
    FAILED = "FAILED"


def absolute_url(info: Info, path: str) -> str:
    """`path` on the address this request reached us at (behind a proxy: its address, from
    X-Forwarded-Proto and Host when the proxy is trusted)."""
    return str(info.context.request.base_url).rstrip("/") + path


@strawberry.type(
    description="A file attached to an entry. Only those who may read the entry see it."
)
class Attachment(relay.Node):
    id: relay.NodeID[str]
    name: str = strawberry.field(
        description="The file name it was uploaded with (only the last path part, cleaned)."
    )
    mime_type: str = strawberry.field(
        description="The type sniffed from its bytes (the client's type is not trusted)."
    )
    size: int = strawberry.field(description="Size in bytes.")
    sha256: str = strawberry.field(description="SHA-256 of the bytes, hex; also the ETag.")
    status: AttachmentStatus = strawberry.field(
        description="PENDING while an image is processed in the background (turned upright, "
        "EXIF/GPS stripped unless kept, thumbnail made), then READY or FAILED; other files "
        "are READY at once. attachmentEvents tells when it changes."
    )
    created_at: datetime = strawberry.field(description="When it was attached.")
    row: strawberry.Private[AttachmentRow]

    @strawberry.field(
        description="A signed URL of its bytes for me, valid for FILES_URL_SECONDS: usable "
        "without headers (an <img src>), with Range requests; do not share it."
    )
    def download_url(self, info: Info) -> str:
        principal = info.context.require_principal()
        path = info.context.services.pod.files.download_path(self.row.id, principal.user_id)
        return absolute_url(info, path)

    @strawberry.field(
        description="A signed URL of its JPEG thumbnail (at most 320 pixels a side), valid as "
        "downloadUrl is; null until status is READY, and for files that are no image."
    )
    def thumbnail_url(self, info: Info) -> str | None:
        if self.row.status != "READY" or self.row.thumbnail_key is None:
            return None
        principal = info.context.require_principal()
        media = info.context.services.pod.attachment_media
        return absolute_url(info, media.thumbnail_path(self.row.id, principal.user_id))

    @strawberry.field(description="Why processing FAILED (e.g. not a readable image).")
    def processing_error(self) -> str | None:
        return self.row.processing_error

    @classmethod
    def from_row(cls, row: AttachmentRow) -> Attachment:
        return from_row(cls, row, status=AttachmentStatus(row.status), row=row)

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        return owned_nodes(info, node_ids, info.context.loaders.pod.attachment_by_id, cls.from_row)


@strawberry.type(description="The bytes of files I keep, against my quota.")
class Storage:
    used_bytes: float = strawberry.field(
        description="Bytes of my attachments, of uploads not yet completed and of my chat media."
    )
    limit_bytes: float = strawberry.field(description="My quota in bytes (BLOB_QUOTA_BYTES).")


@strawberry.type(description="Where to PUT the bytes of a two-step upload; shown once.")
class UploadTicket:
    upload_id: strawberry.ID = strawberry.field(description="Pass it to completeUpload.")
    url: str = strawberry.field(
        description="One-time URL: PUT the file's bytes as the body (no other headers "
        "needed). 201 when stored; 404 once used or expired; 413 over the size; 415 for a "
        "type not accepted."
    )
    max_bytes: int = strawberry.field(description="The most bytes the PUT may send.")
    expires_at: datetime = strawberry.field(description="When the URL stops working.")
