"""Live insights: each new one as the insights job stores it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator

import strawberry

from datastore.insights.job import INSIGHT_CREATED
from datastore.kit.events import user_events
from resolvers.core.context import Info
from resolvers.core.nodes import owned
from resolvers.core.permissions import IsAuthenticated
from resolvers.insights.types import Insight


@strawberry.type
class InsightSubscriptions:
    @strawberry.subscription(
        description="Each new insight about my journal as it is found. After a disconnect, "
        "catch up with `insights`.",
        permission_classes=[IsAuthenticated],
    )
    async def insight_added(self, info: Info) -> AsyncGenerator[Insight, None]:
        principal = info.context.require_principal()
        async for event in user_events(
            info.context.services.clients.broker, principal.user_id, (INSIGHT_CREATED,)
        ):
            # Each event reads the insight afresh; one recomputed away meanwhile is skipped.
            info.context.loaders = info.context.fresh_loaders()
            insight_id = uuid.UUID(event["payload"]["insightId"])
            row = await info.context.loaders.insights.insight_by_id.load(insight_id)
            if owned(row, principal.user_id) is not None and row is not None:
                yield Insight.from_row(row)
