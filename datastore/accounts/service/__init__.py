"""Account use cases: sign up, sign in and out, passwords and devices (profile and presence
are in `datastore.accounts.service.profile`, deactivation and deletion in `lifecycle`,
email changes in `email_change`)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.accounts import validation
from datastore.accounts.items import SessionItem
from datastore.accounts.repository.sessions import SessionRepository
from datastore.accounts.repository.users import UserRepository
from datastore.accounts.service.attempts import PasswordChecks, SignInAttempts
from datastore.accounts.service.authenticator import Authenticator, Principal, now_iso
from datastore.accounts.service.email_change import EmailChangeOperations
from datastore.accounts.service.lifecycle import refusal, refusal_code
from datastore.accounts.service.outcomes import ClientInfo, SignedIn
from datastore.accounts.service.passwords import PasswordHasher
from datastore.accounts.service.profile import ProfileOperations
from datastore.accounts.service.security_log import (
    password_change_failed,
    record_password_changed,
    session_event,
    sign_in_failed,
    sign_in_refused,
)
from datastore.accounts.service.tokens import hash_secret, issue_token
from datastore.accounts.tables import User
from datastore.audit.repository import AuditAction, AuditRepository
from datastore.audit.tables import AuditLog
from datastore.kit.errors import BadUserInput, Conflict, Forbidden, NotFound, Unauthenticated
from datastore.kit.mail import Mailer
from datastore.kit.ratelimit import RateLimiter
from datastore.kit.settings import Settings
from datastore.outbox.repository import OutboxRepository
from datastore.security_audit.events import SecurityEvent
from datastore.security_audit.events import SecurityEventType as T
from datastore.security_audit.service import SecurityAuditLog


@dataclass(frozen=True)
class NewAccount:
    email: str
    username: str
    password: str
    display_name: str | None

    @classmethod
    def validated(
        cls, email: str, username: str, password: str, display_name: str | None
    ) -> NewAccount:
        return cls(
            validation.email(email),
            validation.username(username),
            validation.password(password),
            validation.text(display_name, field="displayName", max_length=100),
        )


class AccountService(ProfileOperations, EmailChangeOperations):
    def __init__(
        self,
        *,
        settings: Settings,
        db: async_sessionmaker[AsyncSession],
        sessions: SessionRepository,
        authenticator: Authenticator,
        limiter: RateLimiter,
        hasher: PasswordHasher,
        security_audit: SecurityAuditLog,
        mailer: Mailer,
    ) -> None:
        self.settings = settings
        self.security_audit = security_audit
        self.db = db
        self.sessions = sessions
        self.authenticator = authenticator
        self.limiter = limiter
        self.hasher = hasher
        self.mailer = mailer
        self.attempts = SignInAttempts(limiter, settings)
        self.password_checks = PasswordChecks(limiter, settings)

    async def sign_up(
        self,
        *,
        email: str,
        username: str,
        password: str,
        display_name: str | None,
        device_name: str | None,
        client: ClientInfo,
    ) -> SignedIn:
        started = time.perf_counter()
        if self.settings.sign_up == "closed":
            # Refused before the email is looked at: a closed server confirms no addresses.
            raise Forbidden(
                "Sign-up is closed on this server; its administrator adds accounts "
                "with `personalpod create-account`."
            )
        account = NewAccount.validated(email, username, password, display_name)
        device_name = validation.text(device_name, field="deviceName", max_length=100)
        await self.limiter.check(
            f"signup:ip:{client.ip}",
            limit=self.settings.sign_up_limit_per_address,
            window=3600,
            what="sign-ups from this address",
        )
        user = await self._insert(account, client)
        return await self._open_session(user, device_name, client, started)

    async def create_account(
        self,
        *,
        email: str,
        username: str,
        password: str,
        display_name: str | None,
        client: ClientInfo,
    ) -> User:
        """A new account, whatever the SIGN_UP setting (the administrator's way in)."""
        account = NewAccount.validated(email, username, password, display_name)
        return await self._insert(account, client)

    async def _insert(self, account: NewAccount, client: ClientInfo) -> User:
        password_hash = await self.hasher.hash(account.password)
        async with self.db() as db, db.begin():
            user = await UserRepository(db).create(
                email=account.email,
                username=account.username,
                password_hash=password_hash,
                display_name=account.display_name,
            )
            if user is None:
                await self._raise_taken(db, account.email, account.username)
            await AuditRepository(db).record(
                AuditAction.SIGN_UP, user_id=user.id, ip=client.ip, user_agent=client.user_agent
            )
        return user

    async def _raise_taken(self, db: AsyncSession, email: str, username: str) -> NoReturn:
        email_taken, _ = await UserRepository(db).email_or_username_taken(email, username)
        if email_taken:
            raise Conflict("An account with this email already exists.", field="email")
        raise Conflict("This username is taken.", field="username")

    async def sign_in(
        self, *, login: str, password: str, device_name: str | None, client: ClientInfo
    ) -> SignedIn:
        started = time.perf_counter()
        device_name = validation.text(device_name, field="deviceName", max_length=100)
        user = await self._checked_login(login, password, client, started)
        if not user.active:
            await self.security_audit.record_alone(
                sign_in_refused(user.id, refusal_code(user), client, started)
            )
            raise refusal(user)
        return await self._open_session(user, device_name, client, started)

    async def _checked_login(
        self, login: str, password: str, client: ClientInfo, started: float
    ) -> User:
        """The account of a right login and password, whatever its state; rate limited."""
        login = login.strip()
        if not login:
            raise BadUserInput("Enter your email or username.", field="login")
        async with self.db() as db:
            user = await UserRepository(db).get_by_login(login)
        # Keyed by the account, so alternating email and username gains nothing.
        account = str(user.id) if user else login.lower()
        await self.attempts.reserve(account, client.ip)
        if not await self.hasher.verify(user.password_hash if user else None, password):
            await self._sign_in_failed(user, login, client, started)
            raise Unauthenticated("Wrong email, username or password.", field="password")
        assert user is not None  # verify() refuses a missing account
        await self.attempts.succeeded(account, client.ip)
        return user

    async def _sign_in_failed(
        self, user: User | None, login: str, client: ClientInfo, started: float
    ) -> None:
        event = sign_in_failed(user.id if user else None, client, started)
        async with self.db() as db, db.begin():
            await _record_audit(
                db,
                AuditAction.FAILED_LOGIN,
                user.id if user else None,
                client,
                {"loginHash": hash_secret(login.lower().encode())} if user is None else None,
            )
            await self.security_audit.record(db, event)

    async def _open_session(
        self, user: User, device_name: str | None, client: ClientInfo, started: float
    ) -> SignedIn:
        """Make the device session durable in DynamoDB, then audit and announce it."""
        issued = issue_token()
        now = datetime.now(UTC)
        session = SessionItem(
            id=issued.session_id,
            user_id=str(user.id),
            token_hash=issued.token_hash,
            device_name=device_name,
            user_agent=(client.user_agent or "")[:512] or None,
            ip=client.ip,
            created_at=now_iso(),
            last_active_at=now_iso(),
            expires_at=int((now + timedelta(days=self.settings.session_ttl_days)).timestamp()),
        )
        await self.sessions.create(session)
        async with self.db() as db, db.begin():
            await UserRepository(db).touch_last_login(user.id)
            await _record_audit(db, AuditAction.LOGIN, user.id, client, {"sessionId": session.id})
            await OutboxRepository(db).append(user.id, "session.created", _session_event(session))
            signed_in = session_event(
                T.SIGN_IN, client, user_id=user.id, session_id=session.id, started=started
            )
            await self.security_audit.record(db, signed_in)
        return SignedIn(issued.token, user, session)

    async def sign_out(self, principal: Principal, client: ClientInfo) -> None:
        event = session_event(
            T.SIGN_OUT, client, user_id=principal.user_id, session_id=principal.session_id
        )
        await self._end_session(
            principal.user_id,
            principal.session_id,
            client,
            AuditAction.LOGOUT,
            event,
            reason="SIGNED_OUT",
        )

    async def revoke_session(
        self, principal: Principal, session_id: str, client: ClientInfo
    ) -> None:
        session = await self.sessions.get(session_id)
        if session is None or session.user_id != str(principal.user_id):
            raise NotFound("No such session.", field="id")
        event = session_event(
            T.SESSION_REVOKED, client, user_id=principal.user_id, session_id=session_id
        )
        await self._end_session(
            principal.user_id,
            session_id,
            client,
            AuditAction.SESSION_REVOKED,
            event,
            reason="REVOKED",
        )

    async def _end_session(
        self,
        user_id: uuid.UUID,
        session_id: str,
        client: ClientInfo,
        action: str,
        event: SecurityEvent,
        *,
        reason: str,
    ) -> None:
        await self.authenticator.forget(session_id)
        await self.sessions.delete(session_id)
        async with self.db() as db, db.begin():
            await _record_audit(db, action, user_id, client, {"sessionId": session_id})
            await OutboxRepository(db).append(
                user_id, "session.revoked", {"sessionId": session_id, "reason": reason}
            )
            await self.security_audit.record(db, event)

    async def change_password(
        self, principal: Principal, *, current: str, new: str, client: ClientInfo
    ) -> int:
        """Set a new password and end every other session; how many were ended."""
        new = validation.password(new, field="newPassword")
        started = time.perf_counter()
        await self.password_checks.reserve(str(principal.user_id))
        async with self.db() as db:
            user = await UserRepository(db).get_by_id(principal.user_id)
        if user is None or not await self.hasher.verify(user.password_hash, current):
            await self.security_audit.record_alone(
                password_change_failed(principal.user_id, principal.session_id, client, started)
            )
            raise BadUserInput("The current password is wrong.", field="currentPassword")
        await self.password_checks.succeeded(str(principal.user_id))
        new_hash = await self.hasher.hash(new)
        others = [
            s
            for s in await self.sessions.list_ids_for_user(str(principal.user_id))
            if s != principal.session_id
        ]
        for session_id in others:
            await self.authenticator.forget(session_id)
            await self.sessions.delete(session_id)
        async with self.db() as db, db.begin():
            await UserRepository(db).update_fields(principal.user_id, password_hash=new_hash)
            await _record_audit(
                db,
                AuditAction.PASSWORD_CHANGED,
                principal.user_id,
                client,
                {"endedSessions": len(others)},
            )
            outbox = OutboxRepository(db)
            for session_id in others:
                await outbox.append(
                    principal.user_id,
                    "session.revoked",
                    {"sessionId": session_id, "reason": "PASSWORD_CHANGED"},
                )
            await record_password_changed(
                self.security_audit,
                db,
                user_id=principal.user_id,
                session_id=principal.session_id,
                ended=others,
                client=client,
                started=started,
            )
        return len(others)

    async def list_sessions(
        self, user_id: uuid.UUID, *, limit: int, after: str | None
    ) -> tuple[list[SessionItem], bool]:
        """My live device sessions, newest first, and whether more follow."""
        return await self.sessions.list_for_user(str(user_id), limit=limit, after=after)

    async def security_events(
        self, user_id: uuid.UUID, *, before_id: int | None, limit: int
    ) -> list[AuditLog]:
        """My account's audit log, newest first, before the row `before_id`."""
        async with self.db() as db:
            return await AuditRepository(db).page_for_user(
                user_id, before_id=before_id, limit=limit
            )


async def _record_audit(
    db: AsyncSession,
    action: str,
    user_id: uuid.UUID | None,
    client: ClientInfo,
    details: dict[str, Any] | None = None,
) -> None:
    await AuditRepository(db).record(
        action, user_id=user_id, ip=client.ip, user_agent=client.user_agent, details=details
    )


def _session_event(session: SessionItem) -> dict[str, Any]:
    return {
        "sessionId": session.id,
        "deviceName": session.device_name,
        "userAgent": session.user_agent,
        "ip": session.ip,
        "at": int(time.time()),
    }
