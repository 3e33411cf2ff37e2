"""Every insight one journal holds, from every detector, in a stable order."""

from __future__ import annotations

from datastore.insights import contrasts, runs
from datastore.insights.found import FoundInsight, Journal

DETECTORS = (
    contrasts.by_weekday,
    contrasts.by_time_of_day,
    contrasts.by_tag,
    contrasts.by_topic,
    runs.streaks,
    runs.gaps,
    runs.low_mood_runs,
    contrasts.preceding_words,
    contrasts.preceding_topics,
)


def find_insights(journal: Journal) -> list[FoundInsight]:
    """The same journal always gives the same insights (keys, data, evidence)."""
    found = [insight for detect in DETECTORS for insight in detect(journal)]
    return list({insight.key: insight for insight in found}.values())
