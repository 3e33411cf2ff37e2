"""The insights job: recomputes a user's stored insights a little after their journal
changes, and on the local day their streak or gap insights change with no new entry (a
current streak is over, a break becomes two weeks long, an entry dated ahead comes due),
and announces each new one.

Changes reach it as committed outbox events (an outbox sink enqueues the user, debounced:
a burst of writes is one recomputation); while the AI worker is still analysing my entries
the job looks again a little later, so topic insights see the topics it assigns.

A recomputation reads the whole journal, finds every insight, and saves them by key in
one transaction with the outbox events of the new ones, so the same journal always leaves
the same rows, never duplicates, and a live client hears of an insight only once it is
stored.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

import structlog

from datastore.accounts.repository.users import UserRepository
from datastore.insights.finder import find_insights
from datastore.insights.found import Journal
from datastore.insights.repository import (
    ClaimedRecompute,
    InsightJobRepository,
    InsightRefreshRepository,
    InsightRepository,
)
from datastore.insights.runs import next_change
from datastore.journal.repository.history import JournalHistoryRepository
from datastore.kit import zones
from datastore.kit.polling import drain_forever
from datastore.outbox.repository import OutboxRepository

if TYPE_CHECKING:
    from datastore.kit.clients import Clients
    from datastore.outbox.repository import PendingEvent

log = structlog.get_logger("personalpod.insights")

INSIGHT_CREATED = "insights.insight.created"
# Events after which my insights may read differently.
_CHANGES = ("journal.entry.", "journal.tag.")
BATCH = 8
# While my entries' AI analysis (topics) is still running, look again this much later (for
# at most MAX_POSTPONE_SECONDS after the change).
ANALYSIS_WAIT_SECONDS = 5.0


class InsightJob:
    def __init__(self, clients: Clients) -> None:
        self.db = clients.db
        self.settings = clients.settings.journal

    async def run(self) -> None:
        """Recompute queued users forever (a worker of `server/container.py`)."""
        await drain_forever(
            self.run_once,
            interval_seconds=lambda: self.settings.insights_poll_seconds,
            failure_event="insights_job_failed",
            log=log,
        )

    async def run_once(self) -> int:
        """Recompute one batch of due users; how many were claimed."""
        async with self.db() as session, session.begin():
            # Users whose day moved on to a change: queued a batch at a time, as they drain.
            await InsightRefreshRepository(session).queue_due(now=zones.utc_now(), limit=BATCH)
            claimed = await InsightJobRepository(session).claim(limit=BATCH)
        for job in claimed:
            await self._recompute_claimed(job)
        return len(claimed)

    async def _recompute_claimed(self, job: ClaimedRecompute) -> None:
        try:
            await self.recompute(job.user_id)
        except Exception:
            # Left leased: it comes back when the lease ends, up to its attempts.
            log.exception("insights_recompute_failed", user_id=str(job.user_id))
            return
        async with self.db() as session, session.begin():
            jobs = InsightJobRepository(session)
            wait = max(self.settings.insights_debounce_seconds, ANALYSIS_WAIT_SECONDS)
            # Topic insights need the topics the AI worker has not assigned yet.
            pending = await JournalHistoryRepository(session).analysis_pending(job.user_id)
            if not (pending and await jobs.postpone(job, seconds=wait)):
                await jobs.finish(job)

    async def recompute(self, user_id: uuid.UUID) -> list[uuid.UUID]:
        """Find and store my insights now; the ids of the new ones."""
        journal = await self._journal(user_id)
        if journal is None:
            return []
        found = await asyncio.to_thread(find_insights, journal)
        changes_on = next_change(journal)
        refresh_at = None if changes_on is None else zones.local_midnight(changes_on, journal.zone)
        async with self.db() as session, session.begin():
            insights = InsightRepository(session)
            await insights.lock_user(user_id)
            await InsightRefreshRepository(session).schedule(user_id, refresh_at)
            new = await insights.save(user_id, found)
            await insights.delete_stale(user_id, [f.key for f in found])
            outbox = OutboxRepository(session)
            for insight_id in new:
                await outbox.append(user_id, INSIGHT_CREATED, {"insightId": str(insight_id)})
        if new:
            log.info("insights_found", user_id=str(user_id), new=len(new), total=len(found))
        return new

    async def _journal(self, user_id: uuid.UUID) -> Journal | None:
        async with self.db() as session:
            user = await UserRepository(session).get_by_id(user_id)
            if user is None:
                return None
            history = JournalHistoryRepository(session)
            entries = await history.entries(user_id)
            names = await history.names(user_id)
        return Journal(
            entries=entries,
            names=names,
            zone=user.time_zone,
            today=zones.local_today(user.time_zone),
            min_sample=self.settings.insights_min_sample,
        )

    async def enqueue(self, user_ids: Sequence[uuid.UUID]) -> None:
        async with self.db() as session, session.begin():
            jobs = InsightJobRepository(session)
            for user_id in sorted(set(user_ids)):
                await jobs.enqueue(user_id, debounce=self.settings.insights_debounce_seconds)

    async def enqueue_from_events(self, events: Sequence[PendingEvent]) -> None:
        """An outbox sink: journal changes (and a new time zone) queue a recomputation."""
        users = [e.user_id for e in events if _changes_insights(e)]
        if not users:
            return
        try:
            await self.enqueue(users)
        except Exception:
            # Never hold up the relay for the other sinks; the next change queues it again.
            log.exception("insights_enqueue_failed")


def _changes_insights(event: PendingEvent) -> bool:
    if event.topic.startswith(_CHANGES):
        return True
    return event.topic == "profile.updated" and "time_zone" in event.payload.get("fields", [])
