"""The vault's events in the signed security audit log: registration, unlocks and failed
unlocks, phrase and key rotation, deletion, vaults opened and closed.

Successful steps are recorded in the transaction of the change (they commit together);
failed unlocks in a transaction of their own, since they change nothing. Refusals by the
unlock limiter are not recorded: the limiter bounds how many rows a guesser can write.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from datastore.security_audit.client import Client, security_event
from datastore.security_audit.events import SecurityEvent
from datastore.security_audit.events import SecurityEventType as T
from datastore.security_audit.service import SecurityAuditLog


@dataclass(frozen=True)
class Caller:
    """Who acts on a vault: the account, its device session and the client's address."""

    user_id: uuid.UUID
    device: str
    client: Client


class VaultAudit:
    def __init__(self, log: SecurityAuditLog) -> None:
        self.log = log

    async def registered(self, db: AsyncSession, caller: Caller, tag_id: uuid.UUID) -> None:
        await self._opened(db, caller, T.SECRET_TAG_REGISTERED, f"Secret tag {tag_id} registered.")

    async def unlocked(self, db: AsyncSession, caller: Caller, tag_id: uuid.UUID) -> None:
        await self._opened(db, caller, T.SECRET_TAG_UNLOCKED, f"Secret tag {tag_id} unlocked.")

    async def unlock_failed(
        self, caller: Caller, tag_id: uuid.UUID | None, error_code: str
    ) -> None:
        which = "an unknown secret tag" if tag_id is None else f"secret tag {tag_id}"
        event = self._event(
            caller,
            T.SECRET_TAG_UNLOCK_FAILED,
            f"Unlock of {which} failed.",
            success=False,
            error_code=error_code,
        )
        await self.log.record_alone(event)

    async def phrase_changed(
        self, db: AsyncSession, caller: Caller, tag_id: uuid.UUID, closed: int
    ) -> None:
        message = f"Phrase of secret tag {tag_id} changed; {closed} other vaults closed."
        await self.log.record(db, self._event(caller, T.SECRET_TAG_ROTATED, message))

    async def key_rotated(
        self, db: AsyncSession, caller: Caller, tag_id: uuid.UUID, version: int
    ) -> None:
        message = f"Data key of secret tag {tag_id} rotated to version {version}."
        await self.log.record(db, self._event(caller, T.SECRET_TAG_ROTATED, message))

    async def deleted(
        self, db: AsyncSession, caller: Caller, tag_id: uuid.UUID, keys: int, entries: int
    ) -> None:
        message = f"Secret tag {tag_id} deleted: {keys} keys, then {entries} entries shredded."
        await self.log.record(db, self._event(caller, T.SECRET_TAG_DELETED, message))

    async def closed(self, db: AsyncSession, caller: Caller, vault_id: uuid.UUID) -> None:
        message = f"Vault session {vault_id} closed."
        await self.log.record(db, self._event(caller, T.VAULT_CLOSED, message))

    async def _opened(self, db: AsyncSession, caller: Caller, event_type: T, message: str) -> None:
        """The tag event and the vault it opened, tied by one correlation id."""
        correlation_id = uuid.uuid4().hex
        for kind, text in ((event_type, message), (T.VAULT_OPENED, "A vault opened here.")):
            event = self._event(caller, kind, text, correlation_id=correlation_id)
            await self.log.record(db, event)

    def _event(self, caller: Caller, event_type: T, message: str, **fields: Any) -> SecurityEvent:
        return security_event(
            event_type,
            message,
            caller.client,
            user_id=caller.user_id,
            session_id=caller.device,
            **fields,
        )
