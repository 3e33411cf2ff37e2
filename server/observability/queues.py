"""Gauges read from PostgreSQL at scrape time: the outbox backlog and the job queues.

They describe the database, not a process, so whichever process serves the scrape reads
them (one statement each, on indexed or small tables) and no worker has to be running.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import structlog
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from datastore.journal.repository.jobs import AIJobRepository
from datastore.journal.repository.reminders import ReminderRepository
from datastore.kit.clients import Clients
from datastore.outbox.repository import OutboxRepository

log = structlog.get_logger("personalpod.metrics")

READ_TIMEOUT_SECONDS = 2.0
REMINDER_KIND = "reminder"


async def queue_gauges(clients: Clients) -> list[GaugeMetricFamily]:
    """The gauges, or none when the database does not answer in time (the scrape goes on)."""
    try:
        async with asyncio.timeout(READ_TIMEOUT_SECONDS):
            return await _read(clients)
    except Exception as error:
        log.warning("metrics_queue_gauges_failed", error=str(error))
        return []


async def _read(clients: Clients) -> list[GaugeMetricFamily]:
    now = datetime.now(UTC)
    async with clients.read_db() as session:
        backlog = await OutboxRepository(session).backlog()
        depths = await AIJobRepository(session).depth_by_kind()
        depths[REMINDER_KIND] = await ReminderRepository(session).count_due(now=now)
    pending = GaugeMetricFamily(
        "personalpod_outbox_backlog_events", "Committed outbox events the relay has not moved."
    )
    pending.add_metric([], backlog.pending)
    oldest = GaugeMetricFamily(
        "personalpod_outbox_oldest_pending_seconds",
        "Age of the oldest outbox event still waiting for the relay (0 when none waits).",
    )
    age = (now - backlog.oldest).total_seconds() if backlog.oldest else 0.0
    oldest.add_metric([], max(age, 0.0))
    jobs = GaugeMetricFamily(
        "personalpod_job_queue_depth",
        "Background jobs waiting or running, by kind (AI jobs; due reminders).",
        labels=["kind"],
    )
    for kind, depth in sorted(depths.items()):
        jobs.add_metric([kind], depth)
    return [pending, oldest, jobs]


class Families(Collector):
    """Already collected families, and those of other collectors, as one scrape."""

    def __init__(self, *sources: Collector, extra: list[GaugeMetricFamily]) -> None:
        self.sources = sources
        self.extra = extra

    def collect(self) -> Iterator[Metric]:
        for source in self.sources:
            yield from source.collect()
        yield from self.extra
