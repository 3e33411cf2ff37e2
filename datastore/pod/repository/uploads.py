"""Two-step uploads: one-time tokens (by hash), their states and the blobs they received."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.pod.tables import Upload


class UploadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def insert(self, **values: Any) -> Upload:
        statement = insert(Upload).values(**values).returning(Upload)
        return (await self.session.execute(statement)).scalar_one()

    async def claim_for_receiving(self, token_hash: bytes) -> Upload | None:
        """The waiting, unexpired upload of this token, now RECEIVING; None for an unknown,
        used or expired token, or one whose upload is already under way."""
        statement = (
            update(Upload)
            .where(
                Upload.token_hash == token_hash,
                Upload.state == "WAITING",
                Upload.expires_at > func.now(),
            )
            .values(state="RECEIVING")
            .returning(Upload)
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def set_state(self, upload_id: uuid.UUID, state: str, **values: Any) -> Upload:
        statement = (
            update(Upload)
            .where(Upload.id == upload_id)
            .values(state=state, **values)
            .returning(Upload)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def reopen(self, upload_id: uuid.UUID) -> None:
        """Back to WAITING after a refused PUT, so the URL may be used again."""
        await self.session.execute(
            update(Upload)
            .where(Upload.id == upload_id, Upload.state == "RECEIVING")
            .values(state="WAITING")
        )

    async def count_open(self, user_id: uuid.UUID) -> int:
        """The user's unexpired uploads not completed yet."""
        statement = select(func.count()).where(
            Upload.user_id == user_id,
            Upload.state != "COMPLETED",
            Upload.expires_at > func.now(),
        )
        return int((await self.session.execute(statement)).scalar_one())

    async def get_for_update(self, upload_id: uuid.UUID, user_id: uuid.UUID) -> Upload | None:
        statement = (
            select(Upload)
            .where(Upload.id == upload_id, Upload.user_id == user_id)
            .with_for_update()
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def delete_expired(self, limit: int) -> int:
        """Delete up to `limit` expired uploads (their triggers queue unattached blobs)."""
        expired = (
            select(Upload.id)
            .where(Upload.expires_at <= func.now())
            .limit(limit)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        result = await self.session.execute(
            delete(Upload).where(Upload.id.in_(expired)).returning(Upload.id)
        )
        return len(result.all())
