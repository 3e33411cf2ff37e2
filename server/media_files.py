"""Chat files and thumbnails over plain HTTP, served as /files serves attachments (Range,
ETag, Content-Disposition, nosniff), each behind its own signed URLs:

  GET /media/{id}?v=&e=&s=            a chat file: its sender, or a current member of its
                                      conversation once it is READY (`downloadUrl`)
  GET /media/{id}/thumbnail?v=&e=&s=  its JPEG thumbnail, for the same people
  GET /files/{id}/thumbnail?v=&e=&s=  an attachment's thumbnail, for whoever may read the
                                      entry's files

Access is decided again on every request; a malformed, forged or expired URL, or one whose
viewer may no longer read the file, gets the same 404 as a missing file.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from datastore.kit.crypto.signed_paths import SignedPaths
from datastore.kit.processing import READY, thumbnail_blob
from datastore.services import Services
from server.files import FileDownloads, not_found


@dataclass(frozen=True)
class Thumbnail:
    """A file's thumbnail as a download sends it."""

    id: Any
    name: str
    mime_type: str
    size: int
    sha256: str
    blob_key: str
    blocks: bytes


def thumbnail_of(row: Any) -> Thumbnail | None:
    """The thumbnail of a processed attachment or chat file, or None if it has none."""
    if row.status != READY or not row.thumbnail_key or row.thumbnail_sha256 is None:
        return None
    blob = thumbnail_blob(row.thumbnail_key, row.thumbnail_size, row.thumbnail_sha256)
    stem = row.name.rsplit(".", 1)[0] or "file"
    return Thumbnail(
        id=row.id,
        name=f"{stem}-thumbnail.jpg",
        mime_type="image/jpeg",
        size=blob.size,
        sha256=blob.sha256,
        blob_key=blob.key,
        blocks=blob.blocks,
    )


def _viewer(request: Request, signed: SignedPaths) -> tuple[uuid.UUID, uuid.UUID, int] | None:
    """(file id, viewer, expiry) of a valid signed URL, else None."""
    query = request.query_params
    raw_id = request.path_params["id"]
    viewer = signed.viewer(raw_id, query.get("v", ""), query.get("e", ""), query.get("s", ""))
    if viewer is None:
        return None
    return uuid.UUID(raw_id), viewer, int(query["e"])


class ChatMediaDownloads(FileDownloads):
    """GET /media/{id} (and /media/{id}/thumbnail with `thumbnail=True`)."""

    def __init__(self, services: Services, *, thumbnail: bool = False) -> None:
        super().__init__(services)
        self.thumbnail = thumbnail

    async def __call__(self, request: Request) -> Response:
        media = self.services.chat.media
        signed = media.thumbnails if self.thumbnail else media.downloads
        granted = _viewer(request, signed)
        row = await media.downloadable(granted[1], granted[0]) if granted else None
        served = thumbnail_of(row) if self.thumbnail and row else row
        if granted is None or served is None:
            return not_found()
        return await self.respond(request, served, granted[2])


class AttachmentThumbnails(FileDownloads):
    """GET /files/{id}/thumbnail."""

    async def __call__(self, request: Request) -> Response:
        pod = self.services.pod
        granted = _viewer(request, pod.attachment_media.thumbnails)
        readable = await pod.files.readable(granted[1], granted[0]) if granted else None
        served = thumbnail_of(readable.row) if readable else None
        if granted is None or served is None:
            return not_found()
        return await self.respond(request, served, granted[2])
