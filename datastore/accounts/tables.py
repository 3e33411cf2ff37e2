"""The `users` table: an account, its profile, its presence and its lifecycle state;
`email_changes`: a pending change of address, confirmed by a token sent to it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from datastore.kit.postgres import Base
from datastore.kit.raw_reads import Record

# Who a deleted account's traces name once it is gone (its group messages, its changes in
# others' pods): no account has this id, so they name nobody and show as a deleted account.
DELETED_ACCOUNT_ID = uuid.UUID(int=0)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        Index("uq_users_email_lower", func.lower(text("email")), unique=True),
        Index("uq_users_username_lower", func.lower(text("username")), unique=True),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )
    email: Mapped[str] = mapped_column(String(254))
    username: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(Text)
    display_name: Mapped[str | None] = mapped_column(String(100))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    avatar_url: Mapped[str | None] = mapped_column(String(2048))
    profile: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    # IANA name: "today" for streaks and insights, and an entry's default day.
    time_zone: Mapped[str] = mapped_column(String(64), server_default="UTC")
    presence_status: Mapped[str] = mapped_column(String(16), server_default="OFFLINE")
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Bumped under the row lock by every write that emits an event, so each user's
    # outbox events carry a gap-free sequence in commit order.
    event_seq: Mapped[int] = mapped_column(BigInteger, server_default="0")
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # ACTIVE, DEACTIVATED (by the owner), PENDING_DELETION (until `delete_after`), then
    # PURGING while the lifecycle job erases every store (see datastore/lifecycle).
    account_state: Mapped[str] = mapped_column(String(24), server_default="ACTIVE")
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delete_after: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A purge claimed by a worker that died is taken over once its lease ends.
    purge_lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @property
    def active(self) -> bool:
        return self.account_state == "ACTIVE"


# What the user loader gives: a Core row of `users` (same attribute names) or an ORM row.
UserData = User | Record


class EmailChange(Base):
    __tablename__ = "email_changes"

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    new_email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
