"""My time zone: set on my profile, and "today" for entries and writing streaks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from datastore.kit import zones
from tests.support.client import GraphQLClient, error_codes
from tests.support.journal import create_entry

SET_ZONE = """
mutation($zone: String) { updateProfile(input: { timeZone: $zone }) { timeZone } }
"""
STREAKS = "query { writingStreaks { current currentStart daysWritten } }"


async def _set_zone(client: GraphQLClient, token: str, zone: str) -> dict[str, Any]:
    return await client.execute(SET_ZONE, {"zone": zone}, token=token)


async def test_my_time_zone_is_utc_until_i_set_an_iana_name(client: GraphQLClient) -> None:
    account = await client.sign_up()
    me = await client.data("query { me { timeZone } }", token=account.token)
    assert me == {"me": {"timeZone": "UTC"}}
    bad = await _set_zone(client, account.token, "Mars/Olympus_Mons")
    assert error_codes(bad) == ["BAD_USER_INPUT"]
    assert bad["errors"][0]["extensions"]["field"] == "timeZone"
    good = await _set_zone(client, account.token, "America/Los_Angeles")
    assert good["data"] == {"updateProfile": {"timeZone": "America/Los_Angeles"}}


async def test_an_entry_written_late_evening_in_my_zone_counts_for_that_day(
    client: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: 05:30 UTC, which is the evening before in Los Angeles
    account = await client.sign_up()
    await _set_zone(client, account.token, "America/Los_Angeles")
    utc_today = datetime.now(UTC).date()
    now = datetime.combine(utc_today, time(5, 30), tzinfo=UTC)
    local = now.astimezone(ZoneInfo("America/Los_Angeles"))
    assert local.hour >= 21 and local.date() == utc_today - timedelta(days=1)
    monkeypatch.setattr(zones, "utc_now", lambda: now)
    # when: I write without giving a day
    entry = await create_entry(client, account.token, content="Quiet evening.")
    streaks = (await client.data(STREAKS, token=account.token))["writingStreaks"]
    # then: it is my evening's entry, and my streak runs today
    assert entry["entryDate"] == local.date().isoformat()
    assert streaks == {"current": 1, "currentStart": local.date().isoformat(), "daysWritten": 1}


def _zone_on_another_day() -> tuple[str, date]:
    """A zone whose date differs from UTC's right now, and its date."""
    for name in ("Etc/GMT-14", "Etc/GMT+12"):
        local = datetime.now(ZoneInfo(name)).date()
        if local != datetime.now(UTC).date():
            return name, local
    raise AssertionError("some zone is always on another day")


async def test_writing_streaks_count_today_in_my_zone(client: GraphQLClient) -> None:
    # given: a zone on another date than UTC's
    account = await client.sign_up()
    zone, local_today = _zone_on_another_day()
    await _set_zone(client, account.token, zone)
    # when
    entry = await create_entry(client, account.token, content="Written now.")
    yesterday = (local_today - timedelta(days=1)).isoformat()
    await create_entry(client, account.token, content="Written before.", entryDate=yesterday)
    streaks = (await client.data(STREAKS, token=account.token))["writingStreaks"]
    # then
    assert entry["entryDate"] == local_today.isoformat()
    assert streaks == {"current": 2, "currentStart": yesterday, "daysWritten": 2}


async def test_an_entry_dated_tomorrow_in_my_zone_counts_only_from_tomorrow(
    client: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: my clock held still, in a zone whose date is not UTC's; today and tomorrow
    # (in my zone) have an entry each
    account = await client.sign_up()
    zone, _ = _zone_on_another_day()
    clock = [zones.utc_now()]
    monkeypatch.setattr(zones, "utc_now", lambda: clock[0])
    await _set_zone(client, account.token, zone)
    today = zones.local_today(zone)
    tomorrow = (today + timedelta(days=1)).isoformat()
    await create_entry(client, account.token, content="Today.", entryDate=today.isoformat())
    await create_entry(client, account.token, content="Plan.", entryDate=tomorrow)
    # then: my current streak is today alone
    streaks = (await client.data(STREAKS, token=account.token))["writingStreaks"]
    assert streaks == {"current": 1, "currentStart": today.isoformat(), "daysWritten": 1}
    # when: tomorrow comes, the planned entry counts
    clock[0] += timedelta(days=1)
    streaks = (await client.data(STREAKS, token=account.token))["writingStreaks"]
    assert streaks == {"current": 2, "currentStart": today.isoformat(), "daysWritten": 2}
    # and two days on with nothing written, the streak is over
    clock[0] += timedelta(days=2)
    streaks = (await client.data(STREAKS, token=account.token))["writingStreaks"]
    assert (streaks["current"], streaks["daysWritten"]) == (0, 2)
