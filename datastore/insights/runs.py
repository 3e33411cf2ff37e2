"""Insights about runs of days: writing streaks, the gaps between them (or the one going
on), and stretches of lower mood that are unusual for the person (measured against their
own history)."""

from __future__ import annotations

import itertools
import statistics
from collections import defaultdict
from datetime import date, timedelta

from datastore.insights import wording
from datastore.insights.found import (
    LOW_MOOD_RUN,
    WRITING_GAP,
    WRITING_STREAK,
    FoundInsight,
    Journal,
    evidence,
)
from datastore.insights.statistics import MIN_SPREAD, rarity
from datastore.journal.repository.history import HistoryEntry

MIN_CURRENT_STREAK = 3
MIN_LONGEST_STREAK = 7
MIN_GAP_DAYS = 14
# Lower-mood stretches need a history to be unusual against, and a real run.
MIN_MOOD_DAYS = 14
MIN_LOW_RUN = 3
MAX_RARITY = 0.05
MAX_LOW_RUNS = 3

Run = list[date]


def _runs(days: list[date]) -> list[Run]:
    """Consecutive calendar days of sorted `days`, oldest run first."""
    runs: list[Run] = []
    for day in days:
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _on(entries: list[HistoryEntry], days: Run | list[date]) -> list[HistoryEntry]:
    wanted = set(days)
    return [e for e in entries if e.entry_date in wanted]


def streaks(journal: Journal) -> list[FoundInsight]:
    days = sorted({e.entry_date for e in journal.entries if e.entry_date <= journal.today})
    runs = _runs(days)
    found = []
    current = runs[-1] if runs and (journal.today - runs[-1][-1]).days <= 1 else None
    if current is not None and len(current) >= MIN_CURRENT_STREAK:
        found.append(_streak(journal, current, current=True))
    longest = max(runs, key=lambda run: (len(run), run[-1]), default=None)
    if longest is not None and longest is not current and len(longest) >= MIN_LONGEST_STREAK:
        found.append(_streak(journal, longest, current=False))
    return found


def next_change(journal: Journal) -> date | None:
    """The next day on which the streak and gap insights read differently even if I write
    nothing: the day after tomorrow of a current streak's last day (it is over then), the
    day a break becomes MIN_GAP_DAYS long, or the day of the soonest entry dated ahead (it
    counts from then). None if none of these is to come."""
    days = sorted({e.entry_date for e in journal.entries})
    ahead = [day for day in days if day > journal.today]
    runs = _runs([day for day in days if day <= journal.today])
    due = [ahead[0]] if ahead else []
    if runs:
        last = runs[-1][-1]
        if (journal.today - last).days <= 1 and len(runs[-1]) >= MIN_CURRENT_STREAK:
            due.append(last + timedelta(days=2))
        if not _resting(journal.today, last):
            due.append(last + timedelta(days=MIN_GAP_DAYS + 1))
    return min(due, default=None)


def _streak(journal: Journal, run: Run, *, current: bool) -> FoundInsight:
    title, message = wording.streak(len(run), run[0], current=current)
    data = {
        "days": len(run),
        "start": run[0].isoformat(),
        "end": run[-1].isoformat(),
        "current": current,
    }
    key = f"streak:{run[0].isoformat()}"
    return FoundInsight(
        WRITING_STREAK, key, title, message, data, 1.0, evidence(_on(journal.entries, run))
    )


def gaps(journal: Journal) -> list[FoundInsight]:
    """The break of MIN_GAP_DAYS or more I am in, else the most recent one I came back
    from. A break still going on names its first day only: it reads the same every day
    (no daily recomputation, no count of days to feel behind on)."""
    days = sorted({e.entry_date for e in journal.entries if e.entry_date <= journal.today})
    if days and _resting(journal.today, days[-1]):
        return [_ongoing_gap(journal, days[-1])]
    for last, back in reversed(list(itertools.pairwise(days))):
        if (back - last).days - 1 >= MIN_GAP_DAYS:
            return [_gap_came_back(journal, last, back)]
    return []


def _ongoing_gap(journal: Journal, last: date) -> FoundInsight:
    title, message = wording.resting(last)
    data = {"days": None, "lastBefore": last.isoformat(), "firstAfter": None, "ongoing": True}
    cited = evidence(_on(journal.entries, [last]))
    key = f"gap:{last.isoformat()}:ongoing"
    return FoundInsight(WRITING_GAP, key, title, message, data, 1.0, cited)


def _gap_came_back(journal: Journal, last: date, back: date) -> FoundInsight:
    missed = (back - last).days - 1
    title, message = wording.gap(missed, last, back)
    data = {
        "days": missed,
        "lastBefore": last.isoformat(),
        "firstAfter": back.isoformat(),
        "ongoing": False,
    }
    cited = evidence(_on(journal.entries, [last, back]))
    key = f"gap:{last.isoformat()}:{back.isoformat()}"
    return FoundInsight(WRITING_GAP, key, title, message, data, 1.0, cited)


def _resting(today: date, last: date) -> bool:
    """No entry since `last` for MIN_GAP_DAYS full days before today."""
    return (today - last).days - 1 >= MIN_GAP_DAYS


def low_mood_runs(journal: Journal) -> list[FoundInsight]:
    """Runs of days lower than my usual by more than my usual spread, reported when that
    many in a row would be rare (under 5%) given how often such days come for me."""
    moods: dict[date, list[int]] = defaultdict(list)
    for entry in journal.rated:
        moods[entry.entry_date].append(entry.mood or 0)
    daily = {day: statistics.fmean(values) for day, values in moods.items()}
    if len(daily) < MIN_MOOD_DAYS:
        return []
    mean = statistics.fmean(daily.values())
    spread = max(statistics.stdev(daily.values()), MIN_SPREAD)
    low = sorted(day for day, mood in daily.items() if mood < mean - spread)
    rate = len(low) / len(daily)
    found = []
    for run in reversed(_runs(low)):
        chance = rarity(rate, len(run))
        if len(run) < MIN_LOW_RUN or chance > MAX_RARITY:
            continue
        title, message = wording.low_run(len(run), run[0], run[-1])
        data = {
            "days": len(run),
            "start": run[0].isoformat(),
            "end": run[-1].isoformat(),
            "runMean": round(statistics.fmean(daily[d] for d in run), 2),
            "baselineMean": round(mean, 2),
            "lowDayRate": round(rate, 3),
        }
        cited = evidence(_on(journal.rated, run))
        key = f"lowrun:{run[0].isoformat()}"
        found.append(
            FoundInsight(LOW_MOOD_RUN, key, title, message, data, round(1 - chance, 4), cited)
        )
        if len(found) == MAX_LOW_RUNS:
            break
    return found
