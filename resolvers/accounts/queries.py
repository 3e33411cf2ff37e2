"""Account queries."""

from __future__ import annotations

import strawberry

from datastore.accounts.repository.sessions import session_cursor
from datastore.kit.errors import NotFound
from resolvers.accounts.types import SecurityEvent, Session, User
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


@strawberry.type
class AccountQueries:
    @strawberry.field(description="The signed-in account.", permission_classes=[IsAuthenticated])
    async def me(self, info: Info) -> User:
        principal = info.context.require_principal()
        row = await info.context.loaders.user_by_id.load(principal.user_id)
        if row is None:
            raise NotFound("This account no longer exists.")
        return User.from_row(row)

    @strawberry.field(
        description="My signed-in devices, newest first.", permission_classes=[IsAuthenticated]
    )
    async def sessions(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Session]:
        principal = info.context.require_principal()
        limit = page_limit(info, first)
        items, has_next = await info.context.services.accounts.list_sessions(
            principal.user_id, limit=limit, after=after
        )
        return Connection.build(
            items,
            node=lambda item: Session.from_item(item, current_id=principal.session_id),
            cursor=session_cursor,
            has_next=has_next,
            has_previous=after is not None,
        )

    @strawberry.field(
        description="My account's sign-ins, failures and changes with the addresses and "
        "agents as seen, newest first. The signed, tamper-evident record of these and of my "
        "secret tags, vaults, shared secrets and exports is securityAuditLog.",
        permission_classes=[IsAuthenticated],
    )
    async def security_events(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[SecurityEvent]:
        principal = info.context.require_principal()
        limit = page_limit(info, first)
        before_id = decode_after("audit", after, pattern=BIGINT_PATTERN, parse=int)
        rows = await info.context.services.accounts.security_events(
            principal.user_id, before_id=before_id, limit=limit + 1
        )
        return keyset_page(
            rows,
            limit,
            after,
            node=SecurityEvent.from_row,
            cursor=lambda row: encode_cursor("audit", row.id),
        )
