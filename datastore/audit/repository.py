"""Writing and paging `audit_logs`."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.audit.tables import AuditLog


class AuditAction:
    SIGN_UP = "SIGN_UP"
    LOGIN = "LOGIN"
    LOGOUT = "LOGOUT"
    FAILED_LOGIN = "FAILED_LOGIN"
    PASSWORD_CHANGED = "PASSWORD_CHANGED"
    SESSION_REVOKED = "SESSION_REVOKED"
    PROFILE_UPDATED = "PROFILE_UPDATED"
    ACCOUNT_DEACTIVATED = "ACCOUNT_DEACTIVATED"
    ACCOUNT_REACTIVATED = "ACCOUNT_REACTIVATED"
    ACCOUNT_DELETION_REQUESTED = "ACCOUNT_DELETION_REQUESTED"
    ACCOUNT_RESTORED = "ACCOUNT_RESTORED"
    EMAIL_CHANGE_REQUESTED = "EMAIL_CHANGE_REQUESTED"
    EMAIL_CHANGED = "EMAIL_CHANGED"


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self,
        action: str,
        *,
        user_id: uuid.UUID | None,
        ip: str | None,
        user_agent: str | None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.session.add(
            AuditLog(
                action=action, user_id=user_id, ip=ip, user_agent=user_agent, details=details or {}
            )
        )
        await self.session.flush()

    async def page_for_user(
        self, user_id: uuid.UUID, *, before_id: int | None, limit: int
    ) -> list[AuditLog]:
        """Newest first; `limit` rows before the `before_id` cursor."""
        statement = select(AuditLog).where(AuditLog.user_id == user_id)
        if before_id is not None:
            statement = statement.where(AuditLog.id < before_id)
        statement = statement.order_by(AuditLog.id.desc()).limit(limit)
        return list((await self.session.execute(statement)).scalars())
