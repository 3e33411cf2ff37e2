"""Export queries: my exports."""

from __future__ import annotations

import strawberry

from resolvers.core.context import Info
from resolvers.core.pagination import (
    TIME_AND_ID,
    After,
    Connection,
    First,
    decode_after,
    keyset_page,
    page_limit,
    time_and_id,
    time_and_id_cursor,
)
from resolvers.core.permissions import IsAuthenticated
from resolvers.exports.types import Export


@strawberry.type
class ExportQueries:
    @strawberry.field(
        description="My exports, newest first, with their status and progress.",
        permission_classes=[IsAuthenticated],
    )
    async def exports(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Export]:
        user_id = info.context.require_principal().user_id
        limit = page_limit(info, first)
        start = decode_after("export", after, pattern=TIME_AND_ID, parse=time_and_id)
        rows = await info.context.services.exports.list_exports(
            user_id, after=start, limit=limit + 1
        )
        for row in rows:
            info.context.loaders.exports.export_by_id.prime(row.id, row)
        return keyset_page(
            rows,
            limit,
            after,
            node=Export.from_row,
            cursor=lambda row: time_and_id_cursor("export", row.created_at, row.id),
        )
