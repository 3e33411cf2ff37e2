"""GraphQL documents and steps of people (friends, blocks, activities), shared by tests."""

from __future__ import annotations

from tests.support.client import Account, GraphQLClient
from tests.support.ids import global_id

SEND_REQUEST = "mutation($id: ID!) { sendFriendRequest(userId: $id) { id relationship } }"
ACCEPT = "mutation($id: ID!) { acceptFriendRequest(userId: $id) { id relationship } }"
BLOCK = "mutation($id: ID!) { blockPerson(userId: $id) { id relationship } }"
UNBLOCK = "mutation($id: ID!) { unblockPerson(userId: $id) { id relationship } }"
ACTIVITIES = """
query($kinds: [ActivityKind!], $first: Int, $after: String) {
  activities(kinds: $kinds, first: $first, after: $after) {
    edges { node { kind details } } pageInfo { hasNextPage endCursor }
  }
}
"""


def person_id(account: Account) -> str:
    return global_id("Person", account.uuid)


async def befriend(client: GraphQLClient, a: Account, b: Account) -> None:
    await client.data(SEND_REQUEST, {"id": person_id(b)}, token=a.token)
    await client.data(ACCEPT, {"id": person_id(a)}, token=b.token)
