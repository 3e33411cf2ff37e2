"""Reading my events from the signed security audit log (`securityAuditLog`)."""

from __future__ import annotations

from typing import Any

from tests.support.client import Account, GraphQLClient

EVENTS = """
query($first: Int, $after: String) {
  securityAuditLog(first: $first, after: $after) {
    edges {
      cursor
      node { type category severity success errorCode message correlationId createdAt }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def events(client: GraphQLClient, account: Account, **variables: Any) -> list[dict]:
    data = await client.data(EVENTS, variables or {"first": 50}, token=account.token)
    return [edge["node"] for edge in data["securityAuditLog"]["edges"]]
