"""Insights: mood trend against hand-computed values, streaks, by tag, cache invalidation."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta

from tests.support.client import GraphQLClient, error_codes
from tests.support.journal import CREATE_TAG, create_entry

TREND = """
query($from: Date!, $to: Date!, $bucket: TrendBucket!) {
  moodTrend(from: $from, to: $to, bucket: $bucket) {
    edges { node { start average standardDeviation count } }
  }
}
"""
STREAKS = "query { writingStreaks { current longest longestStart longestEnd daysWritten } }"
BY_TAG = "query { moodByTag { edges { node { tag { name } averageMood count } } } }"


async def test_mood_trend_matches_hand_computed_values(client: GraphQLClient) -> None:
    # given: two ISO weeks of moods (and an entry without a mood, which does not count)
    account = await client.sign_up()
    week1 = {"2026-02-02": 4, "2026-02-03": 8}
    week2 = {"2026-02-09": 6, "2026-02-10": 6, "2026-02-11": 9}
    for day, mood in {**week1, **week2}.items():
        await create_entry(client, account.token, content="x", mood=mood, entryDate=day)
    await create_entry(client, account.token, content="no mood", entryDate="2026-02-04")
    # when
    weekly = await client.data(
        TREND, {"from": "2026-02-01", "to": "2026-02-28", "bucket": "WEEK"}, token=account.token
    )
    daily = await client.data(
        TREND, {"from": "2026-02-09", "to": "2026-02-10", "bucket": "DAY"}, token=account.token
    )
    # then
    buckets = [e["node"] for e in weekly["moodTrend"]["edges"]]
    expected = [
        ("2026-02-02", list(week1.values())),
        ("2026-02-09", list(week2.values())),
    ]
    assert [b["start"] for b in buckets] == [start for start, _ in expected]
    for bucket, (_, moods) in zip(buckets, expected, strict=True):
        assert bucket["average"] == round(statistics.mean(moods), 4)
        assert bucket["standardDeviation"] == round(statistics.pstdev(moods), 4)
        assert bucket["count"] == len(moods)
    assert [e["node"]["average"] for e in daily["moodTrend"]["edges"]] == [6.0, 6.0]


async def test_mood_trend_is_cached_and_invalidated_by_a_new_entry(
    client: GraphQLClient, server
) -> None:
    account = await client.sign_up()
    await create_entry(client, account.token, content="x", mood=2, entryDate="2026-05-05")
    variables = {"from": "2026-05-01", "to": "2026-05-31", "bucket": "MONTH"}
    before = await client.data(TREND, variables, token=account.token)
    keys = await server.services.clients.redis.keys(f"insights:{account.uuid}:*trend*")
    assert keys, "the trend was cached"
    await create_entry(client, account.token, content="y", mood=8, entryDate="2026-05-06")
    after = await client.data(TREND, variables, token=account.token)
    assert before["moodTrend"]["edges"][0]["node"]["average"] == 2.0
    assert after["moodTrend"]["edges"][0]["node"]["average"] == 5.0


async def test_mood_trend_rejects_a_backwards_range(client: GraphQLClient) -> None:
    account = await client.sign_up()
    body = await client.execute(
        TREND, {"from": "2026-05-02", "to": "2026-05-01", "bucket": "DAY"}, token=account.token
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "to"


async def test_writing_streaks(client: GraphQLClient) -> None:
    account = await client.sign_up()
    today = datetime.now(UTC).date()
    days = [today - timedelta(days=n) for n in (0, 1, 2)]
    days += [today - timedelta(days=n) for n in (10, 11, 12, 13)]
    for day in days:
        await create_entry(client, account.token, content="x", entryDate=day.isoformat())
    await create_entry(client, account.token, content="same day", entryDate=today.isoformat())
    streaks = (await client.data(STREAKS, token=account.token))["writingStreaks"]
    assert streaks == {
        "current": 3,
        "longest": 4,
        "longestStart": (today - timedelta(days=13)).isoformat(),
        "longestEnd": (today - timedelta(days=10)).isoformat(),
        "daysWritten": 7,
    }


async def test_entries_dated_ahead_make_no_streak(client: GraphQLClient) -> None:
    # given: nothing written today or yesterday, two entries dated in the days ahead
    account = await client.sign_up()
    today = datetime.now(UTC).date()
    for n in (1, 2):
        day = (today + timedelta(days=n)).isoformat()
        await create_entry(client, account.token, content="plan", entryDate=day)
    # then
    streaks = (await client.data(STREAKS, token=account.token))["writingStreaks"]
    assert (streaks["current"], streaks["longest"], streaks["daysWritten"]) == (0, 0, 0)


async def test_mood_by_tag_is_mine_only(client: GraphQLClient) -> None:
    mine, theirs = await client.sign_up(), await client.sign_up()
    tag = (await client.data(CREATE_TAG, {"input": {"name": "work"}}, token=mine.token))[
        "createJournalTag"
    ]
    for mood in (3, 6):
        await create_entry(client, mine.token, content="x", mood=mood, tagIds=[tag["id"]])
    await create_entry(client, theirs.token, content="x", mood=9)
    mine_data = await client.data(BY_TAG, token=mine.token)
    assert [e["node"] for e in mine_data["moodByTag"]["edges"]] == [
        {"tag": {"name": "work"}, "averageMood": 4.5, "count": 2}
    ]
    assert (await client.data(BY_TAG, token=theirs.token))["moodByTag"]["edges"] == []
    # their trend around today holds their one entry only, none of mine
    today = datetime.now(UTC).date()
    theirs_trend = await client.data(
        TREND,
        {
            "from": (today - timedelta(days=2)).isoformat(),
            "to": (today + timedelta(days=2)).isoformat(),
            "bucket": "MONTH",
        },
        token=theirs.token,
    )
    assert [
        (e["node"]["average"], e["node"]["count"]) for e in theirs_trend["moodTrend"]["edges"]
    ] == [(9.0, 1)]
