"""Security audit log queries."""

from __future__ import annotations

import strawberry

from resolvers.core.context import Info
from resolvers.core.pagination import (
    BIGINT_PATTERN,
    After,
    Connection,
    First,
    decode_after,
    encode_cursor,
    keyset_page,
    page_limit,
)
from resolvers.core.permissions import IsAuthenticated
from resolvers.security_audit.types import SecurityAuditEvent

CURSOR = "securityAudit"


@strawberry.type
class SecurityAuditQueries:
    @strawberry.field(
        description="My events in the signed security audit log (sign-ins, failed "
        "sign-ins, sign-outs, revoked sessions, password changes, secret tags, vault, "
        "shares, exports), newest first.",
        permission_classes=[IsAuthenticated],
    )
    async def security_audit_log(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[SecurityAuditEvent]:
        principal = info.context.require_principal()
        limit = page_limit(info, first)
        before_id = decode_after(CURSOR, after, pattern=BIGINT_PATTERN, parse=int)
        rows = await info.context.services.security_audit.events_for_user(
            principal.user_id, before_id=before_id, limit=limit + 1
        )
        return keyset_page(
            rows,
            limit,
            after,
            node=SecurityAuditEvent.from_row,
            cursor=lambda row: encode_cursor(CURSOR, row.id),
        )
