"""Signed short-lived download URLs of archives: `/exports/<id>?v=<viewer>&e=<expiry>&s=<mac>`.

The scheme of /files and /media (datastore/kit/crypto/signed_paths.py) under a purpose of
its own, so no other signed path ever opens an archive. The download endpoint checks the
grant, then that the viewer owns a READY, unexpired archive: a URL expired, forged, issued
to someone else or of an expired archive is one plain 404.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from datastore.kit.crypto.signed_paths import SignedPaths

EXPORTS_PATH = "/exports/"


@dataclass(frozen=True)
class ArchiveGrant:
    export_id: uuid.UUID
    viewer_id: uuid.UUID


class ArchiveUrls:
    def __init__(self, key: bytes, *, ttl_seconds: int) -> None:
        self.signed = SignedPaths(key, purpose=b"exports", ttl_seconds=ttl_seconds)

    def path(self, export_id: uuid.UUID, viewer_id: uuid.UUID, *, now: float | None = None) -> str:
        """The download path of an archive for `viewer_id`, valid EXPORT_URL_SECONDS."""
        return self.signed.path(f"{EXPORTS_PATH}{export_id}", str(export_id), viewer_id, now=now)

    def grant(
        self, export_id: str, viewer: str, expires: str, signature: str
    ) -> ArchiveGrant | None:
        """What a download URL grants; None when it is malformed, forged or expired."""
        try:
            archive = uuid.UUID(export_id)
        except ValueError:
            return None
        viewer_id = self.signed.viewer(str(archive), viewer, expires, signature)
        return None if viewer_id is None else ArchiveGrant(archive, viewer_id)
