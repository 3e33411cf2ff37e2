"""Journal entries: create, read, update with versions, delete, list with filters."""

from __future__ import annotations

import pytest

from tests.support.client import GraphQLClient, error_codes
from tests.support.journal import CREATE_ENTRY, CREATE_TAG, UPDATE_ENTRY, create_entry

ENTRY = "query($id: ID!) { journalEntry(id: $id) { id title content mood version } }"
DELETE = (
    "mutation($id: ID!, $v: Int) { deleteJournalEntry(id: $id, expectedVersion: $v) { deletedId } }"
)
LIST = """
query($first: Int, $after: String, $filter: JournalEntryFilter) {
  journalEntries(first: $first, after: $after, filter: $filter) {
    edges { node { title entryDate mood tags { edges { node { name } } } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def test_create_entry_derives_word_count_and_mood_score(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    # when
    entry = await create_entry(
        client,
        account.token,
        title="Monday",
        content="  A quiet  day at the lake. ",
        mood=10,
        entryDate="2026-03-02",
    )
    # then
    assert entry["wordCount"] == 6
    assert entry["moodScore"] == 1.0
    assert entry["entryDate"] == "2026-03-02"
    assert entry["version"] == 1
    low = await create_entry(client, account.token, content="bad", mood=1)
    assert low["moodScore"] == -1.0


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"content": "   "}, "content"),
        ({"content": "ok", "mood": 11}, "mood"),
        ({"content": "ok", "mood": 0}, "mood"),
        ({"content": "ok", "title": "x" * 201}, "title"),
        ({"content": "ok", "tagIds": ["Sm91cm5hbFRhZzoxMjM="]}, "tagIds"),
    ],
)
async def test_create_entry_bad_input_changes_nothing(
    client: GraphQLClient, values: dict, field: str
) -> None:
    account = await client.sign_up()
    body = await client.execute(CREATE_ENTRY, {"input": values}, token=account.token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == field
    listed = await client.data(LIST, token=account.token)
    assert listed["journalEntries"]["edges"] == []


async def test_update_with_current_version_changes_and_bumps_it(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    tag = (
        await client.data(
            CREATE_TAG, {"input": {"name": "Work", "color": "#112233"}}, token=account.token
        )
    )["createJournalTag"]
    entry = await create_entry(client, account.token, title="t", content="one two", mood=5)
    # when
    updated = (
        await client.data(
            UPDATE_ENTRY,
            {
                "id": entry["id"],
                "v": 1,
                "input": {"content": "one two three", "tagIds": [tag["id"]], "mood": None},
            },
            token=account.token,
        )
    )["updateJournalEntry"]
    # then
    assert updated["version"] == 2
    assert updated["wordCount"] == 3
    assert updated["title"] == "t"
    assert updated["mood"] is None
    assert [e["node"]["name"] for e in updated["tags"]["edges"]] == ["Work"]


async def test_update_with_stale_version_is_a_conflict_with_the_current_one(
    client: GraphQLClient,
) -> None:
    # given
    account = await client.sign_up()
    entry = await create_entry(client, account.token, content="first")
    await client.data(
        UPDATE_ENTRY,
        {"id": entry["id"], "v": 1, "input": {"content": "second"}},
        token=account.token,
    )
    # when
    body = await client.execute(
        UPDATE_ENTRY,
        {"id": entry["id"], "v": 1, "input": {"content": "third"}},
        token=account.token,
    )
    # then
    assert error_codes(body) == ["CONFLICT"]
    assert body["errors"][0]["extensions"]["currentVersion"] == 2
    current = await client.data(ENTRY, {"id": entry["id"]}, token=account.token)
    assert current["journalEntry"]["content"] == "second"


async def test_update_to_blank_content_changes_nothing(client: GraphQLClient) -> None:
    account = await client.sign_up()
    entry = await create_entry(client, account.token, content="keep me")
    body = await client.execute(
        UPDATE_ENTRY, {"id": entry["id"], "v": 1, "input": {"content": ""}}, token=account.token
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "content"
    current = await client.data(ENTRY, {"id": entry["id"]}, token=account.token)
    assert current["journalEntry"] == {
        **current["journalEntry"],
        "content": "keep me",
        "version": 1,
    }


async def test_delete_removes_the_entry_and_checks_the_version(client: GraphQLClient) -> None:
    account = await client.sign_up()
    entry = await create_entry(client, account.token, content="gone soon")
    stale = await client.execute(DELETE, {"id": entry["id"], "v": 7}, token=account.token)
    assert error_codes(stale) == ["CONFLICT"]
    await client.data(DELETE, {"id": entry["id"], "v": 1}, token=account.token)
    body = await client.execute(ENTRY, {"id": entry["id"]}, token=account.token)
    assert error_codes(body) == ["NOT_FOUND"]


async def test_list_pages_newest_first_and_filters(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    tag = (await client.data(CREATE_TAG, {"input": {"name": "trip"}}, token=account.token))[
        "createJournalTag"
    ]
    for day, mood in (("2026-01-01", 2), ("2026-01-02", 5), ("2026-01-03", 8), ("2026-01-04", 9)):
        tag_ids = [tag["id"]] if mood > 6 else []
        await create_entry(
            client, account.token, title=day, content="x", mood=mood, entryDate=day, tagIds=tag_ids
        )
    # when
    first = (await client.data(LIST, {"first": 3}, token=account.token))["journalEntries"]
    rest = (
        await client.data(
            LIST, {"first": 3, "after": first["pageInfo"]["endCursor"]}, token=account.token
        )
    )["journalEntries"]
    by_date = await client.data(
        LIST, {"filter": {"dateFrom": "2026-01-02", "dateTo": "2026-01-03"}}, token=account.token
    )
    by_mood = await client.data(LIST, {"filter": {"moodMin": 5, "moodMax": 8}}, token=account.token)
    by_tag = await client.data(LIST, {"filter": {"tagId": tag["id"]}}, token=account.token)
    # then
    titles = [e["node"]["title"] for e in first["edges"] + rest["edges"]]
    assert titles == ["2026-01-04", "2026-01-03", "2026-01-02", "2026-01-01"]
    assert first["pageInfo"]["hasNextPage"] and not rest["pageInfo"]["hasNextPage"]

    def names(d):
        return [e["node"]["title"] for e in d["journalEntries"]["edges"]]

    assert names(by_date) == ["2026-01-03", "2026-01-02"]
    assert names(by_mood) == ["2026-01-03", "2026-01-02"]
    assert names(by_tag) == ["2026-01-04", "2026-01-03"]


async def test_listing_takes_the_same_statements_for_2_and_20_entries(
    client: GraphQLClient,
) -> None:
    account = await client.sign_up()
    tag = (await client.data(CREATE_TAG, {"input": {"name": "t"}}, token=account.token))[
        "createJournalTag"
    ]
    for n in range(20):
        await create_entry(client, account.token, content=f"entry {n}", tagIds=[tag["id"]])
    query = """
    query($first: Int) { journalEntries(first: $first) { edges { node {
      title tags { edges { node { name } } } sentiment { label } emotions { joy }
      topics { edges { node { relevance } } } } } } }
    """
    small = await client.count_statements(query, {"first": 2}, token=account.token)
    large = await client.count_statements(query, {"first": 20}, token=account.token)
    assert small == large
