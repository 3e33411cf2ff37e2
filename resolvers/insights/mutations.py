"""Insight mutations: dismiss one."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from resolvers.core.context import Info
from resolvers.core.ids import argument_uuid
from resolvers.core.permissions import IsAuthenticated
from resolvers.insights.types import Insight


@strawberry.type
class InsightMutations:
    @strawberry.mutation(
        description="Dismiss one of my insights: `insights` stops listing it, and it stays "
        "dismissed if the pattern is found again (NOT_FOUND if not mine).",
        permission_classes=[IsAuthenticated],
    )
    async def dismiss_insight(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The Insight's id.")],
    ) -> Insight:
        user_id = info.context.require_principal().user_id
        insight_id = argument_uuid(id, "Insight", field="id")
        return Insight.from_row(await info.context.services.insights.dismiss(user_id, insight_id))
