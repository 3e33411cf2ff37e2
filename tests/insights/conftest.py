"""Fixtures of the insights tests: a quick insights job, and waiting for it to settle."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def fast_insights(journal: Any) -> Iterator[Any]:
    """Recompute insights as soon as a change is relayed, polling quickly."""
    saved = (journal.insights_debounce_seconds, journal.insights_poll_seconds)
    journal.insights_debounce_seconds = 0
    journal.insights_poll_seconds = 0.1
    yield journal
    journal.insights_debounce_seconds, journal.insights_poll_seconds = saved
