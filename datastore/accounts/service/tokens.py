"""Bearer tokens: `pps_<session id>.<256-bit secret>`; only a BLAKE2b hash is stored."""

from __future__ import annotations

import base64
import hmac
import re
import secrets
from dataclasses import dataclass

from nacl.encoding import HexEncoder
from nacl.hash import blake2b

PREFIX = "pps_"
_FORMAT = re.compile(r"^pps_([0-9a-f]{32})\.([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class IssuedToken:
    session_id: str
    token: str
    token_hash: str


def issue_token() -> IssuedToken:
    session_id = secrets.token_hex(16)
    secret = secrets.token_bytes(32)
    encoded = base64.urlsafe_b64encode(secret).rstrip(b"=").decode()
    return IssuedToken(session_id, f"{PREFIX}{session_id}.{encoded}", hash_secret(secret))


def parse_token(token: str) -> tuple[str, bytes] | None:
    """The session id and secret of a well-formed token, else None."""
    match = _FORMAT.match(token.strip())
    if not match:
        return None
    secret = base64.urlsafe_b64decode(match.group(2) + "=")
    return match.group(1), secret


def hash_secret(secret: bytes) -> str:
    return blake2b(secret, digest_size=32, encoder=HexEncoder).decode()


def secret_matches(secret: bytes, token_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), token_hash)
