"""Stored psychology insights over the API: found with their evidence, a minimum sample,
mine only, dismissed on request, announced live, and the same journal gives the same ones."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest

from tests.support.client import Account, GraphQLClient, error_codes
from tests.support.insights import (
    DISMISS,
    FIRST_MONDAY,
    insights,
    settled,
    write_low_mondays,
)
from tests.support.journal import CREATE_TAG, create_entry
from tests.support.vault import CREATE_HIDDEN, blob, register_tag
from tests.support.ws import WebSocketClient

pytestmark = pytest.mark.usefixtures("fast_insights")

NODE = "query($id: ID!) { node(id: $id) { id } }"
INSIGHT_ADDED = """
subscription { insightAdded { id type title data evidence { totalCount } } }
"""
# Words an insight must never use: it describes patterns, it does not diagnose.
CLINICAL = ("depress", "disorder", "diagnos", "symptom", "illness", "bipolar", "anxiety")


def _monday_insight(found: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next(
        (
            i
            for i in found
            if i["type"] == "WEEKDAY_MOOD"
            and i["data"]["weekday"] == "MONDAY"
            and i["data"]["direction"] == "LOWER"
        ),
        None,
    )


async def test_low_mondays_give_a_weekday_insight_citing_those_entries(
    client: GraphQLClient, server: Any
) -> None:
    # given
    account = await client.sign_up()
    mondays = await write_low_mondays(client, account)
    # when
    await settled(server, account)
    found = await insights(client, account, type="WEEKDAY_MOOD")
    # then
    insight = _monday_insight(found)
    assert insight is not None, found
    cited = [e["node"] for e in insight["evidence"]["edges"]]
    assert {e["id"] for e in cited} == {m["id"] for m in mondays}
    assert insight["evidence"]["totalCount"] == 5
    assert insight["data"]["sampleSize"] == 5
    assert insight["data"]["groupMean"] < insight["data"]["baselineMean"]
    assert insight["data"]["effectSize"] <= -0.5
    assert 0.8 <= insight["confidence"] <= 1
    assert insight["title"] == "Mondays tend to feel heavier"
    text = f"{insight['title']} {insight['message']}".lower()
    assert not [word for word in CLINICAL if word in text]


async def test_hidden_entries_are_never_evidence(client: GraphQLClient, server: Any) -> None:
    # given: low Mondays, and hidden entries filed under a secret tag on the same Mondays
    account = await client.sign_up()
    tag = await register_tag(client, account)
    hidden = []
    for week in range(5):
        monday = str(FIRST_MONDAY + timedelta(weeks=week))
        created = await client.data(
            CREATE_HIDDEN,
            {"tag": tag.id, "blob": blob(), "input": {"entryDate": monday}},
            token=account.token,
        )
        hidden.append(created["createJournalEntry"]["id"])
    mondays = await write_low_mondays(client, account)
    # when
    await settled(server, account)
    insight = _monday_insight(await insights(client, account))
    # then: the evidence is my ordinary Monday entries, none of the hidden ones
    assert insight is not None
    cited = {e["node"]["id"] for e in insight["evidence"]["edges"]}
    assert cited == {m["id"] for m in mondays}
    assert not cited & set(hidden)


async def test_entries_about_a_topic_are_compared_with_my_baseline(
    client: GraphQLClient, server: Any, fast_workers: Any
) -> None:
    # given: low days at work, bright days outdoors (topics come from the AI worker)
    account = await client.sign_up()
    work = []
    for n in range(5):
        day = FIRST_MONDAY + timedelta(days=3 * n)
        work.append(
            await create_entry(
                client,
                account.token,
                content="Long meetings at the office; my boss moved the project deadline again.",
                mood=2 + n % 2,
                entryDate=str(day),
            )
        )
        await create_entry(
            client,
            account.token,
            content="Walked in the park under the trees, watched the sea and the clouds.",
            mood=8 + n % 2,
            entryDate=str(day + timedelta(days=1)),
        )
    # when
    await settled(server, account)
    found = await insights(client, account, type="TOPIC_MOOD")
    # then
    at_work = next(
        (
            i
            for i in found
            if i["data"]["topicName"] == "Work" and i["data"]["direction"] == "LOWER"
        ),
        None,
    )
    assert at_work is not None, found
    assert {e["node"]["id"] for e in at_work["evidence"]["edges"]} == {e["id"] for e in work}
    assert at_work["title"] == "Entries about Work tend to be harder"


async def test_too_few_entries_give_no_insight(client: GraphQLClient, server: Any) -> None:
    # given: two low Mondays and two bright Wednesdays, below the minimum sample of four
    account = await client.sign_up()
    for week in range(2):
        monday = FIRST_MONDAY + timedelta(weeks=week)
        await create_entry(client, account.token, content="x", mood=2, entryDate=str(monday))
        wednesday = monday + timedelta(days=2)
        await create_entry(client, account.token, content="x", mood=9, entryDate=str(wednesday))
    # when
    await settled(server, account)
    # then: nothing about my moods; only that I have not written since (one ongoing gap)
    found = await insights(client, account)
    assert [i["type"] for i in found] == ["WRITING_GAP"]


async def test_the_same_journal_gives_the_same_insights(client: GraphQLClient, server: Any) -> None:
    # given
    account = await client.sign_up()
    await write_low_mondays(client, account)
    await settled(server, account)
    before = await insights(client, account, all=True)
    # when: recomputed again over the same entries
    job = server.services.insights_job
    new = [await job.recompute(uuid.UUID(account.uuid)) for _ in range(2)]
    # then: nothing new, nothing duplicated, nothing changed
    assert new == [[], []]
    assert await insights(client, account, all=True) == before
    assert len({(i["type"], str(i["data"])) for i in before}) == len(before)


async def test_another_user_can_neither_see_nor_dismiss_my_insights(
    client: GraphQLClient, server: Any
) -> None:
    # given
    mine, theirs = await client.sign_up(), await client.sign_up()
    await write_low_mondays(client, mine)
    await settled(server, mine)
    insight = _monday_insight(await insights(client, mine))
    assert insight is not None
    # when
    seen = await client.data(NODE, {"id": insight["id"]}, token=theirs.token)
    dismissed = await client.execute(DISMISS, {"id": insight["id"]}, token=theirs.token)
    listed = await insights(client, theirs, all=True)
    # then
    assert seen == {"node": None}
    assert error_codes(dismissed) == ["NOT_FOUND"]
    assert listed == []
    assert _monday_insight(await insights(client, mine)) == insight


async def test_dismissing_hides_an_insight_and_it_stays_dismissed(
    client: GraphQLClient, server: Any
) -> None:
    # given
    account = await client.sign_up()
    await write_low_mondays(client, account)
    await settled(server, account)
    insight = _monday_insight(await insights(client, account))
    assert insight is not None
    # when
    dismissed = (await client.data(DISMISS, {"id": insight["id"]}, token=account.token))[
        "dismissInsight"
    ]
    # one more low Monday: the pattern is recomputed, still dismissed
    sixth = FIRST_MONDAY + timedelta(weeks=5)
    await create_entry(client, account.token, content="Tired.", mood=2, entryDate=str(sixth))
    await settled(server, account)
    # then
    assert dismissed["id"] == insight["id"] and dismissed["dismissedAt"]
    assert _monday_insight(await insights(client, account)) is None
    again = _monday_insight(await insights(client, account, all=True))
    assert again is not None and again["id"] == insight["id"]
    assert again["dismissedAt"] == dismissed["dismissedAt"]
    assert again["data"]["sampleSize"] == 6


async def test_dismissing_a_malformed_id_is_bad_user_input(client: GraphQLClient) -> None:
    account = await client.sign_up()
    body = await client.execute(DISMISS, {"id": "not-an-id"}, token=account.token)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_a_live_event_arrives_when_the_job_finds_a_new_insight(
    client: GraphQLClient, server: Any
) -> None:
    # given: subscribed before any insight exists
    account = await client.sign_up()
    async with WebSocketClient(server.ws_url) as ws:
        ack = await ws.init({"authorization": f"Bearer {account.token}"})
        assert ack["type"] == "connection_ack"
        await ws.subscribe("1", INSIGHT_ADDED)
        await asyncio.sleep(0.2)
        # when
        await write_low_mondays(client, account)
        # then: each new insight arrives once, the Monday one among them
        events = []
        while _monday_insight(events) is None:
            frame = await ws.receive(timeout=30)
            assert frame["type"] == "next", frame
            events.append(frame["payload"]["data"]["insightAdded"])
    # it is found as soon as the minimum sample of four Mondays is there
    monday = _monday_insight(events)
    assert monday is not None and monday["evidence"]["totalCount"] >= 4
    assert len({e["id"] for e in events}) == len(events)


async def _five_tag_insights(client: GraphQLClient, server: Any) -> Account:
    """A user with five tags, each on four low days, and twelve bright untagged days."""
    account = await client.sign_up()
    day = FIRST_MONDAY
    for n in range(5):
        tag = (await client.data(CREATE_TAG, {"input": {"name": f"t{n}"}}, token=account.token))[
            "createJournalTag"
        ]
        for k in range(4):
            day += timedelta(days=3)
            await create_entry(
                client,
                account.token,
                content="x",
                mood=2 + k % 2,
                entryDate=str(day),
                tagIds=[tag["id"]],
            )
    for k in range(12):
        day += timedelta(days=3)
        await create_entry(client, account.token, content="x", mood=8 + k % 2, entryDate=str(day))
    await settled(server, account)
    return account


async def test_the_insights_page_takes_the_same_statements_for_1_and_5_insights(
    client: GraphQLClient, server: Any
) -> None:
    # given
    account = await _five_tag_insights(client, server)
    assert len(await insights(client, account, type="TAG_MOOD")) == 5
    query = """
    query($first: Int) { insights(first: $first) { edges { node {
      title evidence { edges { node { title mood tags { edges { node { name } } } } } }
    } } } }
    """
    # when
    small = await client.count_statements(query, {"first": 1}, token=account.token)
    large = await client.count_statements(query, {"first": 5}, token=account.token)
    # then
    assert small == large


async def test_insights_page_by_cursor_and_filter_by_type(
    client: GraphQLClient, server: Any
) -> None:
    # given
    account = await _five_tag_insights(client, server)
    query = """
    query($after: String) { insights(type: TAG_MOOD, first: 2, after: $after) {
      edges { node { id type data } } pageInfo { hasNextPage endCursor }
    } }
    """
    # when
    seen, after, pages = [], None, 0
    while True:
        page = (await client.data(query, {"after": after}, token=account.token))["insights"]
        seen += [e["node"] for e in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    # then
    assert pages == 3 and len({i["id"] for i in seen}) == 5
    assert {i["type"] for i in seen} == {"TAG_MOOD"}
    assert {i["data"]["tagName"] for i in seen} == {f"t{n}" for n in range(5)}
    bad = await client.execute(query, {"after": "nonsense"}, token=account.token)
    assert error_codes(bad) == ["BAD_USER_INPUT"]
