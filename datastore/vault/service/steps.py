"""Pending OPAQUE steps (`opaque_sessions`): started by one call, finished once by the next.

A step is bound to the account and the device session that started it, sealed at rest,
minutes long and single-use: finishing deletes it (DELETE ... RETURNING) in its own
transaction, so a replay, a second device or a late finish finds nothing, whatever the
finish then decides.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.kit.crypto.opaque import OpaqueServer
from datastore.kit.errors import BadUserInput, NotFound
from datastore.vault.repository import OpaqueSessionRepository

REGISTER, LOGIN, ROTATE = "REGISTER", "LOGIN", "ROTATE"
_FIELD = {REGISTER: "registrationId", LOGIN: "loginId", ROTATE: "phraseChangeId"}


@dataclass(frozen=True)
class Step:
    tag_id: uuid.UUID
    values: dict[str, bytes | None]


def credential_id(tag_id: uuid.UUID) -> bytes:
    """OPAQUE's credential identifier: the tag, so each tag has its own OPRF key."""
    return f"personalpod-secret-tag:{tag_id}".encode()


async def start(
    session: AsyncSession,
    opaque: OpaqueServer,
    *,
    kind: str,
    user_id: uuid.UUID,
    device: str,
    tag_id: uuid.UUID,
    values: dict[str, bytes | None],
    minutes: int,
) -> uuid.UUID:
    """Store a pending step (sealed `values`) in the caller's transaction; its id."""
    steps = OpaqueSessionRepository(session)
    await steps.delete_expired()
    packed = {k: base64.b64encode(v).decode() if v is not None else None for k, v in values.items()}
    return await steps.create(
        kind=kind,
        user_id=user_id,
        device_session_id=device,
        tag_id=tag_id,
        sealed_state=opaque.seal(orjson.dumps(packed)),
        lifetime=timedelta(minutes=minutes),
    )


async def finish(
    db: async_sessionmaker[AsyncSession],
    opaque: OpaqueServer,
    step_id: uuid.UUID,
    *,
    kind: str,
    user_id: uuid.UUID,
    device: str,
) -> Step:
    """Consume the caller's pending step, or NOT_FOUND (used, unknown, another account's or
    device's) or BAD_USER_INPUT (expired; consumed all the same)."""
    async with db() as session, session.begin():
        found = await OpaqueSessionRepository(session).consume(
            step_id, kind=kind, user_id=user_id, device_session_id=device
        )
    if found is None:
        raise NotFound(
            "No such pending step: it was used already, never started, or belongs to another "
            "device session.",
            field=_FIELD[kind],
        )
    row, live = found
    if not live:
        raise BadUserInput("This step has expired: start again.", field=_FIELD[kind])
    packed: dict[str, Any] = orjson.loads(opaque.open(row.sealed_state))
    values = {k: base64.b64decode(v) if v is not None else None for k, v in packed.items()}
    return Step(row.tag_id, values)
