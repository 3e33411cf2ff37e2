"""The activity log records old and new values; caches never hide my own writes."""

from __future__ import annotations

from tests.support.client import GraphQLClient
from tests.support.ids import raw_id
from tests.support.pod import (
    ENTRIES,
    UPDATE_ENTRY,
    create_category,
    create_entry,
    create_tag,
    relayed,
    titles,
)

ACTIVITY = """
query($id: ID, $first: Int, $after: String) {
  activity(entryId: $id, first: $first, after: $after) {
    edges { node { action entityType oldValues newValues entry { id } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
TREE = "{ categoryTree { entryCount } }"


async def test_activity_records_changes_moves_and_tags(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    work = await create_category(client, account, "Work")
    tag = await create_tag(client, account, "later")
    entry = await create_entry(client, account, title="Plan", body="v1")
    # when
    await client.data(
        UPDATE_ENTRY,
        {
            "id": entry["id"],
            "v": 1,
            "input": {"body": "v2", "categoryId": work["id"], "tagIds": [tag["id"]]},
        },
        token=account.token,
    )
    # then
    data = await client.data(ACTIVITY, {"id": entry["id"]}, token=account.token)
    events = [e["node"] for e in data["activity"]["edges"]]
    assert [e["action"] for e in events] == ["TAGS_CHANGED", "MOVED", "UPDATED", "CREATED"]
    updated = events[2]
    assert updated["oldValues"]["body"] == "v1" and updated["newValues"]["body"] == "v2"
    assert events[0]["newValues"] == {"added": [raw_id(tag["id"])]}
    assert all(e["entry"] == {"id": entry["id"]} for e in events)
    # all activity, paged
    page = await client.data(ACTIVITY, {"first": 2}, token=account.token)
    assert page["activity"]["pageInfo"]["hasNextPage"] is True
    rest = await client.data(
        ACTIVITY, {"after": page["activity"]["pageInfo"]["endCursor"]}, token=account.token
    )
    kinds = [e["node"]["entityType"] for e in rest["activity"]["edges"]]
    assert "TAG" in kinds and "CATEGORY" in kinds


async def test_cached_lists_never_serve_data_older_than_my_write(client: GraphQLClient) -> None:
    account = await client.sign_up()
    entry = await create_entry(client, account, title="first")
    # The relay invalidates again after each commit; let it, so the page cached next stays.
    await relayed(client, account, entry["id"])
    assert await titles(client, account) == ["first"]  # cached now
    # The cache answers without SQL: the fresh reads after each write are its invalidation's.
    assert await client.count_statements(ENTRIES, token=account.token) == 0
    await client.data(
        UPDATE_ENTRY,
        {"id": entry["id"], "v": 1, "input": {"title": "renamed"}},
        token=account.token,
    )
    assert await titles(client, account) == ["renamed"]
    await create_entry(client, account, title="second")
    assert await titles(client, account) == ["second", "renamed"]
    tree = await client.data(TREE, token=account.token)
    assert tree["categoryTree"][0]["entryCount"] == 2  # cached now
    assert await client.count_statements(TREE, token=account.token) == 0
    await create_entry(client, account, title="third")
    tree = await client.data(TREE, token=account.token)
    assert tree["categoryTree"][0]["entryCount"] == 3
