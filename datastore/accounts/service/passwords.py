"""Argon2id password hashing through PyNaCl, off the event loop."""

from __future__ import annotations

import asyncio
from functools import lru_cache

from nacl import pwhash
from nacl.exceptions import InvalidkeyError

# (opslimit, memlimit); "minimal" exists for the test suite's speed, never production.
PROFILES = {
    "interactive": (pwhash.argon2id.OPSLIMIT_INTERACTIVE, pwhash.argon2id.MEMLIMIT_INTERACTIVE),
    "moderate": (pwhash.argon2id.OPSLIMIT_MODERATE, pwhash.argon2id.MEMLIMIT_MODERATE),
    "sensitive": (pwhash.argon2id.OPSLIMIT_SENSITIVE, pwhash.argon2id.MEMLIMIT_SENSITIVE),
    "minimal": (pwhash.argon2id.OPSLIMIT_MIN, pwhash.argon2id.MEMLIMIT_MIN),
}


class PasswordHasher:
    def __init__(self, profile: str = "interactive") -> None:
        self.opslimit, self.memlimit = PROFILES[profile]

    def _hash(self, password: str) -> str:
        return pwhash.argon2id.str(
            password.encode(), opslimit=self.opslimit, memlimit=self.memlimit
        ).decode()

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Check `password`; with no hash (unknown account) spend the same time and fail."""
        target = password_hash or self._decoy()
        ok = await asyncio.to_thread(_verify, target, password)
        return ok and password_hash is not None

    def _decoy(self) -> str:
        return _decoy_hash(self.opslimit, self.memlimit)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return pwhash.verify(password_hash.encode(), password.encode())
    except InvalidkeyError:
        return False


@lru_cache(maxsize=4)
def _decoy_hash(opslimit: int, memlimit: int) -> str:
    return pwhash.argon2id.str(b"decoy password", opslimit=opslimit, memlimit=memlimit).decode()
