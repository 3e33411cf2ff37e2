"""Every section of an export, in archive order. A new domain adds one `Section` here; the
README, the manifest and the progress follow by themselves."""

from __future__ import annotations

from datastore.exports.sections import accounts, chat, journal, notifications, pod, vault
from datastore.exports.sections.base import ExportedEntry, Field, FileSink, Scope, Section

SECTIONS: tuple[Section, ...] = (
    accounts.PROFILE,
    accounts.SESSIONS,
    pod.CATEGORIES,
    pod.TAGS,
    pod.ENTRIES,
    pod.ATTACHMENTS,
    pod.SHARES,
    pod.SHARE_LINKS,
    pod.ACTIVITY,
    journal.TAGS,
    journal.ENTRIES,
    journal.REMINDERS,
    journal.ANALYSES,
    journal.TOPICS,
    vault.SECRET_TAGS,
    vault.HIDDEN_ENTRIES,
    chat.CONVERSATIONS,
    chat.MESSAGES,
    notifications.NOTIFICATIONS,
)

__all__ = ["SECTIONS", "ExportedEntry", "Field", "FileSink", "Scope", "Section"]
