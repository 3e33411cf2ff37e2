"""Reminder use cases: create, change, complete, uncomplete, snooze, delete."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from datastore.journal import validation as check
from datastore.journal.changes import record_change
from datastore.journal.recurrence import next_occurrence
from datastore.journal.repository import ReminderFilter, ReminderRepository
from datastore.journal.repository.reminders import ReminderKey
from datastore.journal.tables import Reminder
from datastore.kit.errors import BadUserInput

if TYPE_CHECKING:
    from datastore.kit.clients import Clients

MAX_SNOOZE_MINUTES = 7 * 24 * 60


class ReminderService:
    def __init__(self, clients: Clients) -> None:
        self.db = clients.db
        self.settings = clients.settings.journal

    async def list_reminders(
        self, user_id: uuid.UUID, filters: ReminderFilter, *, limit: int, after: ReminderKey | None
    ) -> list[Reminder]:
        """My reminders that match `filters`, soonest first, after a keyset."""
        async with self.db() as session:
            return await ReminderRepository(session).page(
                user_id, filters, limit=limit, after=after
            )

    async def create(
        self, user_id: uuid.UUID, values: dict[str, Any], *, device: str | None = None
    ) -> Reminder:
        checked = _checked(values, creating=True)
        checked["fire_at"] = checked["remind_at"]
        async with self.db() as session, session.begin():
            reminder = await ReminderRepository(session).create(user_id, checked)
            await record_change(session, user_id, "reminder", "CREATED", reminder, device=device)
        return reminder

    async def update(
        self,
        user_id: uuid.UUID,
        reminder_id: uuid.UUID,
        values: dict[str, Any],
        *,
        expected_version: int | None,
        device: str | None = None,
    ) -> Reminder:
        checked = _checked(values, creating=False)
        async with self.db() as session, session.begin():
            reminders = ReminderRepository(session)
            current = await _locked(reminders, user_id, reminder_id, expected_version)
            if "repeat" in checked or "repeat_interval_days" in checked:
                repeat = checked.get("repeat", current.repeat)
                kept = current.repeat_interval_days if repeat == "INTERVAL" else None
                checked.update(check.repeat(repeat, checked.get("repeat_interval_days", kept)))
            if "remind_at" in checked and not current.is_completed:
                # A new time is a new occurrence: armed again, with a new dedupe key.
                checked["fire_at"] = checked["remind_at"]
                checked["fire_seq"] = current.fire_seq + 1
            reminder = await reminders.update(reminder_id, checked)
            await record_change(session, user_id, "reminder", "UPDATED", reminder, device=device)
        return reminder

    async def complete(
        self, user_id: uuid.UUID, reminder_id: uuid.UUID, *, device: str | None = None
    ) -> Reminder:
        return await self._change(
            user_id,
            reminder_id,
            lambda r: {"is_completed": True, "completed_at": datetime.now(UTC), "fire_at": None},
            device=device,
        )

    async def uncomplete(
        self, user_id: uuid.UUID, reminder_id: uuid.UUID, *, device: str | None = None
    ) -> Reminder:
        return await self._change(user_id, reminder_id, _rearmed, device=device)

    async def snooze(
        self,
        user_id: uuid.UUID,
        reminder_id: uuid.UUID,
        *,
        minutes: int,
        device: str | None = None,
    ) -> Reminder:
        if not 1 <= minutes <= MAX_SNOOZE_MINUTES:
            raise BadUserInput(f"1 to {MAX_SNOOZE_MINUTES} minutes.", field="minutes")

        def snoozed(reminder: Reminder) -> dict[str, Any]:
            if reminder.is_completed:
                raise BadUserInput("A completed reminder cannot be snoozed.", field="id")
            return {
                "fire_at": datetime.now(UTC) + timedelta(minutes=minutes),
                "fire_seq": reminder.fire_seq + 1,
            }

        return await self._change(user_id, reminder_id, snoozed, device=device)

    async def delete(
        self, user_id: uuid.UUID, reminder_id: uuid.UUID, *, device: str | None = None
    ) -> None:
        async with self.db() as session, session.begin():
            reminders = ReminderRepository(session)
            reminder = await _locked(reminders, user_id, reminder_id, None)
            await reminders.delete(reminder_id)
            await record_change(session, user_id, "reminder", "DELETED", reminder, device=device)

    async def _change(
        self, user_id: uuid.UUID, reminder_id: uuid.UUID, change: Any, *, device: str | None
    ) -> Reminder:
        async with self.db() as session, session.begin():
            reminders = ReminderRepository(session)
            current = await _locked(reminders, user_id, reminder_id, None)
            reminder = await reminders.update(reminder_id, change(current))
            await record_change(session, user_id, "reminder", "UPDATED", reminder, device=device)
        return reminder


def _rearmed(reminder: Reminder) -> dict[str, Any]:
    """Uncompleted: armed at its time if still ahead, else at its next repeat (if any)."""
    now = datetime.now(UTC)
    values: dict[str, Any] = {"is_completed": False, "completed_at": None}
    remind_at = reminder.remind_at
    if remind_at <= now:
        remind_at = (
            next_occurrence(
                remind_at,
                anchor=reminder.repeat_anchor,
                time_zone=reminder.time_zone,
                repeat=reminder.repeat,
                interval_days=reminder.repeat_interval_days,
                after=now,
            )
            or remind_at
        )
        values["remind_at"] = remind_at
    values["fire_at"] = remind_at if remind_at > now else None
    values["fire_seq"] = reminder.fire_seq + 1
    return values


async def _locked(
    reminders: ReminderRepository,
    user_id: uuid.UUID,
    reminder_id: uuid.UUID,
    expected_version: int | None,
) -> Reminder:
    reminder = await reminders.get_for_update(user_id, reminder_id)
    return check.current(reminder, expected_version, what="reminder")


def _checked(values: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    if creating or "title" in values:
        checked["title"] = check.title(values.get("title"), required=True)
    if "description" in values:
        checked["description"] = check.description(values["description"])
    if creating or "remind_at" in values:
        if values.get("remind_at") is None:
            raise BadUserInput("A reminder needs a time.", field="remindAt")
        checked["remind_at"] = check.future_time(values["remind_at"])
        # Monthly and yearly repeats count from the time the user chose, so the 31st
        # comes back on the 31st after a shorter month.
        checked["repeat_anchor"] = checked["remind_at"]
    if "time_zone" in values or creating:
        checked["time_zone"] = check.time_zone(values.get("time_zone") or "UTC")
    if "priority" in values or creating:
        checked["priority"] = check.priority(values.get("priority") or 3)
    if creating:
        checked.update(check.repeat(values.get("repeat") or "NONE", values.get("interval_days")))
    else:
        if "repeat" in values:
            checked["repeat"] = values["repeat"] or "NONE"
        if "interval_days" in values:
            checked["repeat_interval_days"] = values["interval_days"]
    return checked
