"""Queries on `email_changes`: one pending change of address per account."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.accounts.tables import EmailChange


class EmailChangeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def replace(
        self, user_id: uuid.UUID, new_email: str, token_hash: str, expires_at: datetime
    ) -> None:
        """Store the pending change, replacing an earlier one (its token stops working)."""
        values = {"new_email": new_email, "token_hash": token_hash, "expires_at": expires_at}
        statement = insert(EmailChange).values(user_id=user_id, **values)
        statement = statement.on_conflict_do_update(
            index_elements=[EmailChange.user_id], set_={**values, "created_at": func.now()}
        )
        await self.session.execute(statement)

    async def take_live(self, token_hash: str) -> EmailChange | None:
        """Remove and return the unexpired change with this token hash (usable once)."""
        statement = (
            delete(EmailChange)
            .where(EmailChange.token_hash == token_hash, EmailChange.expires_at > func.now())
            .returning(EmailChange)
        )
        return (await self.session.execute(statement)).scalar_one_or_none()
