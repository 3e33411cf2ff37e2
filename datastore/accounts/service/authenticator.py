"""Bearer token to session, with a short Redis cache that revocation overrides."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import cast

import orjson
import redis.asyncio as redis
import structlog

from datastore.accounts.items import SessionItem
from datastore.accounts.repository.sessions import SessionRepository
from datastore.accounts.service.tokens import parse_token, secret_matches
from datastore.kit.errors import Unauthenticated
from datastore.kit.group_commit import GroupCommit, Outcomes

log = structlog.get_logger("personalpod.auth")

CACHE_SECONDS = 60
TOUCH_EVERY_SECONDS = 60
REVOKED = b"revoked"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the user and the device session they signed in with."""

    user_id: uuid.UUID
    session_id: str
    expires_at: int


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Authenticator:
    def __init__(
        self,
        redis_client: redis.Redis,
        sessions: SessionRepository,
        touch_user: Callable[[uuid.UUID], Awaitable[None]] | None = None,
    ) -> None:
        self.redis = redis_client
        self.sessions = sessions
        self.touch_user = touch_user
        self._touches: set[asyncio.Task[None]] = set()
        # When this process last touched each session: skips a Redis round trip per request.
        self._touched: dict[str, float] = {}
        # Token checks arriving while one is in flight share the next MGET: under load one
        # round trip (and one pass through the client library) serves many requests.
        self._cached = GroupCommit[str, bytes | None](self._cached_sessions, most=500)

    async def authenticate(self, token: str) -> Principal:
        """The principal of a valid token; UNAUTHENTICATED for bad, expired or revoked ones."""
        parsed = parse_token(token)
        if parsed is None:
            raise Unauthenticated("The access token is malformed.")
        session_id, secret = parsed
        session = await self._load(session_id)
        if session is None or not secret_matches(secret, session.token_hash):
            raise Unauthenticated("The session has expired or was revoked; sign in again.")
        if session.expires_at <= time.time():
            raise Unauthenticated("The session has expired; sign in again.")
        self._maybe_touch(session)
        return Principal(uuid.UUID(session.user_id), session.id, session.expires_at)

    async def is_active(self, session_id: str) -> bool:
        session = await self._load(session_id)
        return session is not None and session.expires_at > time.time()

    async def forget(self, session_id: str) -> None:
        """Mark revoked so no in-flight cache fill can bring the session back."""
        await self.redis.set(self._key(session_id), REVOKED, ex=CACHE_SECONDS * 2)

    async def _cached_sessions(self, keys: list[str]) -> Outcomes[bytes | None]:
        # bytes: the client does not decode responses
        return cast(Outcomes[bytes | None], await self.redis.mget(keys))

    async def _load(self, session_id: str) -> SessionItem | None:
        cached = await self._cached(self._key(session_id))
        if cached == REVOKED:
            return None
        if cached is not None:
            return SessionItem(**orjson.loads(cached))
        session = await self.sessions.get(session_id)
        if session is not None:
            # NX: a revocation marker written meanwhile wins over this fill.
            await self.redis.set(
                self._key(session_id), orjson.dumps(asdict(session)), ex=CACHE_SECONDS, nx=True
            )
        return session

    def _maybe_touch(self, session: SessionItem) -> None:
        now = time.monotonic()
        if now - self._touched.get(session.id, -TOUCH_EVERY_SECONDS) < TOUCH_EVERY_SECONDS:
            return
        last = datetime.fromisoformat(session.last_active_at)
        if (datetime.now(UTC) - last).total_seconds() < TOUCH_EVERY_SECONDS:
            return
        if len(self._touched) > 100_000:
            self._touched.clear()
        self._touched[session.id] = now
        task = asyncio.create_task(self._touch(session))
        self._touches.add(task)
        task.add_done_callback(self._touches.discard)

    async def _touch(self, session: SessionItem) -> None:
        """Record activity at most once a minute per session, across all instances."""
        try:
            key = f"session-touch:{session.id}"
            if not await self.redis.set(key, 1, ex=TOUCH_EVERY_SECONDS, nx=True):
                return
            await self.sessions.touch(session.id, last_active_at=now_iso())
            if self.touch_user is not None:
                await self.touch_user(uuid.UUID(session.user_id))
        except Exception:
            log.exception("session_touch_failed", session_id=session.id)

    @staticmethod
    def _key(session_id: str) -> str:
        return f"session:{session_id}"
