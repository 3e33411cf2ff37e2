"""The `security_audit_logs` table: one signed link of the chain per row (see chain.py).

No raw personal data: user, session, address and user agent are keyed hashes. No foreign
key to `users`: the log outlives the accounts it speaks of.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Identity,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from datastore.kit.postgres import Base
from datastore.security_audit.chain import ChainedValues


class SecurityAuditLogRow(Base):
    __tablename__ = "security_audit_logs"
    __table_args__ = (Index("ix_security_audit_logs_user_hash_id", "user_hash", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    version: Mapped[int] = mapped_column(SmallInteger)
    prev_hash: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    row_hash: Mapped[bytes] = mapped_column(LargeBinary)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    key_id: Mapped[str] = mapped_column(String(16))
    event_type: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10))
    user_hash: Mapped[bytes | None] = mapped_column(LargeBinary)
    session_hash: Mapped[bytes | None] = mapped_column(LargeBinary)
    ip_hash: Mapped[bytes | None] = mapped_column(LargeBinary)
    user_agent_hash: Mapped[bytes | None] = mapped_column(LargeBinary)
    correlation_id: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    success: Mapped[bool] = mapped_column(Boolean)
    error_code: Mapped[str | None] = mapped_column(String(40))
    processing_time_ms: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    def chained_values(self) -> ChainedValues:
        return ChainedValues(
            id=self.id,
            version=self.version,
            prev_hash=self.prev_hash,
            key_id=self.key_id,
            event_type=self.event_type,
            category=self.category,
            severity=self.severity,
            user_hash=self.user_hash,
            session_hash=self.session_hash,
            ip_hash=self.ip_hash,
            user_agent_hash=self.user_agent_hash,
            correlation_id=self.correlation_id,
            request_id=self.request_id,
            message=self.message,
            success=self.success,
            error_code=self.error_code,
            processing_time_ms=self.processing_time_ms,
            created_at=self.created_at,
        )
