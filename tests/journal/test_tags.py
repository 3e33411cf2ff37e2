"""Journal tags: unique names per user, hex colours, rename, delete."""

from __future__ import annotations

from tests.support.client import GraphQLClient, error_codes
from tests.support.journal import CREATE_TAG

UPDATE = """
mutation($id: ID!, $input: UpdateJournalTagInput!) {
  updateJournalTag(id: $id, input: $input) { name color }
}
"""
LIST = "query { journalTags { edges { node { name color } } } }"
DELETE = "mutation($id: ID!) { deleteJournalTag(id: $id) { deletedId } }"


async def test_tag_names_are_unique_per_user_ignoring_case(client: GraphQLClient) -> None:
    mine, theirs = await client.sign_up(), await client.sign_up()
    await client.data(CREATE_TAG, {"input": {"name": "Work", "color": "#aabbcc"}}, token=mine.token)
    twice = await client.execute(CREATE_TAG, {"input": {"name": "work"}}, token=mine.token)
    other = await client.data(CREATE_TAG, {"input": {"name": "Work"}}, token=theirs.token)
    assert error_codes(twice) == ["BAD_USER_INPUT"]
    assert twice["errors"][0]["extensions"]["field"] == "name"
    assert other["createJournalTag"]["name"] == "Work"
    listed = await client.data(LIST, token=mine.token)
    assert listed["journalTags"]["edges"] == [{"node": {"name": "Work", "color": "#AABBCC"}}]


async def test_bad_colour_is_refused(client: GraphQLClient) -> None:
    account = await client.sign_up()
    body = await client.execute(
        CREATE_TAG, {"input": {"name": "x", "color": "red"}}, token=account.token
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "color"


async def test_rename_recolour_and_delete(client: GraphQLClient) -> None:
    account = await client.sign_up()
    tag = (await client.data(CREATE_TAG, {"input": {"name": "a"}}, token=account.token))[
        "createJournalTag"
    ]
    await client.data(CREATE_TAG, {"input": {"name": "b"}}, token=account.token)
    clash = await client.execute(
        UPDATE, {"id": tag["id"], "input": {"name": "B"}}, token=account.token
    )
    assert error_codes(clash) == ["BAD_USER_INPUT"]
    renamed = await client.data(
        UPDATE, {"id": tag["id"], "input": {"name": "c", "color": "#000000"}}, token=account.token
    )
    assert renamed["updateJournalTag"] == {"name": "c", "color": "#000000"}
    await client.data(DELETE, {"id": tag["id"]}, token=account.token)
    names = [
        e["node"]["name"]
        for e in (await client.data(LIST, token=account.token))["journalTags"]["edges"]
    ]
    assert names == ["b"]
