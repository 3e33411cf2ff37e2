"""Shares of secrets in the signed security audit log, in the entry's owner's events.

Sharing an entry with its `secret` (a password, a sensitive body) takes the explicit
`includeSecret` flag; each grant of it, to a person or by a link, is SECRET_SHARED, and the
end of one (revoked, turned off, ended by a block) SHARE_REVOKED. Shares without the secret
leave only activity records. Recorded last in the change's transaction (the chain's tail
stays locked until commit); messages carry ids, never titles or people.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from datastore.pod.service.changes import Actor
from datastore.pod.share_tables import EntryShare, ShareLink
from datastore.security_audit.client import Client
from datastore.security_audit.events import SecurityEvent, SecurityEventType
from datastore.security_audit.service import SecurityAuditLog


@dataclass(frozen=True)
class SharedSecret:
    """One share or link that carries an entry's secret."""

    entry_id: uuid.UUID
    owner_id: uuid.UUID
    kind: str  # the entry's kind: PASSWORD, NOTE, ...
    what: str  # "share <id> (READ)" or "link <id>"


def shared_by_share(share: EntryShare, kind: str) -> SharedSecret:
    return SharedSecret(
        share.entry_id, share.owner_id, kind, f"share {share.id} ({share.permission})"
    )


def shared_by_link(link: ShareLink, kind: str) -> SharedSecret:
    return SharedSecret(link.entry_id, link.owner_id, kind, f"link {link.id}")


class ShareAudit:
    def __init__(self, log: SecurityAuditLog) -> None:
        self.log = log

    async def secret_shared(
        self, db: AsyncSession, actor: Actor, client: Client | None, shared: SharedSecret
    ) -> None:
        message = f"{shared.kind} entry {shared.entry_id}: its secret shared by {shared.what}"
        await self._record(db, actor, client, SecurityEventType.SECRET_SHARED, shared, message)

    async def secret_unshared(
        self, db: AsyncSession, actor: Actor | None, client: Client | None, shared: SharedSecret
    ) -> None:
        message = f"{shared.kind} entry {shared.entry_id}: its secret no longer shared by "
        message += shared.what
        await self._record(db, actor, client, SecurityEventType.SHARE_REVOKED, shared, message)

    async def _record(
        self,
        db: AsyncSession,
        actor: Actor | None,
        client: Client | None,
        event_type: SecurityEventType,
        shared: SharedSecret,
        message: str,
    ) -> None:
        by_owner = actor is not None and actor.user_id == shared.owner_id
        if actor is None:
            message += " (ended by a block)."
        else:
            message += "." if by_owner else " (by a person it is shared with)."
        await self.log.record(
            db,
            SecurityEvent(
                event_type,
                message,
                user_id=shared.owner_id,
                # The owner's device; an ADMIN sharer's session is not the owner's to log.
                session_id=actor.session_id if actor is not None and by_owner else None,
                ip=client.ip if client else None,
                user_agent=client.user_agent if client else None,
            ),
        )
