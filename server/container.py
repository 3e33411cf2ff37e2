"""The one place that wires the process: every service, the workers and the outbox sinks.

Read top to bottom, it answers "who builds X with what": each domain service gets its
dependencies as typed constructor arguments, never by name.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Collection, Coroutine
from dataclasses import dataclass, field
from typing import Any

from datastore.accounts.repository.sessions import SessionRepository
from datastore.accounts.repository.users import UserRows
from datastore.accounts.service import AccountService
from datastore.accounts.service.authenticator import Authenticator
from datastore.accounts.service.passwords import PasswordHasher
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
from datastore.kit.ai.embedder import configured_embedder, shared_embedder
from datastore.kit.ai.emotions import FEATURES, EmotionScorer
from datastore.kit.clients import Clients
from datastore.kit.crypto.opaque import OpaqueServer
from datastore.kit.mail import build_mailer
from datastore.kit.settings import Settings
from datastore.lifecycle.service import AccountPurger
from datastore.media.service import MediaProcessor
from datastore.notifications.service import NotificationService
from datastore.outbox.relay import OutboxRelay, Sink, redis_sink
from datastore.people.service import PeopleService
from datastore.pod.service import PodService
from datastore.pod.service.shares import ShareService
from datastore.search.service import SearchService
from datastore.security_audit.service import SecurityAuditLog, audit_keys
from datastore.services import Services
from datastore.sync.service import SyncService
from datastore.vault.service import SecretTagService, VaultService
from datastore.vault.service.audit import VaultAudit

Worker = Callable[[], Coroutine[Any, Any, None]]


def build_services(clients: Clients) -> Services:
    settings = clients.settings
    sessions = SessionRepository(clients.dynamo)
    authenticator = Authenticator(clients.redis, sessions)
    security_audit = SecurityAuditLog(audit_keys(settings), clients.db, clients.read_db)
    vault_audit = VaultAudit(security_audit)
    accounts = AccountService(
        settings=settings,
        db=clients.db,
        sessions=sessions,
        authenticator=authenticator,
        limiter=clients.limiter,
        hasher=PasswordHasher(settings.password_hash_profile),
        security_audit=security_audit,
        mailer=build_mailer(settings),
    )
    authenticator.touch_user = accounts.touch_user
    notifications = NotificationService(clients.dynamo, clients.broker)
    people = PeopleService(clients, accounts, notifications)
    # A model that must match its manifest is checked now: a wrong file refuses to start.
    embedder = configured_embedder(settings)
    emotions = EmotionScorer(features=shared_embedder() if embedder.name != FEATURES else None)
    insights_cache = InsightsCache(
        clients.redis, ttl_seconds=settings.journal.insights_cache_seconds
    )
    search = SearchService(clients, embedder)
    pod = PodService(clients, security_audit)
    # Chat media is staged into the blob store as the pod stages attachments.
    chat = ChatService(clients, people, notifications, pod.attachments)
    return Services(
        clients=clients,
        sessions=sessions,
        user_rows=UserRows(clients.raw_reads),
        authenticator=authenticator,
        accounts=accounts,
        notifications=notifications,
        people=people,
        chat=chat,
        pod=pod,
        shares=ShareService(clients, notifications, pod.share_audit),
        embedder=embedder,
        insights_cache=insights_cache,
        journal=JournalService(clients, insights_cache),
        reminders=ReminderService(clients),
        reminder_scheduler=ReminderScheduler(clients, notifications),
        journal_ai=AIWorker(clients, embedder, emotions, insights_cache),
        search=search,
        insights=InsightsService(clients, insights_cache),
        insights_job=InsightJob(clients),
        assistant=AssistantService(clients, search, embedder),
        sync=SyncService(clients.dynamo),
        security_audit=security_audit,
        media=MediaProcessor(clients, [pod.attachment_media, chat.media]),
        secret_tags=SecretTagService(
            clients, OpaqueServer.from_setting(settings.vault.server_setup), vault_audit
        ),
        vault=VaultService(clients, vault_audit),
        lifecycle=AccountPurger(clients, accounts),
        exports=ExportService(clients, notifications, pod.keys, pod.attachments, security_audit),
    )


def workers(services: Services) -> dict[str, Worker]:
    """The long-running loops, by task name: in-process by default, or `personalpod worker`."""
    return {
        "outbox-relay": outbox_relay(services).run,
        # Completes message fan-outs that a request left pending (it died after the write).
        "chat-worker": services.chat.fanout.run,
        "people-worker": services.people.sweep_dead_sockets,
        "pod-worker": services.pod.maintenance.run,
        "pod-blob-worker": services.pod.blob_collector.run,
        "journal-worker": services.reminder_scheduler.run,
        "journal-ai-worker": services.journal_ai.run,
        # Stored psychology insights, recomputed a little after a journal changes.
        "insights-worker": services.insights_job.run,
        # Thumbnails and stripped images of uploaded files.
        "media-worker": services.media.run,
        # Purges accounts whose deletion grace period ended.
        "lifecycle-worker": services.lifecycle.run,
        # Builds requested archives and deletes expired ones.
        "export-worker": services.exports.run,
    }


# The model's work: its own process by default, so the relay's and the other jobs' Python
# does not hold the GIL the model's many small operations wait for.
AI_WORKERS = frozenset({"journal-ai-worker"})


def outbox_sinks(services: Services) -> list[Sink]:
    """Where committed outbox events go, in order. Redis pub/sub is last: a client woken by
    a live event then finds the sync log written and the caches invalidated."""
    return [
        services.journal_ai.enqueue_pod_embeddings,
        services.insights_job.enqueue_from_events,
        services.people.record_from_events,
        services.chat.end_blocked_from_events,
        services.shares.revoke_blocked_from_events,
        services.chat.media.publish_processed,
        services.pod.invalidate_from_events,
        services.sync.append,
        redis_sink(services.clients.broker.publish),
    ]


def outbox_relay(services: Services) -> OutboxRelay:
    clients = services.clients
    return OutboxRelay(clients.engine, clients.db, outbox_sinks(services))


@dataclass
class Container:
    """One process's services and the background tasks it runs."""

    services: Services
    background: list[asyncio.Task[None]] = field(default_factory=list)

    @classmethod
    def build(cls, settings: Settings, *, count_statements: bool = False) -> Container:
        return cls(build_services(Clients.build(settings, count_statements=count_statements)))

    @property
    def clients(self) -> Clients:
        return self.services.clients

    async def start(self, *, run_workers: bool, only: Collection[str] | None = None) -> None:
        """Connect; with `run_workers`, start the background loops (those named in `only`)."""
        await self.clients.start()
        if run_workers:
            for name, run in workers(self.services).items():
                if only is None or name in only:
                    self.background.append(asyncio.create_task(run(), name=name))

    async def stop(self) -> None:
        for task in self.background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.clients.stop()

    def outbox_relay(self) -> OutboxRelay:
        return outbox_relay(self.services)

    async def readiness(self) -> dict[str, str]:
        return await self.clients.readiness()
