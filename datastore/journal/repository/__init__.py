"""Queries of the journal: entries, tags, reminders, AI results, topics, the AI job queue."""

from datastore.journal.repository.analysis import AnalysisRepository
from datastore.journal.repository.entries import EntryFilter, JournalEntryRepository
from datastore.journal.repository.jobs import AIJobRepository
from datastore.journal.repository.reminders import ReminderFilter, ReminderRepository
from datastore.journal.repository.tags import JournalTagRepository
from datastore.journal.repository.topics import TopicRepository

__all__ = [
    "AIJobRepository",
    "AnalysisRepository",
    "EntryFilter",
    "JournalEntryRepository",
    "JournalTagRepository",
    "ReminderFilter",
    "ReminderRepository",
    "TopicRepository",
]
