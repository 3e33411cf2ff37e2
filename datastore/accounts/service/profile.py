"""Profile and presence changes of the signed-in account."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.accounts import validation
from datastore.accounts.repository.users import UserRepository
from datastore.accounts.service.authenticator import Principal
from datastore.accounts.tables import User
from datastore.kit import zones
from datastore.kit.errors import BadUserInput, NotFound
from datastore.outbox.repository import OutboxRepository

PRESENCE_STATUSES = ("ONLINE", "OFFLINE", "AWAY", "DO_NOT_DISTURB")


@dataclass(frozen=True)
class ProfileChanges:
    display_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    avatar_url: str | None = None
    profile: dict[str, Any] | None = None
    time_zone: str | None = None
    # Which of the above were given: an explicit null clears the field.
    given: frozenset[str] = frozenset()


class ProfileOperations:
    """Part of AccountService: what a user changes about themselves."""

    db: async_sessionmaker[AsyncSession]

    async def update_profile(self, principal: Principal, changes: ProfileChanges) -> User:
        values: dict[str, Any] = {}
        if "display_name" in changes.given:
            values["display_name"] = validation.text(
                changes.display_name, field="displayName", max_length=100
            )
        for name, field in (("first_name", "firstName"), ("last_name", "lastName")):
            if name in changes.given:
                values[name] = validation.text(getattr(changes, name), field=field, max_length=100)
        if "avatar_url" in changes.given:
            values["avatar_url"] = validation.http_url(changes.avatar_url, field="avatarUrl")
        if "profile" in changes.given:
            values["profile"] = validation.profile(
                changes.profile if changes.profile is not None else {}
            )
        if "time_zone" in changes.given:
            values["time_zone"] = zones.time_zone(changes.time_zone or "")
        async with self.db() as db, db.begin():
            users = UserRepository(db)
            if not values:
                user = await users.get_by_id(principal.user_id)
                if user is None:
                    raise NotFound("This account no longer exists.")
                return user
            user = await users.update_fields(principal.user_id, **values)
            await OutboxRepository(db).append(
                principal.user_id, "profile.updated", {"fields": sorted(values)}
            )
        return user

    async def update_presence(self, principal: Principal, status: str) -> User:
        if status not in PRESENCE_STATUSES:
            raise BadUserInput("Unknown presence status.", field="status")
        async with self.db() as db, db.begin():
            user = await UserRepository(db).update_fields(
                principal.user_id, presence_status=status, last_seen_at=datetime.now(UTC)
            )
            await OutboxRepository(db).append(
                principal.user_id, "presence.changed", {"status": status}
            )
        return user

    async def touch_user(self, user_id: uuid.UUID) -> None:
        async with self.db() as db, db.begin():
            await UserRepository(db).touch_last_seen(user_id)
