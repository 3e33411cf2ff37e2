"""The Redis page cache answers exactly as PostgreSQL does: a hit decodes into the same
records as a miss reads, for every kind and every field a client can see."""

from __future__ import annotations

import uuid
from typing import Any

from datastore.kit.postgres import statement_counts
from tests.support.client import Account, GraphQLClient
from tests.support.pod import ENTRY_FIELDS, create_category, create_entry, create_tag, relayed

PAGE = f"""
query($first: Int, $after: String) {{
  entries(first: $first, after: $after) {{
    edges {{ cursor node {{ {ENTRY_FIELDS} myPermission secret {{ password totpSeed body }} }} }}
    pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
  }}
}}
"""


async def test_cached_page_answers_like_the_database(client: GraphQLClient) -> None:
    # given: one entry of each kind, with tags, a category, an expiry and a sealed secret
    account = await client.sign_up()
    work = await create_category(client, account, "Work")
    tags = [(await create_tag(client, account, name))["id"] for name in ("blue", "green")]
    await create_entry(client, account, title="Plan", body="# v1", tagIds=tags)
    await create_entry(client, account, kind="DOCUMENT", title="Scan", categoryId=work["id"])
    await create_entry(
        client,
        account,
        kind="PASSWORD",
        title="Bank",
        password={"url": "https://bank.example", "username": "me", "secret": "hunter2"},
    )
    await create_entry(
        client, account, kind="BOOKMARK", title="News", bookmark={"url": "https://n.example"}
    )
    await create_entry(
        client,
        account,
        kind="TASK",
        title="Taxes",
        task={"dueAt": "2027-04-15T12:00:00+00:00", "priority": 2},
        expiresAt="2030-01-01T00:00:00Z",
    )
    await create_entry(
        client,
        account,
        kind="CONTACT",
        title="Ada",
        contact={"givenName": "Ada", "emails": [{"address": "ada@example.com"}]},
    )
    diary = await create_entry(client, account, title="Diary", body="private", sensitive=True)
    await relayed(client, account, diary["id"])  # no invalidation lands between the reads
    # when: the first read of each page misses (PostgreSQL), the second hits Redis
    first, first_missed = await _read(client, account, {"first": 4})
    after = first["entries"]["pageInfo"]["endCursor"]
    rest, rest_missed = await _read(client, account, {"first": 4, "after": after})
    cached_first, first_hit = await _read(client, account, {"first": 4})
    cached_rest, rest_hit = await _read(client, account, {"first": 4, "after": after})
    # then: the hits skipped the page statement and answered the same, field for field
    assert (first_hit, rest_hit) == (first_missed - 1, rest_missed - 1)
    assert cached_first == first
    assert cached_rest == rest
    nodes = [e["node"] for e in first["entries"]["edges"] + rest["entries"]["edges"]]
    assert [n["title"] for n in nodes] == ["Diary", "Ada", "Taxes", "News", "Bank", "Scan", "Plan"]
    by_title = {n["title"]: n for n in nodes}
    assert by_title["Diary"]["body"] is None and by_title["Diary"]["secret"]["body"] == "private"
    assert by_title["Bank"]["secret"]["password"] == "hunter2"
    assert by_title["Taxes"]["expiresAt"].startswith("2030-01-01T00:00:00")
    assert by_title["Scan"]["category"]["name"] == "Work"
    assert [t["node"]["slug"] for t in by_title["Plan"]["tags"]["edges"]] == ["blue", "green"]


async def _read(
    client: GraphQLClient, account: Account, variables: dict[str, Any]
) -> tuple[dict[str, Any], int]:
    """The page's data and how many SQL statements the server ran for it."""
    request_id = f"cache-{uuid.uuid4().hex}"
    body = await client.execute(
        PAGE, variables, token=account.token, headers={"x-request-id": request_id}
    )
    assert "errors" not in body, body
    return body["data"], statement_counts.pop(request_id, 0)


TAGGED = """
query { entries(first: 5) { edges { node { title tags { edges { node { name color } } } } } } }
"""
RENAME = "mutation($id: ID!, $input: UpdateTagInput!) { updateTag(id: $id, input: $input) { id } }"


async def test_tags_cached_with_a_page_follow_every_change_of_the_tag(
    client: GraphQLClient,
) -> None:
    # given: a page read with its tags, so it is cached with them
    account = await client.sign_up()
    tag = await create_tag(client, account, "blue")
    await create_entry(client, account, title="Plan", tagIds=[tag["id"]])
    await relayed(client, account, tag["id"])
    before = await client.data(TAGGED, token=account.token)
    assert await client.data(TAGGED, token=account.token) == before  # from the cache now
    # when: the tag is renamed and recoloured
    await client.data(
        RENAME,
        {"id": tag["id"], "input": {"name": "navy", "color": "#000080"}},
        token=account.token,
    )
    # then: the next read shows the tag as it is now
    after = await client.data(TAGGED, token=account.token)
    node = after["entries"]["edges"][0]["node"]["tags"]["edges"][0]["node"]
    assert node == {"name": "navy", "color": "#000080"}
