"""GET /exports/<id>?v=&e=&s=: an archive streamed from the blob store to its owner.

Two things must hold: the request is signed in as the owner (`Authorization: Bearer`, so
a leaked link alone opens nothing; 401 otherwise), and the URL is a valid grant for that
same account (datastore/exports/downloads.py) of a READY, unexpired archive of theirs.
Anything else is one plain 404, so a URL tells nobody whether an archive exists. The bytes
go out as /files sends a file (ranges, ETag, each block verified), and each download is in
the security audit log.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from datastore.services import Services
from server.context import build_context
from server.files import FileDownloads, not_found


@dataclass(frozen=True)
class ArchiveFile:
    """An archive as /files serves a file (server.files.ServedFile)."""

    id: uuid.UUID
    name: str
    size: int
    sha256: str
    blob_key: str
    blocks: bytes
    mime_type: str = "application/zip"


class ArchiveDownloads:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.exports = services.exports
        self.files = FileDownloads(services)

    async def handle(self, request: Request) -> Response:
        context = await build_context(self.services, request, None)
        if context.principal is None:
            return PlainTextResponse(
                "Sign in: send Authorization: Bearer <token> with the download link.",
                401,
                headers={"WWW-Authenticate": "Bearer", "Cache-Control": "no-store"},
            )
        query = request.query_params
        grant = self.exports.urls.grant(
            request.path_params["id"], query.get("v", ""), query.get("e", ""), query.get("s", "")
        )
        if grant is None or grant.viewer_id != context.principal.user_id:
            return not_found()
        found = await self.exports.downloadable(grant)
        if found is None:
            return not_found()
        row, blob = found
        name = f"personalpod-export-{row.created_at:%Y-%m-%d}-{str(row.id)[:8]}.zip"
        archive = ArchiveFile(row.id, name, blob.size, blob.sha256, blob.key, blob.blocks)
        response = await self.files.respond(request, archive, int(query["e"]))
        if response.status_code in (200, 206):
            await self.exports.downloaded(row, context.principal.session_id, context.client)
        # A personal archive: no cache may keep it.
        response.headers["Cache-Control"] = "private, no-store"
        return response
