"""Security audit log types: what a user may see of their own events (never a hash)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from datastore.security_audit.events import (
    SecurityEventCategory,
    SecurityEventSeverity,
    SecurityEventType,
)
from datastore.security_audit.tables import SecurityAuditLogRow

# The domain's enums are the GraphQL enums (one list of event types, not two).
strawberry.enum(SecurityEventType, description="What happened, in the security audit log.")
strawberry.enum(SecurityEventCategory, description="The area a security event belongs to.")
strawberry.enum(SecurityEventSeverity, description="How much a security event matters.")


@strawberry.type(description="One of my events in the signed security audit log.")
class SecurityAuditEvent:
    type: SecurityEventType = strawberry.field(description="What happened.")
    category: SecurityEventCategory = strawberry.field(description="The area it belongs to.")
    severity: SecurityEventSeverity = strawberry.field(description="How much it matters.")
    success: bool = strawberry.field(description="Whether the attempt succeeded.")
    error_code: str | None = strawberry.field(
        description="Why it failed (WRONG_PASSWORD, ...); null when it succeeded."
    )
    message: str = strawberry.field(description="What happened, in a sentence.")
    correlation_id: str | None = strawberry.field(
        description="Shared by the events of one operation (a password change and the "
        "sessions it ended)."
    )
    created_at: datetime = strawberry.field(description="When it happened.")

    @classmethod
    def from_row(cls, row: SecurityAuditLogRow) -> SecurityAuditEvent:
        return cls(
            type=SecurityEventType(row.event_type),
            category=SecurityEventCategory(row.category),
            severity=SecurityEventSeverity(row.severity),
            success=row.success,
            error_code=row.error_code,
            message=row.message,
            correlation_id=row.correlation_id,
            created_at=row.created_at,
        )
