"""The detectors on journals built in memory: patterns the API cannot date by hand (the
time an entry was written), runs of lower days against a person's own history, and the
words that come before better or worse days. Pure functions: no services needed."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from datastore.insights.finder import find_insights
from datastore.insights.found import Journal
from datastore.insights.runs import next_change
from datastore.journal.repository.history import HistoryEntry

START = date(2025, 3, 3)


def _entry(day: date, mood: int | None, text: str = "note", hour: int = 12) -> HistoryEntry:
    written = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    return HistoryEntry(uuid.uuid4(), day, written, mood, "", text, (), ())


def _journal(entries: list[HistoryEntry], *, zone: str = "UTC") -> Journal:
    return Journal(entries, {}, zone, date(2025, 12, 1), 4)


def _types(journal: Journal) -> dict[str, list]:
    found: dict[str, list] = {}
    for insight in find_insights(journal):
        found.setdefault(insight.insight_type, []).append(insight)
    return found


def test_evening_entries_on_my_clock_are_compared_with_the_rest() -> None:
    # given: written at 01:00 UTC (evening in New York) low, at 15:00 UTC (morning) bright
    entries = [_entry(START + timedelta(days=2 * n), 3 + n % 2, hour=1) for n in range(5)]
    entries += [_entry(START + timedelta(days=2 * n + 1), 8 + n % 2, hour=15) for n in range(5)]
    # when
    found = _types(_journal(entries, zone="America/New_York"))["TIME_OF_DAY_MOOD"]
    # then
    evening = next(i for i in found if i.data["partOfDay"] == "EVENING")
    assert evening.data["direction"] == "LOWER" and evening.data["timeZone"] == "America/New_York"
    assert set(evening.evidence) == {e.id for e in entries[:5]}


def test_an_unusual_run_of_lower_days_is_found_against_my_own_history() -> None:
    # given: a month of sevens and eights, then four days in a row of threes
    entries = [_entry(START + timedelta(days=n), 7 + n % 2) for n in range(30)]
    low = [_entry(START + timedelta(days=30 + n), 3) for n in range(4)]
    # when
    found = _types(_journal(entries + low))
    # then
    (run,) = found["LOW_MOOD_RUN"]
    assert run.data["days"] == 4 and run.data["start"] == "2025-04-02"
    assert set(run.evidence) == {e.id for e in low}
    assert run.confidence >= 0.95
    assert "lower than usual for you" in run.message


def test_a_short_dip_is_not_an_unusual_run() -> None:
    entries = [_entry(START + timedelta(days=n), 7 + n % 2) for n in range(30)]
    entries += [_entry(START + timedelta(days=30 + n), 3) for n in range(2)]
    assert "LOW_MOOD_RUN" not in _types(_journal(entries))


def test_a_word_that_comes_before_worse_days() -> None:
    # given: "deadline" on five days, each followed by a low day; other days bright
    entries = []
    for n in range(10):
        day = START + timedelta(days=3 * n)
        text = "deadline looming at the office" if n % 2 == 0 else "walked the dog"
        entries.append(_entry(day, 7, text))
        entries.append(_entry(day + timedelta(days=1), 3 if n % 2 == 0 else 8, "ordinary"))
    # when
    found = _types(_journal(entries))["PRECEDING_WORD"]
    # then
    worse = {i.data["word"]: i for i in found if i.data["direction"] == "LOWER"}
    assert "deadline" in worse
    assert len(worse["deadline"].evidence) == 5
    assert worse["deadline"].title == "The day after you mention “deadline” is often harder"


def test_streaks_and_the_gap_i_came_back_from() -> None:
    # given: eight days, a three-week break, then the last three days up to today
    today = date(2025, 12, 1)
    entries = [_entry(date(2025, 10, 1) + timedelta(days=n), None) for n in range(8)]
    entries += [_entry(today - timedelta(days=n), None) for n in range(3)]
    journal = Journal(entries, {}, "UTC", today, 4)
    # when
    found = _types(journal)
    # then
    streaks = {i.data["current"]: i for i in found["WRITING_STREAK"]}
    assert streaks[True].data["days"] == 3 and streaks[False].data["days"] == 8
    (gap,) = found["WRITING_GAP"]
    assert gap.data == {
        "days": 51,
        "lastBefore": "2025-10-08",
        "firstAfter": "2025-11-29",
        "ongoing": False,
    }


def test_a_break_i_am_in_reads_the_same_every_day_until_i_write() -> None:
    # given: an earlier break I came back from, then nothing for 20 days
    last = date(2025, 11, 11)
    entries = [_entry(date(2025, 9, 1), None), _entry(date(2025, 10, 1), None)]
    entries.append(_entry(last, None))
    # when: on two days of the break
    found = [_types(Journal(entries, {}, "UTC", last + timedelta(days=n), 4)) for n in (20, 30)]
    # then: one gap, the one going on, citing my last entry, alike on both days
    (gap,) = found[0]["WRITING_GAP"]
    assert gap.data == {
        "days": None,
        "lastBefore": "2025-11-11",
        "firstAfter": None,
        "ongoing": True,
    }
    assert gap.evidence == (entries[-1].id,) and gap.title.startswith("Your journal has been")
    assert found[1]["WRITING_GAP"] == [gap]
    # not yet after 14 days without an entry (the break before shows), and it says when
    early = Journal(entries, {}, "UTC", last + timedelta(days=14), 4)
    (before,) = _types(early)["WRITING_GAP"]
    assert before.data["ongoing"] is False and before.data["firstAfter"] == "2025-11-11"
    assert next_change(early) == last + timedelta(days=15)


def test_the_same_journal_gives_the_same_insights() -> None:
    entries = [_entry(START + timedelta(days=n), 2 + (n % 7 == 0) * 6) for n in range(60)]
    assert find_insights(_journal(entries)) == find_insights(_journal(entries))


def test_the_day_my_insights_change_without_a_new_entry() -> None:
    today = date(2025, 12, 1)
    streak = [_entry(today - timedelta(days=n), None) for n in (1, 2, 3)]
    ahead = [_entry(today + timedelta(days=9), None)]
    # a current streak is over the day after tomorrow of its last day
    assert next_change(Journal(streak, {}, "UTC", today, 4)) == today + timedelta(days=1)
    # an entry dated ahead counts from its day, if that comes first
    assert next_change(Journal(ahead, {}, "UTC", today, 4)) == today + timedelta(days=9)
    assert next_change(Journal(streak + ahead, {}, "UTC", today, 4)) == today + timedelta(days=1)
    # a run too short to be an insight, or one already over: next, a break of 14 days
    short = [_entry(today - timedelta(days=n), None) for n in (0, 1)]
    assert next_change(Journal(short, {}, "UTC", today, 4)) == today + timedelta(days=15)
    over = [_entry(today - timedelta(days=n), None) for n in (2, 3, 4)]
    assert next_change(Journal(over, {}, "UTC", today, 4)) == today + timedelta(days=13)
    # a break already long enough, nothing ahead: nothing changes by date alone
    resting = [_entry(today - timedelta(days=30), None)]
    assert next_change(Journal(resting, {}, "UTC", today, 4)) is None
