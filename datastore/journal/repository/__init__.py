"""Queries of the journal: entries, tags, reminders."""

from datastore.journal.repository.entries import EntryFilter, JournalEntryRepository
from datastore.journal.repository.reminders import ReminderFilter, ReminderRepository
from datastore.journal.repository.tags import JournalTagRepository

__all__ = [
    "EntryFilter",
    "JournalEntryRepository",
    "JournalTagRepository",
    "ReminderFilter",
    "ReminderRepository",
]
