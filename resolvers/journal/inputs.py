"""Inputs of journal mutations. In updates, omitted fields stay and null clears."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry
from strawberry import relay

from resolvers.journal.types import ReminderRepeat


@strawberry.input(description="A new journal entry.")
class CreateJournalEntryInput:
    content: str = strawberry.field(
        default="", description="The text; must not be blank (and must be empty when hidden)."
    )
    title: str | None = strawberry.field(default=None, description="At most 200 characters.")
    entry_date: date | None = strawberry.field(
        default=None, description="The day it is about; today in my time zone when omitted."
    )
    mood: int | None = strawberry.field(default=None, description="1 (worst) to 10 (best).")
    is_private: bool = strawberry.field(default=False, description="Keep it to myself.")
    published_at: datetime | None = strawberry.field(default=None, description="Publish time.")
    tag_ids: list[relay.GlobalID] | None = strawberry.field(
        default=None, description="My tags to put on it (at most 20)."
    )


@strawberry.input(description="Changes to a journal entry.")
class UpdateJournalEntryInput:
    content: str | None = strawberry.field(default=strawberry.UNSET, description="New text.")
    title: str | None = strawberry.field(default=strawberry.UNSET, description="New title.")
    entry_date: date | None = strawberry.field(default=strawberry.UNSET, description="New day.")
    mood: int | None = strawberry.field(default=strawberry.UNSET, description="1 to 10, or null.")
    is_private: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Keep it to myself."
    )
    published_at: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="Publish time, or null to unpublish."
    )
    tag_ids: list[relay.GlobalID] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the entry's tags."
    )


@strawberry.input(description="Which entries to list; all conditions must hold.")
class JournalEntryFilter:
    date_from: date | None = strawberry.field(default=None, description="Entry date >= this.")
    date_to: date | None = strawberry.field(default=None, description="Entry date <= this.")
    mood_min: int | None = strawberry.field(default=None, description="Mood >= this.")
    mood_max: int | None = strawberry.field(default=None, description="Mood <= this.")
    tag_id: relay.GlobalID | None = strawberry.field(default=None, description="Has this tag.")


@strawberry.input(description="A new tag.")
class CreateJournalTagInput:
    name: str = strawberry.field(description="1-50 characters, unique among mine.")
    color: str = strawberry.field(default="#808080", description="Hex colour, #RRGGBB.")


@strawberry.input(description="Changes to a tag.")
class UpdateJournalTagInput:
    name: str | None = strawberry.field(default=None, description="New name.")
    color: str | None = strawberry.field(default=None, description="New colour.")


@strawberry.input(description="A new reminder.")
class CreateReminderInput:
    title: str = strawberry.field(description="What to be reminded of.")
    remind_at: datetime = strawberry.field(description="When; must be in the future.")
    description: str | None = strawberry.field(default=None, description="More detail.")
    time_zone: str = strawberry.field(default="UTC", description="IANA zone for repeats.")
    priority: int = strawberry.field(default=3, description="1 (low) to 5 (urgent).")
    repeat: ReminderRepeat = strawberry.field(
        default=ReminderRepeat.NONE, description="How it repeats."
    )
    interval_days: int | None = strawberry.field(
        default=None, description="For INTERVAL: every this many days (1-3660)."
    )


@strawberry.input(description="Changes to a reminder.")
class UpdateReminderInput:
    title: str | None = strawberry.field(default=strawberry.UNSET, description="New title.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="New detail, or null."
    )
    remind_at: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="New time, in the future."
    )
    time_zone: str | None = strawberry.field(default=strawberry.UNSET, description="New zone.")
    priority: int | None = strawberry.field(default=strawberry.UNSET, description="1 to 5.")
    repeat: ReminderRepeat | None = strawberry.field(
        default=strawberry.UNSET, description="New repeat pattern."
    )
    interval_days: int | None = strawberry.field(
        default=strawberry.UNSET, description="For INTERVAL repeats."
    )


def given(input_object: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The fields the client set (UNSET ones omitted), enum values unwrapped."""
    values = {}
    for name in names:
        value = getattr(input_object, name)
        if value is strawberry.UNSET:
            continue
        values[name] = value.value if isinstance(value, ReminderRepeat) else value
    return values
