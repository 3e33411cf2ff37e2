"""One user can never read, search, count or change another's entries, categories or tags."""

from __future__ import annotations

from tests.support.client import GraphQLClient, error_codes
from tests.support.pod import create_category, create_entry, create_tag

READS = {
    "entry": ("query($id: ID!) { entry(id: $id) { id } }", "entry"),
    "node": ("query($id: ID!) { node(id: $id) { id } }", "node"),
}


async def _victim(client: GraphQLClient):
    victim = await client.sign_up()
    category = await create_category(client, victim, "Secret projects")
    tag = await create_tag(client, victim, "confidential")
    entry = await create_entry(
        client,
        victim,
        kind="PASSWORD",
        title="Zanzibar vault",
        body="findme",
        categoryId=category["id"],
        tagIds=[tag["id"]],
        password={"secret": "s3cret"},
    )
    return victim, category, tag, entry


async def test_another_users_objects_are_invisible(client: GraphQLClient) -> None:
    # given
    victim, category, tag, entry = await _victim(client)
    attacker = await client.sign_up()
    # then: by id, null
    for object_id in (entry["id"], category["id"], tag["id"]):
        for query, field in READS.values():
            if field == "entry" and object_id != entry["id"]:
                continue
            data = await client.data(query, {"id": object_id}, token=attacker.token)
            assert data[field] is None
    nodes = await client.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [entry["id"], category["id"], tag["id"]]},
        token=attacker.token,
    )
    assert nodes["nodes"] == [None, None, None]
    # lists, search, counts and activity show nothing of theirs
    data = await client.data(
        """query($cat: ID!, $tag: ID!) {
          entries(filter: {categoryId: $cat, includeSubcategories: true}) { edges { node { id } } }
          byTag: entries(filter: {tagIds: [$tag]}) { edges { node { id } } }
          searchEntries(query: "zanzibar") { edges { node { snippet } } }
          phrase: searchEntries(query: "findme") { edges { node { snippet } } }
          categoryTree { name entryCount totalEntryCount }
          categories { edges { node { name } } }
          tags { edges { node { slug usageCount } } }
          activity { edges { node { action } } }
          changes { edges { node { seq } } }
        }""",
        {"cat": category["id"], "tag": tag["id"]},
        token=attacker.token,
    )
    assert data["entries"]["edges"] == data["byTag"]["edges"] == []
    assert data["searchEntries"]["edges"] == data["phrase"]["edges"] == []
    # the same searches find the entry for its owner: the empty answers above are isolation
    own = await client.data(
        """{
          searchEntries(query: "zanzibar") { edges { node { entry { id } } } }
          phrase: searchEntries(query: "findme") { edges { node { entry { id } } } }
        }""",
        token=victim.token,
    )
    for found in (own["searchEntries"], own["phrase"]):
        assert [e["node"]["entry"]["id"] for e in found["edges"]] == [entry["id"]]
    assert data["categoryTree"] == [{"name": "Inbox", "entryCount": 0, "totalEntryCount": 0}]
    assert [e["node"]["name"] for e in data["categories"]["edges"]] == ["Inbox"]
    assert data["tags"]["edges"] == []
    assert data["activity"]["edges"] == []
    assert data["changes"]["edges"] == []


