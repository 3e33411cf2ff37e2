"""Changing the sign-in email: confirmed by a token mailed to the new address.

`requestEmailChange(newEmail, password)` stores one pending change per account (a new
request replaces it) with only the token's BLAKE2b hash, and mails the token to the new
address; `confirmEmailChange(token)` sets the email if the token is live and the address
still free, then tells the old address.
"""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.accounts import validation
from datastore.accounts.repository.email_changes import EmailChangeRepository
from datastore.accounts.repository.users import UserRepository
from datastore.accounts.service.authenticator import Principal
from datastore.accounts.service.lifecycle import LifecycleOperations
from datastore.accounts.service.security_log import security_event
from datastore.accounts.service.tokens import hash_secret
from datastore.audit.repository import AuditAction, AuditRepository
from datastore.kit.errors import BadUserInput, Conflict
from datastore.kit.mail import Mail, Mailer
from datastore.kit.settings import Settings
from datastore.security_audit.events import SecurityEventType as T

if TYPE_CHECKING:
    from datastore.accounts.service.outcomes import ClientInfo

MAX_TOKEN = 128


@dataclass(frozen=True)
class PendingEmailChange:
    new_email: str
    expires_at: datetime


def token_hash(token: str) -> str:
    return hash_secret(token.encode())


class EmailChangeOperations(LifecycleOperations):
    """Part of AccountService (its password checks are the lifecycle's)."""

    settings: Settings
    db: async_sessionmaker[AsyncSession]
    mailer: Mailer

    async def request_email_change(
        self, principal: Principal, *, new_email: str, password: str, client: ClientInfo
    ) -> PendingEmailChange:
        started = time.perf_counter()
        new_email = validation.email(new_email, field="newEmail")
        await self._check_password(principal, password, client, T.EMAIL_CHANGE_REQUESTED, started)
        token = secrets.token_urlsafe(32)
        expires_at = datetime.now(UTC) + timedelta(hours=self.settings.email_change_token_hours)
        async with self.db() as db, db.begin():
            users = UserRepository(db)
            user = await users.get_by_id(principal.user_id)
            if user is not None and user.email.lower() == new_email.lower():
                raise BadUserInput("This is already your email address.", field="newEmail")
            taken, _ = await users.email_or_username_taken(new_email, "")
            if taken:
                raise Conflict("An account with this email already exists.", field="newEmail")
            await EmailChangeRepository(db).replace(
                principal.user_id, new_email, token_hash(token), expires_at
            )
            await _audit(db, AuditAction.EMAIL_CHANGE_REQUESTED, principal.user_id, client)
            requested = security_event(
                T.EMAIL_CHANGE_REQUESTED,
                "Email change requested; a confirmation token was mailed to the new address.",
                client,
                user_id=principal.user_id,
                session_id=principal.session_id,
                started=started,
            )
            await self.security_audit.record(db, requested)
        await self.mailer.send(
            Mail(
                to=new_email,
                subject="Confirm your new PersonalPod email address",
                body=(
                    "Someone asked to use this address for a PersonalPod account.\n\n"
                    f"To confirm, run confirmEmailChange with this token:\n\n{token}\n\n"
                    f"It expires at {expires_at:%Y-%m-%d %H:%M} UTC. If this was not you, "
                    "ignore this mail: nothing changes.\n"
                ),
            )
        )
        return PendingEmailChange(new_email, expires_at)

    async def confirm_email_change(self, token: str, client: ClientInfo) -> str:
        """The new email of the account whose pending change `token` confirms."""
        started = time.perf_counter()
        token = token.strip()
        if not token or len(token) > MAX_TOKEN:
            raise BadUserInput("This confirmation token is not valid.", field="token")
        try:
            async with self.db() as db, db.begin():
                changes = EmailChangeRepository(db)
                pending = await changes.take_live(token_hash(token))
                if pending is None:
                    raise BadUserInput(
                        "This confirmation token is not valid or has expired; "
                        "ask for a new one with requestEmailChange.",
                        field="token",
                    )
                users = UserRepository(db)
                user = await users.get_by_id(pending.user_id)
                if user is None or not user.active:
                    raise BadUserInput("This confirmation token is not valid.", field="token")
                old_email = user.email
                await users.update_fields(user.id, email=pending.new_email)
                await _audit(db, AuditAction.EMAIL_CHANGED, user.id, client)
                changed = security_event(
                    T.EMAIL_CHANGED,
                    "Email changed, confirmed from the new address; the old one was told.",
                    client,
                    user_id=user.id,
                    started=started,
                )
                await self.security_audit.record(db, changed)
        except IntegrityError as error:  # taken between the request and now
            raise Conflict("An account with this email already exists.", field="token") from error
        await self.mailer.send(
            Mail(
                to=old_email,
                subject="Your PersonalPod email address was changed",
                body=(
                    f"Your account now signs in with {pending.new_email} instead of this "
                    "address. If this was not you, sign in and change your password, or "
                    "contact the server's administrator.\n"
                ),
            )
        )
        return pending.new_email


async def _audit(db: AsyncSession, action: str, user_id: uuid.UUID, client: ClientInfo) -> None:
    await AuditRepository(db).record(
        action, user_id=user_id, ip=client.ip, user_agent=client.user_agent
    )
