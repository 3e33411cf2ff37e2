"""Tags: slugs, exact usage counts under concurrency, rename and merge."""

from __future__ import annotations

import asyncio

from tests.support.client import GraphQLClient, error_codes
from tests.support.pod import create_entry, create_tag

TAG_ENTRY = "mutation($id: ID!, $t: [ID!]!) { tagEntry(id: $id, tagIds: $t) { id version } }"
UNTAG_ENTRY = "mutation($id: ID!, $t: [ID!]!) { untagEntry(id: $id, tagIds: $t) { id } }"
TAGS = "{ tags { edges { node { id name slug usageCount } } } }"


async def _usage(client, account) -> dict[str, int]:
    data = await client.data(TAGS, token=account.token)
    return {e["node"]["slug"]: e["node"]["usageCount"] for e in data["tags"]["edges"]}


async def test_slug_is_unique_per_user(client: GraphQLClient) -> None:
    account, other = await client.sign_up(), await client.sign_up()
    assert (await create_tag(client, account, "Café Ideas!"))["slug"] == "cafe-ideas"
    body = await client.execute(
        'mutation { createTag(input: {name: "cafe ideas"}) { id } }', token=account.token
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert (await create_tag(client, other, "cafe ideas"))["slug"] == "cafe-ideas"


async def test_usage_count_is_exact_under_concurrent_tagging(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    tags = [await create_tag(client, account, name) for name in ("a", "b", "c")]
    entries = [await create_entry(client, account, title=f"e{i}") for i in range(12)]
    ids = [t["id"] for t in tags]
    # when: 12 concurrent requests tag entries with all three tags in varying order, and
    # each request is repeated (the repeat must not count twice)
    requests = [
        client.execute(
            TAG_ENTRY, {"id": e["id"], "t": ids[i % 3 :] + ids[: i % 3]}, token=account.token
        )
        for i, e in enumerate(entries)
        for _ in range(2)
    ]
    results = await asyncio.gather(*requests)
    # then
    assert all("errors" not in r for r in results), results
    assert await _usage(client, account) == {"a": 12, "b": 12, "c": 12}
    # when: concurrent untagging
    await asyncio.gather(
        *(
            client.execute(UNTAG_ENTRY, {"id": e["id"], "t": [ids[0]]}, token=account.token)
            for e in entries[:5]
        )
    )
    assert await _usage(client, account) == {"a": 7, "b": 12, "c": 12}


async def test_rename_changes_the_slug(client: GraphQLClient) -> None:
    account = await client.sign_up()
    tag = await create_tag(client, account, "todo")
    other = await create_tag(client, account, "done")
    renamed = await client.data(
        'mutation($id: ID!) { updateTag(id: $id, input: {name: "To Do Later"}) '
        "{ name slug version } }",
        {"id": tag["id"]},
        token=account.token,
    )
    assert renamed["updateTag"] == {"name": "To Do Later", "slug": "to-do-later", "version": 2}
    body = await client.execute(
        'mutation($id: ID!) { updateTag(id: $id, input: {name: "DONE"}) { slug } }',
        {"id": tag["id"]},
        token=account.token,
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert other["slug"] == "done"


async def test_merge_moves_taggings_and_deletes_sources(client: GraphQLClient) -> None:
    # given: e1 has x, e2 has y, e3 has x and y
    account = await client.sign_up()
    x, y, keep = [await create_tag(client, account, n) for n in ("x", "y", "keep")]
    await create_entry(client, account, title="e1", tagIds=[x["id"]])
    await create_entry(client, account, title="e2", tagIds=[y["id"]])
    e3 = await create_entry(client, account, title="e3", tagIds=[x["id"], y["id"], keep["id"]])
    # when
    merged = await client.data(
        "mutation($s: [ID!]!, $t: ID!) { mergeTags(sourceIds: $s, targetId: $t) "
        "{ slug usageCount } }",
        {"s": [x["id"], y["id"]], "t": keep["id"]},
        token=account.token,
    )
    # then
    assert merged["mergeTags"] == {"slug": "keep", "usageCount": 3}
    assert await _usage(client, account) == {"keep": 3}
    entry = await client.data(
        "query($id: ID!) { entry(id: $id) { tags { edges { node { slug } } } } }",
        {"id": e3["id"]},
        token=account.token,
    )
    assert entry["entry"]["tags"]["edges"] == [{"node": {"slug": "keep"}}]


SEARCH_TAGS = "query($q: String!) { searchTags(query: $q) { edges { node { id name } } } }"


async def test_a_misspelt_tag_name_finds_my_pod_tag_and_only_mine(client: GraphQLClient) -> None:
    # given
    me, other = await client.sign_up(), await client.sign_up()
    exercise = await create_tag(client, me, "Exercise")
    await create_tag(client, me, "Expenses")
    await create_tag(client, other, "Exercise plans")
    # when
    mine = await client.data(SEARCH_TAGS, {"q": "excercise"}, token=me.token)
    theirs = await client.data(SEARCH_TAGS, {"q": "excercise"}, token=other.token)
    # then
    assert [e["node"] for e in mine["searchTags"]["edges"]] == [
        {"id": exercise["id"], "name": "Exercise"}
    ]
    assert [e["node"]["name"] for e in theirs["searchTags"]["edges"]] == ["Exercise plans"]
    blank = await client.execute(SEARCH_TAGS, {"q": ""}, token=me.token)
    assert error_codes(blank) == ["BAD_USER_INPUT"]