async def test_another_users_objects_cannot_be_changed(client: GraphQLClient) -> None:
    # given
    victim, category, tag, entry = await _victim(client)
    attacker = await client.sign_up()
    mine = await create_entry(client, attacker, title="mine")
    my_tag = await create_tag(client, attacker, "mine")
    my_category = await create_category(client, attacker, "mine")
    attempts = [
        (
            "mutation($id: ID!) { updateEntry(id: $id, expectedVersion: 1, "
            'input: {title: "pwned"}) { id } }',
            {"id": entry["id"]},
            "NOT_FOUND",
        ),
        ("mutation($id: ID!) { deleteEntry(id: $id) { id } }", {"id": entry["id"]}, "NOT_FOUND"),
        ("mutation($id: ID!) { restoreEntry(id: $id) { id } }", {"id": entry["id"]}, "NOT_FOUND"),
        (
            "mutation($id: ID!, $t: ID!) { tagEntry(id: $id, tagIds: [$t]) { id } }",
            {"id": entry["id"], "t": my_tag["id"]},
            "NOT_FOUND",
        ),
        (
            "mutation($id: ID!, $t: ID!) { untagEntry(id: $id, tagIds: [$t]) { id } }",
            {"id": entry["id"], "t": tag["id"]},
            "NOT_FOUND",
        ),
        # my entry with their tag or category
        (
            "mutation($id: ID!, $t: ID!) { tagEntry(id: $id, tagIds: [$t]) { id } }",
            {"id": mine["id"], "t": tag["id"]},
            "BAD_USER_INPUT",
        ),
        (
            "mutation($id: ID!, $c: ID!) { updateEntry(id: $id, expectedVersion: 1, "
            "input: {categoryId: $c}) { id } }",
            {"id": mine["id"], "c": category["id"]},
            "BAD_USER_INPUT",
        ),
        (
            'mutation($c: ID!) { createEntry(input: {kind: NOTE, title: "x", categoryId: $c}) '
            "{ id } }",
            {"c": category["id"]},
            "BAD_USER_INPUT",
        ),
        (
            'mutation($id: ID!) { updateCategory(id: $id, input: {name: "x"}) { id } }',
            {"id": category["id"]},
            "NOT_FOUND",
        ),
        (
            "mutation($id: ID!) { moveCategory(id: $id) { id } }",
            {"id": category["id"]},
            "NOT_FOUND",
        ),
        (
            "mutation($id: ID!, $p: ID!) { moveCategory(id: $id, parentId: $p) { id } }",
            {"id": my_category["id"], "p": category["id"]},
            "BAD_USER_INPUT",
        ),
        (
            'mutation($p: ID!) { createCategory(input: {name: "x", parentId: $p}) { id } }',
            {"p": category["id"]},
            "BAD_USER_INPUT",
        ),
        ("mutation($id: ID!) { deleteCategory(id: $id) }", {"id": category["id"]}, "NOT_FOUND"),
        (
            'mutation($id: ID!) { updateTag(id: $id, input: {name: "x"}) { id } }',
            {"id": tag["id"]},
            "NOT_FOUND",
        ),
        ("mutation($id: ID!) { deleteTag(id: $id) }", {"id": tag["id"]}, "NOT_FOUND"),
        (
            "mutation($s: ID!, $t: ID!) { mergeTags(sourceIds: [$s], targetId: $t) { id } }",
            {"s": tag["id"], "t": my_tag["id"]},
            "BAD_USER_INPUT",
        ),
        (
            "mutation($s: ID!, $t: ID!) { mergeTags(sourceIds: [$s], targetId: $t) { id } }",
            {"s": my_tag["id"], "t": tag["id"]},
            "NOT_FOUND",
        ),
    ]
    for query, variables, code in attempts:
        body = await client.execute(query, variables, token=attacker.token)
        assert error_codes(body) == [code], (query, body)
    # then: the victim's data is untouched
    data = await client.data(
        """query($id: ID!) {
          entry(id: $id) { title version status category { name } tags { edges { node { slug } } } }
          tags { edges { node { slug usageCount } } }
          categories { edges { node { name } } }
        }""",
        {"id": entry["id"]},
        token=victim.token,
    )
    assert data["entry"] == {
        "title": "Zanzibar vault",
        "version": 1,
        "status": "ACTIVE",
        "category": {"name": "Secret projects"},
        "tags": {"edges": [{"node": {"slug": "confidential"}}]},
    }
    assert data["tags"]["edges"] == [{"node": {"slug": "confidential", "usageCount": 1}}]
    assert sorted(e["node"]["name"] for e in data["categories"]["edges"]) == [
        "Inbox",
        "Secret projects",
    ]


async def test_another_users_secret_is_never_readable(client: GraphQLClient) -> None:
    _victim_account, _category, _tag, entry = await _victim(client)
    attacker = await client.sign_up()
    data = await client.data(
        "query($id: ID!) { node(id: $id) { ... on Password { secret { password } } } }",
        {"id": entry["id"]},
        token=attacker.token,
    )
    assert data["node"] is None


async def test_signed_out_calls_are_unauthenticated(client: GraphQLClient) -> None:
    for query in (
        "{ entries { edges { cursor } } }",
        "{ categoryTree { name } }",
        "{ tags { edges { cursor } } }",
        "{ changes { edges { cursor } } }",
        '{ searchEntries(query: "x") { edges { cursor } } }',
    ):
        body = await client.execute(query)
        assert error_codes(body) == ["UNAUTHENTICATED"], query
