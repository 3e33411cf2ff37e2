"""GraphQL documents and steps of stored insights, and waiting for the insights job."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import text

from tests.support.client import Account, GraphQLClient
from tests.support.journal import create_entry
from tests.support.wait import eventually

INSIGHTS = """
query($type: InsightType, $all: Boolean! = false, $first: Int = 10) {
  insights(type: $type, includeDismissed: $all, first: $first) {
    edges { node {
      id type title message data confidence dismissedAt
      evidence(first: 20) { totalCount edges { node { id entryDate mood } } }
    } }
  }
}
"""
DISMISS = "mutation($id: ID!) { dismissInsight(id: $id) { id dismissedAt } }"
# 2025-01-06 is a Monday.
FIRST_MONDAY = date(2025, 1, 6)


async def write_low_mondays(
    client: GraphQLClient, account: Account, *, weeks: int = 5
) -> list[dict[str, Any]]:
    """`weeks` Mondays with low moods and brighter Wednesdays and Fridays; the Mondays."""
    mondays = []
    for week in range(weeks):
        monday = FIRST_MONDAY + timedelta(weeks=week)
        mondays.append(
            await create_entry(
                client,
                account.token,
                content="Long meeting, tired.",
                mood=2 + week % 2,
                entryDate=monday.isoformat(),
            )
        )
        for offset, mood in ((2, 7), (4, 8)):
            day = monday + timedelta(days=offset)
            await create_entry(
                client,
                account.token,
                content="Walked by the river.",
                mood=mood + week % 2,
                entryDate=day.isoformat(),
            )
    return mondays


async def insights(client: GraphQLClient, account: Account, **variables: Any) -> list[dict]:
    data = await client.data(INSIGHTS, variables, token=account.token)
    return [e["node"] for e in data["insights"]["edges"]]


async def settled(server: Any, account: Account) -> None:
    """Wait until my changes are relayed and my insights recomputed."""

    async def idle() -> bool:
        async with server.services.clients.db() as session:
            pending = await session.execute(
                text(
                    "SELECT (SELECT count(*) FROM outbox WHERE user_id = :u"
                    " AND published_at IS NULL)"
                    " + (SELECT count(*) FROM insight_jobs WHERE user_id = :u)"
                ),
                {"u": account.uuid},
            )
            return pending.scalar_one() == 0

    await eventually(idle, timeout=120, interval=0.1)
