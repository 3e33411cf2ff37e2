"""Insights that compare some of my moods with the rest of them: by weekday, by time of
day, with a tag or topic, and on the days after a word or topic appears.

Each group is set against my own other entries (my baseline), never anyone else's, and is
told only with at least `min_sample` entries on each side and a medium effect.
"""

from __future__ import annotations

import statistics
import uuid
from collections import defaultdict
from collections.abc import Callable, Hashable
from datetime import date, timedelta

from datastore.insights import wording
from datastore.insights.found import (
    PRECEDING_TOPIC,
    PRECEDING_WORD,
    TAG_MOOD,
    TIME_OF_DAY_MOOD,
    TOPIC_MOOD,
    WEEKDAY_MOOD,
    FoundInsight,
    Journal,
    evidence,
)
from datastore.insights.statistics import Comparison, compare
from datastore.insights.words import words
from datastore.journal.repository.history import HistoryEntry
from datastore.kit import zones

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Hours [start, end) on the writer's wall clock.
PARTS_OF_DAY = (("morning", 5, 12), ("afternoon", 12, 17), ("evening", 17, 22))
NIGHT = "night"
# Words and topics told per direction (better, worse): the strongest only.
MAX_PRECEDING = 3

Make = Callable[[Hashable, Comparison, list[HistoryEntry]], FoundInsight]


def _contrasts(
    rated: list[HistoryEntry],
    groups: dict[Hashable, list[HistoryEntry]],
    min_sample: int,
    make: Make,
) -> list[FoundInsight]:
    found = []
    for label, members in groups.items():
        inside = {e.id for e in members}
        rest = [float(e.mood or 0) for e in rated if e.id not in inside]
        group = [float(e.mood or 0) for e in members]
        comparison = compare(group, rest, min_sample=min_sample)
        if comparison is not None and comparison.notable():
            found.append(make(label, comparison, members))
    return found


def _insight(
    insight_type: str,
    key: str,
    words_: tuple[str, str],
    c: Comparison,
    members: list[HistoryEntry],
    **data: object,
) -> FoundInsight:
    title, message = words_
    direction = "LOWER" if c.lower else "HIGHER"
    return FoundInsight(
        insight_type,
        f"{key}:{direction}",
        title,
        message,
        {**data, **c.as_data()},
        c.confidence,
        evidence(members),
    )


def by_weekday(journal: Journal) -> list[FoundInsight]:
    groups: dict[Hashable, list[HistoryEntry]] = defaultdict(list)
    for entry in journal.rated:
        groups[entry.entry_date.weekday()].append(entry)

    def make(label: Hashable, c: Comparison, members: list[HistoryEntry]) -> FoundInsight:
        name = WEEKDAYS[int(str(label))]
        key = f"weekday:{name.upper()}"
        return _insight(
            WEEKDAY_MOOD, key, wording.weekday(name, c), c, members, weekday=name.upper()
        )

    return _contrasts(journal.rated, dict(sorted(groups.items())), journal.min_sample, make)


def part_of_day(hour: int) -> str:
    return next((name for name, start, end in PARTS_OF_DAY if start <= hour < end), NIGHT)


def by_time_of_day(journal: Journal) -> list[FoundInsight]:
    groups: dict[Hashable, list[HistoryEntry]] = defaultdict(list)
    for entry in journal.rated:
        groups[part_of_day(zones.local_hour(entry.created_at, journal.zone))].append(entry)

    def make(label: Hashable, c: Comparison, members: list[HistoryEntry]) -> FoundInsight:
        part = str(label)
        return _insight(
            TIME_OF_DAY_MOOD,
            f"time:{part.upper()}",
            wording.time_of_day(part, c),
            c,
            members,
            partOfDay=part.upper(),
            timeZone=journal.zone,
        )

    return _contrasts(journal.rated, dict(sorted(groups.items())), journal.min_sample, make)


