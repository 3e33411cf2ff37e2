"""GraphQL documents and steps of sharing, shared by the pod's and the security tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.client import Account, GraphQLClient
from tests.support.people import befriend, person_id

SHARE_FIELDS = """
  id permission includeSecret expiresAt revokedAt accessCount lastAccessedAt active entryId
  person { id username } sharedBy { id username } owner { id }
"""
SHARE = f"""
mutation($e: ID!, $p: ID!, $perm: SharePermission!, $x: DateTime, $s: Boolean! = false) {{
  shareEntry(entryId: $e, personId: $p, permission: $perm, expiresAt: $x, includeSecret: $s) {{
    {SHARE_FIELDS}
  }}
}}
"""
UPDATE_SHARE = f"""
mutation($id: ID!, $perm: SharePermission, $x: DateTime) {{
  updateShare(id: $id, permission: $perm, expiresAt: $x) {{ {SHARE_FIELDS} }}
}}
"""
REVOKE = f"mutation($id: ID!) {{ revokeShare(id: $id) {{ {SHARE_FIELDS} }} }}"
SHARED_WITH_ME = """
query($first: Int, $after: String) {
  sharedWithMe(first: $first, after: $after) {
    edges { cursor node {
      share { id permission sharedBy { username } }
      entry { id title body myPermission ... on Password { secret { password } } }
    } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
ENTRY_SHARES = """
query($id: ID!) { entry(id: $id) { id myPermission
  shares { edges { node { id permission accessCount lastAccessedAt person { username } } } }
  shareLinks { edges { node { id useCount lastAccessedAt active } } }
} }
"""
READ = """
query($id: ID!) { entry(id: $id) { id title body version myPermission
  category { name } tags { edges { node { name } } }
  ... on Password { secret { password } } } }
"""
NODE_TITLE = "query($id: ID!) { node(id: $id) { id ... on Entry { title } } }"
CREATE_LINK = """
mutation($e: ID!, $x: DateTime!, $m: Int, $s: Boolean! = false) {
  createShareLink(entryId: $e, expiresAt: $x, maxUses: $m, includeSecret: $s) {
    token path link { id useCount maxUses expiresAt active entryId }
  }
}
"""
REVOKE_LINK = "mutation($id: ID!) { revokeShareLink(id: $id) { id revokedAt active } }"
SHARED_ENTRY = """
query($t: String!) { sharedEntry(token: $t) { kind title body fields secret { password }
  linkExpiresAt } }
"""
ACTIVITY = """
query($e: ID) { activity(first: 50, entryId: $e) { edges { node {
  action newValues oldValues sessionId by { username } } } } }
"""
ENTRY_EVENTS = "subscription($id: ID!) { entryEvents(id: $id) { id title version } }"
SHARE_EVENTS = """
subscription { shareEvents { kind shareId entryId share { id permission } entry { title } } }
"""


def later(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


async def friends(client: GraphQLClient) -> tuple[Account, Account]:
    owner, friend = await client.sign_up(), await client.sign_up()
    await befriend(client, owner, friend)
    return owner, friend


async def share(
    client: GraphQLClient,
    owner: Account,
    entry_id: str,
    person: Account,
    permission: str = "READ",
    **variables: Any,
) -> dict[str, Any]:
    data = await client.data(
        SHARE,
        {"e": entry_id, "p": person_id(person), "perm": permission, **variables},
        token=owner.token,
    )
    return data["shareEntry"]
