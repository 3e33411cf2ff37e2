"""Catching up: the changes after a cursor, and the cursor of now."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import strawberry

from datastore.kit.errors import NotFound
from datastore.sync.service import SyncPoint
from resolvers.core.context import Info
from resolvers.core.pagination import BIGINT_PATTERN, Connection, First, decode_cursor, page_limit
from resolvers.core.permissions import IsAuthenticated
from resolvers.sync.types import SyncChange, sync_cursor


def parse_since(since: str | None) -> SyncPoint | None:
    """The point a `since` cursor names (see `sync_cursor`); None for no cursor."""
    if since is None:
        return None
    value = decode_cursor("sync", since, pattern=rf"{BIGINT_PATTERN}\.\d{{1,11}}")
    seq, at = (int(part) for part in value.split("."))
    return SyncPoint(seq, datetime.fromtimestamp(at, UTC))


@strawberry.type
class SyncQueries:
    @strawberry.field(
        description="My pod's and journal's changes after `since`, oldest first, each "
        "exactly once and in commit order. A cursor older than the log's 30-day window fails with "
        "BAD_USER_INPUT and extensions.reason CURSOR_EXPIRED: re-fetch, then use syncCursor.",
        permission_classes=[IsAuthenticated],
    )
    async def changes(
        self,
        info: Info,
        since: Annotated[
            str | None,
            strawberry.argument(
                description="A change's cursor or syncCursor; null: all changes still logged."
            ),
        ] = None,
        first: First = None,
    ) -> Connection[SyncChange]:
        principal = info.context.require_principal()
        limit = page_limit(info, first)
        items, has_next = await info.context.services.sync.changes_after(
            principal.user_id, parse_since(since), limit=limit
        )
        return Connection.build(
            [SyncChange.from_item(item) for item in items],
            node=lambda change: change,
            cursor=lambda change: change.cursor,
            has_next=has_next,
            has_previous=since is not None,
        )

    @strawberry.field(
        description="The cursor of my latest change: read it before a full fetch, then "
        "follow `changes(since:)` from it.",
        permission_classes=[IsAuthenticated],
    )
    async def sync_cursor(self, info: Info) -> str:
        principal = info.context.require_principal()
        user = await info.context.loaders.user_by_id.load(principal.user_id)
        if user is None:
            raise NotFound("This account no longer exists.")
        return sync_cursor(user.event_seq, datetime.now(UTC))
