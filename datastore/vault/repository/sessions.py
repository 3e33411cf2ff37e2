"""Queries on `opaque_sessions` (pending OPAQUE steps) and `vault_sessions` (open vaults)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.kit.postgres import rowcount
from datastore.vault.tables import OpaqueSession, VaultSession


class OpaqueSessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(
        self,
        *,
        kind: str,
        user_id: uuid.UUID,
        device_session_id: str,
        tag_id: uuid.UUID,
        sealed_state: bytes,
        lifetime: timedelta,
    ) -> uuid.UUID:
        statement = (
            insert(OpaqueSession)
            .values(
                kind=kind,
                user_id=user_id,
                device_session_id=device_session_id,
                tag_id=tag_id,
                sealed_state=sealed_state,
                expires_at=func.now() + lifetime,
            )
            .returning(OpaqueSession.id)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def consume(
        self, session_id: uuid.UUID, *, kind: str, user_id: uuid.UUID, device_session_id: str
    ) -> tuple[OpaqueSession, bool] | None:
        """Delete and return the caller's pending step of `kind` with whether it is still
        live; None when there is none (used, never started, or another account's or device's).
        The DELETE makes it single-use: of two concurrent finishes only one gets the row."""
        statement = (
            delete(OpaqueSession)
            .where(
                OpaqueSession.id == session_id,
                OpaqueSession.kind == kind,
                OpaqueSession.user_id == user_id,
                OpaqueSession.device_session_id == device_session_id,
            )
            .returning(OpaqueSession, OpaqueSession.expires_at > func.now())
        )
        row = (await self.session.execute(statement)).first()
        return None if row is None else (row[0], bool(row[1]))

    async def delete_expired(self) -> int:
        result = await self.session.execute(
            delete(OpaqueSession).where(OpaqueSession.expires_at <= func.now())
        )
        return rowcount(result)

    async def delete_for_tag(self, tag_id: uuid.UUID) -> None:
        await self.session.execute(delete(OpaqueSession).where(OpaqueSession.tag_id == tag_id))


class VaultSessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open(
        self, user_id: uuid.UUID, device_session_id: str, tag_id: uuid.UUID, lifetime: timedelta
    ) -> VaultSession:
        statement = (
            insert(VaultSession)
            .values(
                user_id=user_id,
                device_session_id=device_session_id,
                tag_id=tag_id,
                expires_at=func.now() + lifetime,
            )
            .returning(VaultSession)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def find_open(
        self, user_id: uuid.UUID, device_session_id: str, tag_id: uuid.UUID
    ) -> VaultSession | None:
        """The caller's device's open (unexpired, unrevoked) session on the tag, if any."""
        statement = (
            select(VaultSession)
            .where(
                VaultSession.user_id == user_id,
                VaultSession.device_session_id == device_session_id,
                VaultSession.tag_id == tag_id,
                VaultSession.revoked_at.is_(None),
                VaultSession.expires_at > func.now(),
            )
            .order_by(VaultSession.expires_at.desc())
            .limit(1)
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def page_open(
        self, user_id: uuid.UUID, *, limit: int, after: tuple[datetime, uuid.UUID] | None
    ) -> list[VaultSession]:
        """My open sessions, newest first, after an (opened_at, id) keyset."""
        statement = select(VaultSession).where(
            VaultSession.user_id == user_id,
            VaultSession.revoked_at.is_(None),
            VaultSession.expires_at > func.now(),
        )
        if after is not None:
            statement = statement.where(tuple_(VaultSession.opened_at, VaultSession.id) < after)
        statement = statement.order_by(VaultSession.opened_at.desc(), VaultSession.id.desc()).limit(
            limit
        )
        return list((await self.session.execute(statement)).scalars())

    async def list_by_ids(self, ids: Sequence[uuid.UUID]) -> list[VaultSession]:
        rows = await self.session.execute(select(VaultSession).where(VaultSession.id.in_(ids)))
        return list(rows.scalars())

    async def revoke(self, user_id: uuid.UUID, session_id: uuid.UUID) -> bool:
        """Close one of my open sessions; False when there is no such open session."""
        result = await self.session.execute(
            update(VaultSession)
            .where(
                VaultSession.id == session_id,
                VaultSession.user_id == user_id,
                VaultSession.revoked_at.is_(None),
                VaultSession.expires_at > func.now(),
            )
            .values(revoked_at=func.now())
        )
        return rowcount(result) > 0

    async def revoke_for_tag(self, tag_id: uuid.UUID, *, except_id: uuid.UUID) -> int:
        """Close every other open session on the tag (its phrase changed); how many closed."""
        result = await self.session.execute(
            update(VaultSession)
            .where(
                VaultSession.tag_id == tag_id,
                VaultSession.id != except_id,
                VaultSession.revoked_at.is_(None),
            )
            .values(revoked_at=func.now())
        )
        return rowcount(result)

    async def delete_for_tag(self, tag_id: uuid.UUID) -> None:
        await self.session.execute(delete(VaultSession).where(VaultSession.tag_id == tag_id))