def _by_label(
    journal: Journal,
    insight_type: str,
    kind: str,
    ids: Callable[[HistoryEntry], tuple[uuid.UUID, ...]],
    subject: Callable[[str], str],
) -> list[FoundInsight]:
    """Entries with each tag (or topic) of `kind` against my entries without it."""
    groups: dict[Hashable, list[HistoryEntry]] = defaultdict(list)
    for entry in journal.rated:
        for label in ids(entry):
            if label in journal.names:
                groups[label].append(entry)

    def make(label: Hashable, c: Comparison, members: list[HistoryEntry]) -> FoundInsight:
        name = journal.names[label]  # type: ignore[index]
        told = wording.around(subject(name), c)
        labels = {f"{kind}Id": str(label), f"{kind}Name": name}
        return _insight(insight_type, f"{kind}:{label}", told, c, members, **labels)

    ordered = dict(sorted(groups.items(), key=lambda item: str(item[0])))
    return _contrasts(journal.rated, ordered, journal.min_sample, make)


def by_tag(journal: Journal) -> list[FoundInsight]:
    return _by_label(journal, TAG_MOOD, "tag", lambda e: e.tag_ids, "entries tagged “{}”".format)


def by_topic(journal: Journal) -> list[FoundInsight]:
    return _by_label(journal, TOPIC_MOOD, "topic", lambda e: e.topic_ids, "entries about {}".format)


def _next_day_moods(journal: Journal) -> list[tuple[list[HistoryEntry], float]]:
    """Each day I wrote whose next day has a mood: that day's entries and the next day's
    average mood."""
    by_day: dict[date, list[HistoryEntry]] = defaultdict(list)
    for entry in journal.entries:
        by_day[entry.entry_date].append(entry)
    pairs = []
    for day in sorted(by_day):
        moods = [e.mood for e in by_day.get(day + timedelta(days=1), []) if e.mood is not None]
        if moods:
            pairs.append((by_day[day], statistics.fmean(moods)))
    return pairs


def _preceding(
    journal: Journal,
    labels: Callable[[HistoryEntry], set[Hashable]],
    make: Callable[[Hashable, Comparison, list[HistoryEntry]], FoundInsight],
) -> list[FoundInsight]:
    pairs = _next_day_moods(journal)
    of_entry = {e.id: labels(e) for e in journal.entries}
    days_with: dict[Hashable, list[int]] = defaultdict(list)
    for index, (entries, _mood) in enumerate(pairs):
        for label in set().union(*(of_entry[e.id] for e in entries)):
            days_with[label].append(index)
    found: list[tuple[Comparison, FoundInsight]] = []
    for label in sorted(days_with, key=str):
        indexes = set(days_with[label])
        group = [pairs[i][1] for i in sorted(indexes)]
        rest = [mood for i, (_e, mood) in enumerate(pairs) if i not in indexes]
        c = compare(group, rest, min_sample=journal.min_sample)
        if c is not None and c.notable():
            members = [e for i in sorted(indexes) for e in pairs[i][0] if label in of_entry[e.id]]
            found.append((c, make(label, c, members)))
    strongest = sorted(found, key=lambda pair: (-abs(pair[0].effect_size), pair[1].key))
    lower = [f for c, f in strongest if c.lower][:MAX_PRECEDING]
    higher = [f for c, f in strongest if not c.lower][:MAX_PRECEDING]
    return lower + higher


def preceding_words(journal: Journal) -> list[FoundInsight]:
    def make(label: Hashable, c: Comparison, members: list[HistoryEntry]) -> FoundInsight:
        word = str(label)
        subject = f"you mention “{word}”"
        return _insight(
            PRECEDING_WORD, f"word:{word}", wording.preceding(subject, c), c, members, word=word
        )

    return _preceding(journal, lambda e: set(words(f"{e.title} {e.content}")), make)


def preceding_topics(journal: Journal) -> list[FoundInsight]:
    def make(label: Hashable, c: Comparison, members: list[HistoryEntry]) -> FoundInsight:
        name = journal.names[label]  # type: ignore[index]
        return _insight(
            PRECEDING_TOPIC,
            f"before-topic:{label}",
            wording.preceding(f"you write about {name}", c),
            c,
            members,
            topicId=str(label),
            topicName=name,
        )

    return _preceding(journal, lambda e: {t for t in e.topic_ids if t in journal.names}, make)
