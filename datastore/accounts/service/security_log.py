"""The account's events in the signed security audit log (datastore/security_audit)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from datastore.security_audit.client import Client, security_event
from datastore.security_audit.events import SecurityEvent, SecurityEventType
from datastore.security_audit.service import SecurityAuditLog

T = SecurityEventType


SESSION_MESSAGES = {
    T.SIGN_IN: "Signed in.",
    T.SIGN_OUT: "Signed out.",
    T.SESSION_REVOKED: "A session was revoked from another session.",
}


def session_event(
    event_type: SecurityEventType,
    client: Client,
    *,
    user_id: uuid.UUID,
    session_id: str,
    started: float | None = None,
) -> SecurityEvent:
    """A session began or ended (SIGN_IN, SIGN_OUT, SESSION_REVOKED)."""
    message = SESSION_MESSAGES[event_type]
    return security_event(
        event_type, message, client, user_id=user_id, session_id=session_id, started=started
    )


def password_change_failed(
    user_id: uuid.UUID, session_id: str, client: Client, started: float
) -> SecurityEvent:
    return security_event(
        T.PASSWORD_CHANGED,
        "A password change failed: the current password was wrong.",
        client,
        user_id=user_id,
        session_id=session_id,
        success=False,
        error_code="WRONG_PASSWORD",
        started=started,
    )


def sign_in_failed(user_id: uuid.UUID | None, client: Client, started: float) -> SecurityEvent:
    # The log tells an unknown login from a wrong password; the caller is told the same.
    return security_event(
        T.SIGN_IN_FAILED,
        "Sign-in failed: wrong password." if user_id else "Sign-in failed: no such account.",
        client,
        user_id=user_id,
        success=False,
        error_code="WRONG_PASSWORD" if user_id else "UNKNOWN_LOGIN",
        started=started,
    )


def sign_in_refused(user_id: uuid.UUID, code: str, client: Client, started: float) -> SecurityEvent:
    """The right password of an account that is not active (deactivated or being deleted)."""
    return security_event(
        T.SIGN_IN_FAILED,
        "Sign-in refused: the account is not active.",
        client,
        user_id=user_id,
        success=False,
        error_code=code,
        started=started,
    )


async def record_password_changed(
    log: SecurityAuditLog,
    db: AsyncSession,
    *,
    user_id: uuid.UUID,
    session_id: str,
    ended: list[str],
    client: Client,
    started: float,
) -> None:
    """The change and each session it ended, tied together by one correlation id."""
    correlation_id = uuid.uuid4().hex
    changed = security_event(
        T.PASSWORD_CHANGED,
        f"Password changed; {len(ended)} other sessions ended.",
        client,
        user_id=user_id,
        session_id=session_id,
        correlation_id=correlation_id,
        started=started,
    )
    await log.record(db, changed)
    for other in ended:
        revoked = security_event(
            T.SESSION_REVOKED,
            "A session was ended by a password change.",
            client,
            user_id=user_id,
            session_id=other,
            correlation_id=correlation_id,
        )
        await log.record(db, revoked)
