"""Account lifecycle, by its owner: deactivate and reactivate, delete and restore.

States (`users.account_state`): ACTIVE; DEACTIVATED (by the owner, until they reactivate);
PENDING_DELETION (until `delete_after`, ACCOUNT_DELETION_GRACE_DAYS after the request);
PURGING (the lifecycle job in datastore/lifecycle erases every store, then the row goes).
Leaving ACTIVE ends every session at once; sign-in then refuses with a message naming the
way back (`reactivateAccount` or `restoreAccount`), which signs in again with the password.
Every password check is rate limited like sign-in, and every change (and every wrong
password) is recorded in the security audit log.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.accounts.repository.sessions import SessionRepository
from datastore.accounts.repository.users import UserRepository
from datastore.accounts.service.authenticator import Authenticator, Principal
from datastore.accounts.service.security_log import security_event
from datastore.accounts.tables import User
from datastore.audit.repository import AuditAction, AuditRepository
from datastore.kit.errors import BadUserInput, Conflict, Forbidden, Unauthenticated
from datastore.kit.settings import Settings
from datastore.outbox.repository import OutboxRepository
from datastore.security_audit.events import SecurityEvent
from datastore.security_audit.events import SecurityEventType as T
from datastore.security_audit.service import SecurityAuditLog

if TYPE_CHECKING:
    from datastore.accounts.service.attempts import PasswordChecks, SignInAttempts
    from datastore.accounts.service.outcomes import ClientInfo, SignedIn
    from datastore.accounts.service.passwords import PasswordHasher

ACTIVE, DEACTIVATED = "ACTIVE", "DEACTIVATED"
PENDING_DELETION, PURGING = "PENDING_DELETION", "PURGING"
OPERATOR = "personalpod purge-account"

# What each change is in the account audit log and in the security audit log.
CHANGES = {
    DEACTIVATED: (AuditAction.ACCOUNT_DEACTIVATED, T.ACCOUNT_DEACTIVATED, "Account deactivated"),
    PENDING_DELETION: (
        AuditAction.ACCOUNT_DELETION_REQUESTED,
        T.ACCOUNT_DELETION_REQUESTED,
        "Account deletion requested",
    ),
}
RETURNS = {
    DEACTIVATED: (AuditAction.ACCOUNT_REACTIVATED, T.ACCOUNT_REACTIVATED, "Account reactivated."),
    PENDING_DELETION: (
        AuditAction.ACCOUNT_RESTORED,
        T.ACCOUNT_RESTORED,
        "Account restored within its deletion grace period.",
    ),
}


def refusal(user: User) -> Forbidden:
    """Why a correct password does not sign in, and the way back (only told to the owner)."""
    if user.account_state == DEACTIVATED:
        return Forbidden(
            "This account is deactivated. Reactivate it with reactivateAccount "
            "(the same email or username and password).",
            accountState=DEACTIVATED,
        )
    if user.account_state == PENDING_DELETION and user.delete_after is not None:
        return Forbidden(
            f"This account is scheduled for deletion on {user.delete_after:%Y-%m-%d %H:%M} UTC. "
            "Restore it before then with restoreAccount (the same email or username and "
            "password).",
            accountState=PENDING_DELETION,
            deleteAfter=user.delete_after.isoformat(),
        )
    return Forbidden("This account has been deleted.", accountState="DELETED")


def refusal_code(user: User) -> str:
    """The security log's error code of a sign-in refused for the account's state."""
    return {DEACTIVATED: "ACCOUNT_DEACTIVATED", PENDING_DELETION: "ACCOUNT_PENDING_DELETION"}.get(
        user.account_state, "ACCOUNT_DELETED"
    )


class LifecycleOperations:
    """Part of AccountService: the owner's lifecycle changes."""

    settings: Settings
    db: async_sessionmaker[AsyncSession]
    sessions: SessionRepository
    authenticator: Authenticator
    hasher: PasswordHasher
    attempts: SignInAttempts
    password_checks: PasswordChecks
    security_audit: SecurityAuditLog

    if TYPE_CHECKING:  # AccountService's own

        async def _open_session(
            self, user: User, device_name: str | None, client: ClientInfo, started: float
        ) -> SignedIn: ...

        async def _checked_login(
            self, login: str, password: str, client: ClientInfo, started: float
        ) -> User: ...

    async def deactivate_account(
        self, principal: Principal, password: str, client: ClientInfo
    ) -> None:
        """Hide the account and sign out everywhere until the owner reactivates it."""
        started = time.perf_counter()
        await self._check_password(principal, password, client, T.ACCOUNT_DEACTIVATED, started)
        await self._leave_active(principal, client, DEACTIVATED, None, started)

    async def delete_account(
        self, principal: Principal, password: str, client: ClientInfo
    ) -> datetime:
        """Deactivate now and schedule the purge; when the grace period ends."""
        started = time.perf_counter()
        await self._check_password(
            principal, password, client, T.ACCOUNT_DELETION_REQUESTED, started
        )
        delete_after = datetime.now(UTC) + timedelta(days=self.settings.account_deletion_grace_days)
        await self._leave_active(principal, client, PENDING_DELETION, delete_after, started)
        return delete_after

    async def bring_back(
        self,
        from_state: str,
        *,
        login: str,
        password: str,
        device_name: str | None,
        client: ClientInfo,
    ) -> SignedIn:
        """Reactivate (from DEACTIVATED) or restore (from PENDING_DELETION, within the
        grace period) with the account's login and password, and sign this device in."""
        started = time.perf_counter()
        user = await self._checked_login(login, password, client, started)
        return await self._back_to_active(user, from_state, device_name, client, started)

    async def _back_to_active(
        self,
        user: User,
        expected: str,
        device_name: str | None,
        client: ClientInfo,
        started: float,
    ) -> SignedIn:
        if user.account_state == ACTIVE:
            raise Conflict("This account is active; sign in with signIn.", accountState=ACTIVE)
        if user.account_state != expected:
            raise refusal(user)
        action, event_type, message = RETURNS[expected]
        async with self.db() as db, db.begin():
            restored = await UserRepository(db).leave_state(user.id, expected)
            if restored is None:  # the grace period ended, or another request won
                raise Forbidden("This account has been deleted.", accountState="DELETED")
            await AuditRepository(db).record(
                action, user_id=user.id, ip=client.ip, user_agent=client.user_agent
            )
            event = security_event(event_type, message, client, user_id=user.id, started=started)
            await self.security_audit.record(db, event)
        return await self._open_session(restored, device_name, client, started)

    async def _check_password(
        self,
        principal: Principal,
        password: str,
        client: ClientInfo,
        event_type: T,
        started: float,
    ) -> None:
        """The account's password, or BAD_USER_INPUT (recorded as a failed `event_type`)."""
        user_id = principal.user_id
        await self.password_checks.reserve(str(user_id))
        async with self.db() as db:
            user = await UserRepository(db).get_by_id(user_id)
        if user is None:
            raise Unauthenticated("This account no longer exists.")
        if not await self.hasher.verify(user.password_hash, password):
            failed = security_event(
                event_type,
                "Refused: the password was wrong.",
                client,
                user_id=user_id,
                session_id=principal.session_id,
                success=False,
                error_code="WRONG_PASSWORD",
                started=started,
            )
            await self.security_audit.record_alone(failed)
            raise BadUserInput("The password is wrong.", field="password")
        await self.password_checks.succeeded(str(user_id))

    async def _leave_active(
        self,
        principal: Principal,
        client: ClientInfo,
        state: str,
        delete_after: datetime | None,
        started: float,
    ) -> None:
        """End every session (their live subscriptions close on the events), change the state."""
        user_id = principal.user_id
        session_ids = await self.end_sessions(user_id)
        action, event_type, message = CHANGES[state]
        async with self.db() as db, db.begin():
            changed = await UserRepository(db).leave_active(
                user_id, state=state, delete_after=delete_after
            )
            if not changed:
                raise Conflict("This account is not active.", field="password")
            await AuditRepository(db).record(
                action,
                user_id=user_id,
                ip=client.ip,
                user_agent=client.user_agent,
                details={"endedSessions": len(session_ids)},
            )
            outbox = OutboxRepository(db)
            for session_id in session_ids:
                await outbox.append(
                    user_id, "session.revoked", {"sessionId": session_id, "reason": "REVOKED"}
                )
            event = security_event(
                event_type,
                f"{message}; {len(session_ids)} sessions ended.",
                client,
                user_id=user_id,
                session_id=principal.session_id,
                started=started,
            )
            await self.security_audit.record(db, event)

    async def end_sessions(self, user_id: uuid.UUID) -> list[str]:
        """Sign the account out everywhere (the token cache included); the ended ids."""
        session_ids = await self.sessions.list_ids_for_user(str(user_id))
        for session_id in session_ids:
            await self.authenticator.forget(session_id)
            await self.sessions.delete(session_id)
        return session_ids

    async def schedule_deletion(self, user_id: uuid.UUID, *, now: bool) -> datetime:
        """An operator's deletion (no password): at once with `now`, else after the grace
        period; the account is signed out everywhere either way."""
        days = 0 if now else self.settings.account_deletion_grace_days
        delete_after = datetime.now(UTC) + timedelta(days=days)
        async with self.db() as db, db.begin():
            if not await UserRepository(db).schedule_deletion(user_id, delete_after):
                raise Conflict("This account is already being purged.")
            await AuditRepository(db).record(
                AuditAction.ACCOUNT_DELETION_REQUESTED,
                user_id=user_id,
                ip=None,
                user_agent=OPERATOR,
                details={"byOperator": True},
            )
            event = SecurityEvent(
                T.ACCOUNT_DELETION_REQUESTED,
                "Account deletion scheduled by an operator (personalpod purge-account).",
                user_id=user_id,
                user_agent=OPERATOR,
            )
            await self.security_audit.record(db, event)
        await self.end_sessions(user_id)
        return delete_after

    async def record_deleted(
        self, db: AsyncSession, user_id: uuid.UUID, *, rows: int, blobs: int
    ) -> None:
        """The purge's last word, in the transaction that deletes the account's row: the
        security log keeps ACCOUNT_DELETED under the account's keyed hash only."""
        event = SecurityEvent(
            T.ACCOUNT_DELETED,
            f"Account erased from every store: {rows} rows, {blobs} blobs, and every "
            "DynamoDB item and Redis key of it.",
            user_id=user_id,
        )
        await self.security_audit.record(db, event)
