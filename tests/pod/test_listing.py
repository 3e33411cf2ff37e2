"""Listing entries: filters, sorts, and keyset pages stable under concurrent inserts."""

from __future__ import annotations

from tests.support.client import GraphQLClient, error_codes
from tests.support.pod import ENTRIES, create_category, create_entry, create_tag, titles


async def test_pages_do_not_repeat_or_skip_when_entries_are_added(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    for i in range(5):
        await create_entry(client, account, title=f"e{i}")
    first = (await client.data(ENTRIES, {"first": 2}, token=account.token))["entries"]
    # when: entries are added between pages
    await create_entry(client, account, title="new1")
    await create_entry(client, account, title="new2")
    seen = [e["node"]["title"] for e in first["edges"]]
    cursor = first["pageInfo"]["endCursor"]
    while cursor:
        page = (await client.data(ENTRIES, {"first": 2, "after": cursor}, token=account.token))[
            "entries"
        ]
        seen += [e["node"]["title"] for e in page["edges"]]
        cursor = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    # then
    assert seen == ["e4", "e3", "e2", "e1", "e0"]


async def test_sort_by_title_and_updated(client: GraphQLClient) -> None:
    account = await client.sign_up()
    for title in ("banana", "Apple", "cherry"):
        await create_entry(client, account, title=title)
    sort = {"field": "TITLE", "direction": "ASC"}
    assert await titles(client, account, sort=sort) == ["Apple", "banana", "cherry"]
    page = (await client.data(ENTRIES, {"first": 1, "sort": sort}, token=account.token))["entries"]
    after = page["pageInfo"]["endCursor"]
    assert await titles(client, account, sort=sort, after=after) == ["banana", "cherry"]
    # a cursor from another sort order is refused
    body = await client.execute(ENTRIES, {"after": after}, token=account.token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "after"


async def test_filters_by_kind_status_tag_category_and_dates(client: GraphQLClient) -> None:
    account = await client.sign_up()
    parent = await create_category(client, account, "Work")
    child = await create_category(client, account, "Projects", parentId=parent["id"])
    tag = await create_tag(client, account, "urgent")
    first = await create_entry(client, account, title="in parent", categoryId=parent["id"])
    await create_entry(
        client, account, title="in child", categoryId=child["id"], tagIds=[tag["id"]]
    )
    await create_entry(client, account, kind="TASK", title="a task", status="DRAFT")
    by_category = {"categoryId": parent["id"]}
    assert await titles(client, account, filter=by_category) == ["in parent"]
    with_children = {"categoryId": parent["id"], "includeSubcategories": True}
    assert await titles(client, account, filter=with_children) == ["in child", "in parent"]
    assert await titles(client, account, filter={"tagIds": [tag["id"]]}) == ["in child"]
    assert await titles(client, account, filter={"kinds": ["TASK"]}) == ["a task"]
    assert await titles(client, account, filter={"statuses": ["DRAFT"]}) == ["a task"]
    created = first["createdAt"]
    assert await titles(client, account, filter={"createdBefore": created}) == []
    assert "in parent" in await titles(client, account, filter={"createdAfter": created})
