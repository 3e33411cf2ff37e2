"""Files over plain HTTP: downloads at /files/<id> (signed URLs from `downloadUrl`) and the
PUT of two-step uploads at /uploads/<token> (one-time URLs from `requestUpload`).

A download URL that is malformed, forged, expired, issued to someone who may no longer
read the entry, or names a missing file gets the same 404, so it tells nothing.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any, Protocol

import structlog
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse

from datastore.kit.blobs import BlobError, StoredBlob
from datastore.kit.errors import BadUserInput, DomainError, NotFound
from datastore.pod.service.uploads import valid_token
from datastore.services import Services
from resolvers.core.ids import global_id
from server.http_ranges import ByteRange, content_disposition, requested_range

log = structlog.get_logger("personalpod.files")

# Shown in the browser when the type allows it; anything else is downloaded.
INLINE_TYPES = ("image/", "video/", "audio/", "application/pdf", "text/plain")


class ServedFile(Protocol):
    """What a download sends: an attachment, a chat file, or a thumbnail of either."""

    @property
    def id(self) -> Any: ...
    @property
    def name(self) -> str: ...
    @property
    def mime_type(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def sha256(self) -> str: ...
    @property
    def blob_key(self) -> str: ...
    @property
    def blocks(self) -> bytes: ...


def not_found() -> Response:
    return PlainTextResponse("Not found.", 404, headers={"Cache-Control": "no-store"})


class FileDownloads:
    """GET /files/{id}?v=&e=&s= : the bytes of an attachment, with Range and ETag."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def handle(self, request: Request) -> Response:
        files = self.services.pod.files
        query = request.query_params
        grant = files.grant(
            request.path_params["id"], query.get("v", ""), query.get("e", ""), query.get("s", "")
        )
        if grant is None:
            return not_found()
        readable = await files.readable(grant.viewer_id, grant.attachment_id)
        if readable is None:
            return not_found()
        response = await self.respond(request, readable.row, int(query["e"]))
        if readable.access.share_id is not None and _begins_a_read(response):
            # The owner sees which of their files a sharer read, and when.
            await self.services.pod.access.record_download(readable.access, readable.row.id)
        return response

    async def respond(self, request: Request, row: ServedFile, expires: int) -> Response:
        """The bytes of a file the caller may read (a 304, a range, or all of them)."""
        headers = _headers(row, expires)
        if _etag_matches(request.headers.get("if-none-match"), headers["ETag"]):
            return Response(status_code=304, headers=headers)
        byte_range = requested_range(request.headers, row.size, headers["ETag"])
        if byte_range is None:
            return Response(
                status_code=416, headers={**headers, "Content-Range": f"bytes */{row.size}"}
            )
        return await self._send(row, byte_range, headers)

    async def _send(
        self, row: ServedFile, byte_range: ByteRange, headers: dict[str, str]
    ) -> Response:
        blob = StoredBlob(row.blob_key, row.size, row.sha256, row.blocks)
        chunks = self.services.clients.blobs.get(blob, byte_range.start, byte_range.end)
        try:
            # The first block is checked before any header goes out: a damaged file is an
            # error response, not a 200 with bad bytes.
            first = await anext(chunks, b"")
        except BlobError:
            log.error("stored_file_damaged", attachment_id=str(row.id), exc_info=True)
            return PlainTextResponse("The stored file is damaged.", 500)
        headers["Content-Length"] = str(byte_range.end - byte_range.start)
        status = 200
        if byte_range.partial:
            status = 206
            headers["Content-Range"] = byte_range.content_range(row.size)
        return StreamingResponse(
            _rest(first, chunks, row), status, headers=headers, media_type=row.mime_type
        )


async def _rest(
    first: bytes, chunks: AsyncIterator[bytes], row: ServedFile
) -> AsyncIterator[bytes]:
    yield first
    try:
        async for chunk in chunks:
            yield chunk
    except BlobError:
        # Headers are out: cutting the response short (shorter than Content-Length) is how
        # HTTP says the body is bad.
        log.error("stored_file_damaged", attachment_id=str(row.id), exc_info=True)
        raise


def _begins_a_read(response: Response) -> bool:
    """Bytes from the first one: a new read of the file. A range further on continues one
    (a player seeking, a download resumed), and a 304 sends nothing."""
    if response.status_code == 200:
        return True
    return response.status_code == 206 and response.headers["content-range"].startswith("bytes 0-")


def _headers(row: ServedFile, expires: int) -> dict[str, str]:
    inline = row.mime_type.startswith(INLINE_TYPES)
    return {
        "ETag": f'"{row.sha256}"',
        "Accept-Ranges": "bytes",
        "Content-Type": row.mime_type,
        "Content-Disposition": content_disposition(row.name, inline=inline),
        "X-Content-Type-Options": "nosniff",
        # Even a file that a browser renders cannot run script or reach anything.
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        "Cache-Control": f"private, max-age={max(expires - int(time.time()), 0)}",
        "Referrer-Policy": "no-referrer",
    }


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


class UploadReceiver:
    """PUT /uploads/{token}: the body of a two-step upload, streamed into the blob store."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def handle(self, request: Request) -> Response:
        token = request.path_params["token"]
        if not valid_token(token):
            return _upload_error(NotFound("No such upload."))
        try:
            upload = await self.services.pod.uploads.receive(token, request.stream())
        except DomainError as error:
            return _upload_error(error)
        return JSONResponse(
            {
                "uploadId": global_id("Upload", upload.id),
                "size": upload.size,
                "sha256": upload.sha256,
                "mimeType": upload.mime_type,
            },
            201,
        )


UPLOAD_STATUS = {"FILE_TOO_LARGE": 413, "QUOTA_EXCEEDED": 413, "TYPE_NOT_ALLOWED": 415}


def _upload_error(error: DomainError) -> Response:
    status = 404 if isinstance(error, NotFound) else 400
    if isinstance(error, BadUserInput):
        status = UPLOAD_STATUS.get(error.extensions.get("reason", ""), 400)
    return JSONResponse(
        {"errors": [{"message": error.message, "extensions": error.extensions}]}, status
    )
