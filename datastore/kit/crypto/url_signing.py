"""Signed short-lived URLs: a keyed BLAKE2b MAC over what a URL grants, so a link works
without headers (`<img src>`) yet cannot be made, changed or kept past its expiry."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

MAC_BYTES = 16


class UrlSigner:
    def __init__(self, key: bytes, *, purpose: bytes) -> None:
        if len(key) != 32:
            raise ValueError("a URL signing key is 32 bytes")
        self.key = key
        # Different purposes never accept each other's signatures.
        self.person = hashlib.blake2b(purpose, digest_size=16).digest()

    def sign(self, *parts: str) -> str:
        """The signature of `parts` (the grant: what, who, until when), URL-safe."""
        mac = hashlib.blake2b(
            "\x1f".join(parts).encode(), key=self.key, digest_size=MAC_BYTES, person=self.person
        ).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def valid(self, signature: str, *parts: str, expires_at: int, now: float | None = None) -> bool:
        """Whether `signature` signs `parts` and `expires_at` has not passed."""
        if expires_at < (time.time() if now is None else now):
            return False
        return hmac.compare_digest(signature.encode(), self.sign(*parts).encode())
