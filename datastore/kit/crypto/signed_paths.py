"""Signed short-lived paths to files: `<path>?v=<viewer>&e=<expiry>&s=<signature>`.

The signature covers what the path grants (the object, the viewer, the expiry) under one
purpose, so a link works without headers (`<img src>`) but cannot be made, moved to another
object or viewer, or kept past its expiry. The server still decides access on every use.
"""

from __future__ import annotations

import math
import time
import uuid

from datastore.kit.crypto.url_signing import UrlSigner


class SignedPaths:
    def __init__(self, key: bytes, *, purpose: bytes, ttl_seconds: int) -> None:
        self.signer = UrlSigner(key, purpose=purpose)
        self.ttl_seconds = ttl_seconds

    def path(
        self, path: str, object_id: str, viewer: uuid.UUID, *, now: float | None = None
    ) -> str:
        """`path` signed for `viewer`, valid `ttl_seconds` or a little more: the expiry is
        rounded up to the minute, so a page re-read within it gets the same URLs (cached)."""
        expires = math.ceil(((now or time.time()) + self.ttl_seconds) / 60) * 60
        signature = self.signer.sign(object_id, str(viewer), str(expires))
        return f"{path}?v={viewer}&e={expires}&s={signature}"

    def viewer(self, object_id: str, viewer: str, expires: str, signature: str) -> uuid.UUID | None:
        """Who a signed path was issued to; None when malformed, forged or expired."""
        try:
            viewer_id, expires_at = uuid.UUID(viewer), int(expires)
        except ValueError:
            return None
        parts = (object_id, str(viewer_id), str(expires_at))
        if not self.signer.valid(signature, *parts, expires_at=expires_at):
            return None
        return viewer_id
