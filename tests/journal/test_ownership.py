"""Another user can never read, list, change or delete my journal entries and tags."""

from __future__ import annotations

from tests.support.client import GraphQLClient, error_codes
from tests.support.journal import CREATE_TAG, UPDATE_ENTRY, create_entry

ENTRY = "query($id: ID!) { journalEntry(id: $id) { id } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"
LIST = "query { journalEntries { edges { node { id } } } journalTags { edges { node { id } } } }"


async def test_another_user_cannot_see_or_change_my_journal(client: GraphQLClient) -> None:
    # given
    mine, theirs = await client.sign_up(), await client.sign_up()
    tag = (await client.data(CREATE_TAG, {"input": {"name": "me"}}, token=mine.token))[
        "createJournalTag"
    ]
    entry = await create_entry(client, mine.token, content="dear diary", tagIds=[tag["id"]])
    # when / then: reads
    assert error_codes(await client.execute(ENTRY, {"id": entry["id"]}, token=theirs.token)) == [
        "NOT_FOUND"
    ]
    for object_id in (entry["id"], tag["id"]):
        node = await client.data(NODE, {"id": object_id}, token=theirs.token)
        assert node["node"] is None
    listed = await client.data(LIST, token=theirs.token)
    assert listed["journalEntries"]["edges"] == [] and listed["journalTags"]["edges"] == []
    # writes
    attempts = [
        (UPDATE_ENTRY, {"id": entry["id"], "v": 1, "input": {"content": "hacked"}}),
        ("mutation($id: ID!) { deleteJournalEntry(id: $id) { deletedId } }", {"id": entry["id"]}),
        (
            'mutation($id: ID!) { updateJournalTag(id: $id, input: {name: "x"}) { id } }',
            {"id": tag["id"]},
        ),
        ("mutation($id: ID!) { deleteJournalTag(id: $id) { deletedId } }", {"id": tag["id"]}),
    ]
    for document, variables in attempts:
        assert error_codes(await client.execute(document, variables, token=theirs.token)) == [
            "NOT_FOUND"
        ], document
    # my tag cannot be put on their entry
    body = await client.execute(
        "mutation($input: CreateJournalEntryInput!) { createJournalEntry(input: $input) { id } }",
        {"input": {"content": "x", "tagIds": [tag["id"]]}},
        token=theirs.token,
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    # and nothing changed
    still = await client.data(
        "query($id: ID!) { journalEntry(id: $id) { content version "
        "tags { edges { node { name } } } } }",
        {"id": entry["id"]},
        token=mine.token,
    )
    assert still["journalEntry"] == {
        "content": "dear diary",
        "version": 1,
        "tags": {"edges": [{"node": {"name": "me"}}]},
    }


async def test_signed_out_callers_are_unauthenticated(client: GraphQLClient) -> None:
    for document in (
        LIST,
        "query { reminders { edges { node { id } } } }",
        'query { search(query: "x") { edges { cursor } } }',
        "query { writingStreaks { current } }",
    ):
        assert error_codes(await client.execute(document)) == ["UNAUTHENTICATED"], document
