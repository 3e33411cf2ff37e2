"""People in PostgreSQL: friendships (one row per pair), blocks and user activities."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from datastore.kit.postgres import Base

_USER_FK = ForeignKey("users.id", ondelete="CASCADE")


class Friendship(Base):
    """A pair stored smaller id first; `requester_id` says who asked."""

    __tablename__ = "friendships"
    __table_args__ = (
        CheckConstraint("user_low < user_high", name="ordered"),
        CheckConstraint("requester_id IN (user_low, user_high)", name="requester"),
        CheckConstraint("status IN ('PENDING', 'ACCEPTED')", name="status"),
        Index("ix_friendships_user_high", "user_high"),
    )

    user_low: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), _USER_FK, primary_key=True)
    user_high: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    requester_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def other(self, user_id: uuid.UUID) -> uuid.UUID:
        return self.user_high if self.user_low == user_id else self.user_low


class Block(Base):
    __tablename__ = "blocks"
    __table_args__ = (
        CheckConstraint("blocker_id <> blocked_id", name="not_self"),
        Index("ix_blocks_blocked_id", "blocked_id"),
    )

    blocker_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    blocked_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class UserActivity(Base):
    __tablename__ = "user_activities"
    __table_args__ = (
        UniqueConstraint("user_id", "source", name="uq_user_activities_source"),
        Index("ix_user_activities_user_id_id", "user_id", "id"),
        CheckConstraint(
            "kind IN ('LOGIN', 'LOGOUT', 'MESSAGE_SENT', 'GROUP_CREATED', 'GROUP_JOINED')",
            name="kind",
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(32))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    # Where an at-least-once event came from (e.g. "outbox:<seq>"): recorded once.
    source: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
