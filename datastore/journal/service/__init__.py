"""Journal use cases: entries and tags, reminders, the reminder scheduler, the AI worker.

Each is its own class with its own dependencies; `server/container.py` builds them.
"""

from datastore.journal.service.ai_worker import AIWorker
from datastore.journal.service.entries import JournalService
from datastore.journal.service.reminders import ReminderService
from datastore.journal.service.scheduler import ReminderScheduler

__all__ = ["AIWorker", "JournalService", "ReminderScheduler", "ReminderService"]
