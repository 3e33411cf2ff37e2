"""Fires due reminders: a REMINDER notification, then the next occurrence of repeating ones.

Any number of schedulers may run (in the server and in `personalpod worker` processes).
Each claims due rows with FOR UPDATE SKIP LOCKED, so two never fire the same row at once,
and the notification's dedupe key (reminder id + `fire_seq`) makes a retry after a crash
between notifying and committing deliver nothing twice. A scheduler that was down finds
rows whose `fire_at` passed and fires them once, then schedules the next future occurrence.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import structlog
from strawberry import relay

from datastore.journal.changes import record_change
from datastore.journal.recurrence import next_occurrence
from datastore.journal.repository import ReminderRepository
from datastore.journal.tables import Reminder

if TYPE_CHECKING:
    from datastore.kit.clients import Clients
    from datastore.notifications.service import NotificationService

log = structlog.get_logger("personalpod.reminders")


@dataclass(frozen=True)
class Fired:
    reminder_id: str
    occurrence: int


class ReminderScheduler:
    def __init__(self, clients: Clients, notifications: NotificationService) -> None:
        self.clients = clients
        self.settings = clients.settings.journal
        self.notifications = notifications

    async def run(self) -> None:
        """Poll forever; the interval is read each time so it can be tuned live."""
        while True:
            try:
                while len(await self.run_once()) >= self.settings.reminder_batch:
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("reminder_scheduler_failed")
            await asyncio.sleep(self.settings.reminder_poll_seconds)

    async def run_once(self) -> list[Fired]:
        """Fire one batch of due reminders; what was fired."""
        now = datetime.now(UTC)
        fired: list[Fired] = []
        async with self.clients.db() as session, session.begin():
            reminders = ReminderRepository(session)
            for reminder in await reminders.claim_due(now=now, limit=self.settings.reminder_batch):
                await self._notify(reminder)
                changed = await reminders.update(reminder.id, _after_firing(reminder, now))
                # Firing bumps its version (and moves a repeat on): devices hear of it.
                await record_change(
                    session, reminder.user_id, "reminder", "UPDATED", changed, device=None
                )
                fired.append(Fired(str(reminder.id), reminder.fire_seq))
        return fired

    async def _notify(self, reminder: Reminder) -> None:
        await self.notifications.notify(
            reminder.user_id,
            "REMINDER",
            title=reminder.title,
            body=reminder.description,
            data={
                "reminderId": str(relay.GlobalID("Reminder", str(reminder.id))),
                "remindAt": reminder.remind_at.isoformat(),
                "priority": reminder.priority,
                "occurrence": reminder.fire_seq,
            },
            dedupe_key=f"reminder:{reminder.id}:{reminder.fire_seq}",
        )


def _after_firing(reminder: Reminder, now: datetime) -> dict[str, object]:
    following = next_occurrence(
        reminder.remind_at,
        anchor=reminder.repeat_anchor,
        time_zone=reminder.time_zone,
        repeat=reminder.repeat,
        interval_days=reminder.repeat_interval_days,
        after=now,
    )
    values: dict[str, object] = {
        "fire_seq": reminder.fire_seq + 1,
        "last_fired_at": now,
        "fire_at": following,
    }
    if following is not None:
        values["remind_at"] = following
    return values
