"""Category trees: nesting, counts, moves that would make a cycle, deletion."""

from __future__ import annotations

import asyncio

from tests.support.client import GraphQLClient, error_codes
from tests.support.pod import create_category, create_entry, relayed

TREE = """
{ categoryTree { name isSystem entryCount totalEntryCount
    children { name entryCount totalEntryCount children { name entryCount } } } }
"""
MOVE = "mutation($id: ID!, $p: ID) { moveCategory(id: $id, parentId: $p) { id parent { name } } }"


async def test_tree_nests_with_counts_and_inbox_exists(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    home = await create_category(client, account, "Home", color="#112233", icon="house")
    garden = await create_category(client, account, "Garden", parentId=home["id"])
    await create_entry(client, account, title="inbox note")
    await create_entry(client, account, title="h", categoryId=home["id"])
    await create_entry(client, account, title="g1", categoryId=garden["id"])
    await create_entry(client, account, title="g2", categoryId=garden["id"])
    # when
    tree = (await client.data(TREE, token=account.token))["categoryTree"]
    # then
    assert tree == [
        {"name": "Inbox", "isSystem": True, "entryCount": 1, "totalEntryCount": 1, "children": []},
        {
            "name": "Home",
            "isSystem": False,
            "entryCount": 1,
            "totalEntryCount": 3,
            "children": [{"name": "Garden", "entryCount": 2, "totalEntryCount": 2, "children": []}],
        },
    ]


async def test_tree_takes_one_statement_per_request(client: GraphQLClient) -> None:
    account = await client.sign_up()
    await client.data(TREE, token=account.token)  # creates the Inbox once
    parent = await create_category(client, account, "A")
    for i in range(5):
        last = await create_category(client, account, f"A{i}", parentId=parent["id"])
    # The relay invalidates once more after each commit; let it, so the next read's cache stays.
    await relayed(client, account, last["id"])
    assert await client.count_statements(TREE, token=account.token) == 1
    # the second read is served from the cache
    assert await client.count_statements(TREE, token=account.token) == 0


async def test_moves_that_would_create_a_cycle_are_refused(client: GraphQLClient) -> None:
    account = await client.sign_up()
    a = await create_category(client, account, "A")
    b = await create_category(client, account, "B", parentId=a["id"])
    c = await create_category(client, account, "C", parentId=b["id"])
    for target in (a, c):
        body = await client.execute(MOVE, {"id": a["id"], "p": target["id"]}, token=account.token)
        assert error_codes(body) == ["BAD_USER_INPUT"]
        assert body["errors"][0]["extensions"]["field"] == "parentId"
    moved = await client.data(MOVE, {"id": c["id"], "p": None}, token=account.token)
    assert moved["moveCategory"]["parent"] is None
    moved = await client.data(MOVE, {"id": a["id"], "p": c["id"]}, token=account.token)
    assert moved["moveCategory"]["parent"] == {"name": "C"}


async def test_delete_moves_children_and_entries_up_and_inbox_is_permanent(
    client: GraphQLClient,
) -> None:
    account = await client.sign_up()
    a = await create_category(client, account, "A")
    b = await create_category(client, account, "B", parentId=a["id"])
    await create_category(client, account, "C", parentId=b["id"])
    await create_entry(client, account, title="in b", categoryId=b["id"])
    deleted = await client.data(
        "mutation($id: ID!) { deleteCategory(id: $id) }", {"id": b["id"]}, token=account.token
    )
    assert deleted["deleteCategory"] == b["id"]
    tree = (await client.data(TREE, token=account.token))["categoryTree"]
    assert tree[1]["name"] == "A" and tree[1]["entryCount"] == 1
    assert [c["name"] for c in tree[1]["children"]] == ["C"]
    inbox = (
        await client.data("{ categories { edges { node { id isSystem } } } }", token=account.token)
    )["categories"]["edges"]
    inbox_id = next(e["node"]["id"] for e in inbox if e["node"]["isSystem"])
    body = await client.execute(
        "mutation($id: ID!) { deleteCategory(id: $id) }", {"id": inbox_id}, token=account.token
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_bad_category_input_is_refused(client: GraphQLClient) -> None:
    account = await client.sign_up()
    for values, field in (({"color": "red"}, "color"), ({"icon": "Bad Icon"}, "icon")):
        body = await client.execute(
            "mutation($input: CreateCategoryInput!) { createCategory(input: $input) { id } }",
            {"input": {"name": "x", **values}},
            token=account.token,
        )
        assert error_codes(body) == ["BAD_USER_INPUT"]
        assert body["errors"][0]["extensions"]["field"] == field


CATEGORIES = "{ categories(first: 10) { edges { node { name isSystem } } } }"


async def test_first_reads_at_once_all_find_the_one_inbox(client: GraphQLClient) -> None:
    # given: new users whose Inbox does not exist yet
    accounts = [await client.sign_up() for _ in range(4)]
    # when: each user's first reads race to create it
    replies = await asyncio.gather(
        *(
            client.execute(TREE if n % 2 else CATEGORIES, token=account.token)
            for account in accounts
            for n in range(12)
        )
    )
    # then: every one succeeds and sees exactly one Inbox
    assert [r.get("errors") for r in replies] == [None] * len(replies)
    for reply in replies:
        data = reply["data"]
        names = (
            [c["name"] for c in data["categoryTree"]]
            if "categoryTree" in data
            else [e["node"]["name"] for e in data["categories"]["edges"]]
        )
        assert names == ["Inbox"]
