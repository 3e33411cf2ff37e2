"""Insights that change with the date alone: a writing streak is over, a break becomes two
weeks long, and an entry dated ahead comes due, on the next local day, with no new entry.
The clock is moved as the time zone tests move it (`zones.utc_now`), never by waiting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from datastore.kit import zones
from tests.support.client import GraphQLClient
from tests.support.insights import insights, settled
from tests.support.journal import create_entry
from tests.support.wait import eventually

pytestmark = pytest.mark.usefixtures("fast_insights")

ZONE = "Pacific/Kiritimati"  # UTC+14: its day is not UTC's for half of every day
SET_ZONE = "mutation($z: String) { updateProfile(input: { timeZone: $z }) { timeZone } }"
STREAKS = "query { writingStreaks { current } }"


def _of_type(found: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [i for i in found if i["type"] == kind]


async def test_a_streak_ends_and_a_gap_appears_as_days_pass_without_writing(
    client: GraphQLClient, server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: my clock, held still; the three days up to yesterday written, one entry
    # dated 17 days ahead
    clock = [datetime.now(UTC)]
    monkeypatch.setattr(zones, "utc_now", lambda: clock[0])
    account = await client.sign_up()
    await client.data(SET_ZONE, {"z": ZONE}, token=account.token)
    today = clock[0].astimezone(ZoneInfo(ZONE)).date()
    for back in (3, 2, 1):
        day = (today - timedelta(days=back)).isoformat()
        await create_entry(client, account.token, content="Wrote a little.", entryDate=day)
    ahead = today + timedelta(days=17)
    await create_entry(client, account.token, content="Planned.", entryDate=ahead.isoformat())
    await settled(server, account)
    found = await insights(client, account)
    (streak,) = _of_type(found, "WRITING_STREAK")
    assert streak["data"]["current"] and streak["data"]["days"] == 3
    assert _of_type(found, "WRITING_GAP") == []
    assert (await client.data(STREAKS, token=account.token))["writingStreaks"]["current"] == 3

    # when: a day passes in my zone and I write nothing
    clock[0] += timedelta(days=1)

    async def streak_over() -> bool:
        return not _of_type(await insights(client, account), "WRITING_STREAK")

    # then: the streak is over, in the insights as in writingStreaks
    await eventually(streak_over, timeout=60, interval=0.1)
    assert (await client.data(STREAKS, token=account.token))["writingStreaks"]["current"] == 0

    # when: the day of the entry dated ahead comes
    clock[0] += timedelta(days=16)

    async def gap() -> list[dict[str, Any]]:
        return _of_type(await insights(client, account), "WRITING_GAP")

    # then: it ends a gap of 17 days, which I now see
    (found_gap,) = await eventually(gap, timeout=60, interval=0.1)
    assert found_gap["data"] == {
        "days": 17,
        "lastBefore": (today - timedelta(days=1)).isoformat(),
        "firstAfter": ahead.isoformat(),
        "ongoing": False,
    }


async def test_a_break_of_two_weeks_shows_the_next_day_and_ends_when_i_write(
    client: GraphQLClient, server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: my clock held still; my one entry 14 days ago, so 13 days without one
    clock = [datetime.now(UTC)]
    monkeypatch.setattr(zones, "utc_now", lambda: clock[0])
    account = await client.sign_up()
    await client.data(SET_ZONE, {"z": ZONE}, token=account.token)
    today = clock[0].astimezone(ZoneInfo(ZONE)).date()
    last = (today - timedelta(days=14)).isoformat()
    entry = await create_entry(client, account.token, content="Before the move.", entryDate=last)
    await settled(server, account)
    assert _of_type(await insights(client, account), "WRITING_GAP") == []

    # when: the next day comes and I have not written
    clock[0] += timedelta(days=1)

    async def gap() -> list[dict[str, Any]]:
        return _of_type(await insights(client, account), "WRITING_GAP")

    # then: the break shows, gently, with my last entry as its evidence
    (resting,) = await eventually(gap, timeout=60, interval=0.1)
    assert resting["data"]["ongoing"] and resting["data"]["lastBefore"] == last
    assert [e["node"]["id"] for e in resting["evidence"]["edges"]] == [entry["id"]]
    assert "whenever you feel like writing" in resting["message"]

    # when: I write again, the break is one I came back from
    await create_entry(client, account.token, content="Settled in.")

    async def back() -> list[dict[str, Any]]:
        found = await gap()
        return found if found and not found[0]["data"]["ongoing"] else []

    (ended,) = await eventually(back, timeout=60, interval=0.1)
    assert ended["data"]["days"] == 14 and ended["id"] != resting["id"]
