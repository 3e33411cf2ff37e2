"""Next occurrences of repeating reminders, on the reminder's own wall clock."""

from __future__ import annotations

from datetime import UTC, datetime

from datastore.journal.recurrence import next_occurrence


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_monthly_on_the_31st_clamps_in_short_months_and_comes_back() -> None:
    # given: a reminder chosen for 31 January, 09:00 UTC, now at its 28 February occurrence
    anchor = at("2027-01-31T09:00")
    # when
    february = next_occurrence(
        anchor, anchor=anchor, time_zone="UTC", repeat="MONTHLY", interval_days=None, after=anchor
    )
    march = next_occurrence(
        february,
        anchor=anchor,
        time_zone="UTC",
        repeat="MONTHLY",
        interval_days=None,
        after=february,
    )
    april = next_occurrence(
        march, anchor=anchor, time_zone="UTC", repeat="MONTHLY", interval_days=None, after=march
    )
    # then
    assert (february, march, april) == (
        at("2027-02-28T09:00"),
        at("2027-03-31T09:00"),
        at("2027-04-30T09:00"),
    )


def test_yearly_on_29_february_falls_on_the_28th_then_returns_in_a_leap_year() -> None:
    anchor = at("2028-02-29T08:00")
    dates = []
    current = anchor
    for _ in range(4):
        current = next_occurrence(
            current,
            anchor=anchor,
            time_zone="UTC",
            repeat="YEARLY",
            interval_days=None,
            after=current,
        )
        dates.append(current.date().isoformat())
    assert dates == ["2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29"]


def test_daily_keeps_the_local_hour_across_a_dst_change() -> None:
    # 08:00 in Paris is 07:00 UTC in winter and 06:00 UTC in summer
    before = at("2027-03-27T07:00")
    following = next_occurrence(
        before, time_zone="Europe/Paris", repeat="DAILY", interval_days=None, after=before
    )
    assert following == at("2027-03-28T06:00")


def test_missed_occurrences_are_skipped_to_the_first_after_now() -> None:
    start = at("2027-01-01T10:00")
    following = next_occurrence(
        start, time_zone="UTC", repeat="INTERVAL", interval_days=3, after=at("2027-01-08T12:00")
    )
    assert following == at("2027-01-10T10:00")
