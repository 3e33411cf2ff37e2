"""GraphQL documents and helpers shared by the pod's tests."""

from __future__ import annotations

from typing import Any

from tests.support.client import Account, GraphQLClient
from tests.support.wait import eventually

ENTRY_FIELDS = """
  __typename id kind title body status sensitive version expiresAt deletedAt createdAt updatedAt
  category { id name }
  tags { edges { node { id slug name } } }
  ... on Password { url username hasTotp }
  ... on Bookmark { url faviconUrl }
  ... on Task { dueAt done doneAt priority }
  ... on Contact { givenName familyName organisation emails { address label }
                   phones { number label } birthday }
"""
CREATE_ENTRY = f"""
mutation($input: CreateEntryInput!) {{ createEntry(input: $input) {{ {ENTRY_FIELDS} }} }}
"""
UPDATE_ENTRY = f"""
mutation($id: ID!, $v: Int!, $input: UpdateEntryInput!) {{
  updateEntry(id: $id, expectedVersion: $v, input: $input) {{ {ENTRY_FIELDS} }}
}}
"""
DELETE_ENTRY = "mutation($id: ID!) { deleteEntry(id: $id) { id status version deletedAt } }"
RESTORE_ENTRY = "mutation($id: ID!) { restoreEntry(id: $id) { id status version deletedAt } }"
ENTRY = f"query($id: ID!) {{ entry(id: $id) {{ {ENTRY_FIELDS} }} }}"
ENTRIES = """
query($first: Int, $after: String, $filter: EntryFilter, $sort: EntrySort) {
  entries(first: $first, after: $after, filter: $filter, sort: $sort) {
    edges { cursor node { id title kind status } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
CREATE_TAG = """
mutation($input: CreateTagInput!) {
  createTag(input: $input) { id name slug color usageCount version }
}
"""
CREATE_CATEGORY = """
mutation($input: CreateCategoryInput!) {
  createCategory(input: $input) { id name color icon position isSystem version parent { id } }
}
"""


async def create_entry(client: GraphQLClient, account: Account, **values: Any) -> dict[str, Any]:
    values.setdefault("kind", "NOTE")
    values.setdefault("title", "A note")
    data = await client.data(CREATE_ENTRY, {"input": values}, token=account.token)
    return data["createEntry"]


async def create_tag(client: GraphQLClient, account: Account, name: str, **values: Any) -> dict:
    data = await client.data(CREATE_TAG, {"input": {"name": name, **values}}, token=account.token)
    return data["createTag"]


async def create_category(
    client: GraphQLClient, account: Account, name: str, **values: Any
) -> dict[str, Any]:
    data = await client.data(
        CREATE_CATEGORY, {"input": {"name": name, **values}}, token=account.token
    )
    return data["createCategory"]


async def titles(client: GraphQLClient, account: Account, **variables: Any) -> list[str]:
    data = await client.data(ENTRIES, variables, token=account.token)
    return [e["node"]["title"] for e in data["entries"]["edges"]]


SYNCED = "query { changes(first: 100) { edges { node { entityId } } } }"


async def relayed(client: GraphQLClient, account: Any, entity_id: str) -> None:
    """Wait until the outbox relay has handled the change of `entity_id`: its sinks run in
    order, so once the sync log holds it, the relay's cache invalidation has run too."""

    async def logged() -> bool:
        data = await client.data(SYNCED, token=account.token)
        return any(e["node"]["entityId"] == entity_id for e in data["changes"]["edges"])

    await eventually(logged, timeout=30, interval=0.05)
