"""Every domain's long-lived service, one typed field each; `server/container.py` builds it.

Resolvers reach a use case as `info.context.services.<domain>`, so go-to-definition leads
from a mutation to its service, and from there to the repository.
"""

from __future__ import annotations

from dataclasses import dataclass

from datastore.accounts.repository.sessions import SessionRepository
from datastore.accounts.repository.users import UserRows
from datastore.accounts.service import AccountService
from datastore.accounts.service.authenticator import Authenticator
from datastore.assistant.service import AssistantService
from datastore.chat.service import ChatService
from datastore.exports.service import ExportService
from datastore.insights.cache import InsightsCache
from datastore.insights.job import InsightJob
from datastore.insights.service import InsightsService
from datastore.journal.service import (
    AIWorker,
    JournalService,
    ReminderScheduler,
    ReminderService,
)
from datastore.kit.ai.embedder import Embedder
from datastore.kit.clients import Clients
from datastore.lifecycle.service import AccountPurger
from datastore.media.service import MediaProcessor
from datastore.notifications.service import NotificationService
from datastore.people.service import PeopleService
from datastore.pod.service import PodService
from datastore.pod.service.shares import ShareService
from datastore.search.service import SearchService
from datastore.security_audit.service import SecurityAuditLog
from datastore.sync.service import SyncService
from datastore.vault.service import SecretTagService, VaultService


@dataclass(frozen=True)
class Services:
    clients: Clients
    sessions: SessionRepository
    # Users' rows, read together for concurrent requests (their loaders share statements).
    user_rows: UserRows
    authenticator: Authenticator
    accounts: AccountService
    notifications: NotificationService
    people: PeopleService
    chat: ChatService
    pod: PodService
    shares: ShareService
    embedder: Embedder
    insights_cache: InsightsCache
    journal: JournalService
    reminders: ReminderService
    reminder_scheduler: ReminderScheduler
    journal_ai: AIWorker
    search: SearchService
    insights: InsightsService
    # Recomputes stored psychology insights after journal changes.
    insights_job: InsightJob
    assistant: AssistantService
    sync: SyncService
    security_audit: SecurityAuditLog
    # Thumbnails and stripped images of uploaded files (pod attachments, chat media).
    media: MediaProcessor
    secret_tags: SecretTagService
    vault: VaultService
    lifecycle: AccountPurger
    # Archives of a user's data (requestExport, the export worker) and their import.
    exports: ExportService
