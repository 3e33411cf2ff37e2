"""The pod's use cases, one long-lived `PodService` per process (`services.pod`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from datastore.kit.crypto.keyring import MasterKeyring
from datastore.pod.cache import PodCache
from datastore.pod.repository.entries import EntryRepository
from datastore.pod.repository.preferences import PreferencesRepository
from datastore.pod.service.access import EntryAccess
from datastore.pod.service.attachment_media import AttachmentMedia
from datastore.pod.service.attachments import AttachmentService
from datastore.pod.service.blob_collector import BlobCollector
from datastore.pod.service.categories import CategoryService
from datastore.pod.service.changes import Actor
from datastore.pod.service.datakeys import DataKeys
from datastore.pod.service.entries import EntryService
from datastore.pod.service.file_access import FileAccess
from datastore.pod.service.links import ShareLinkService
from datastore.pod.service.maintenance import PodMaintenance
from datastore.pod.service.reads import PodReads
from datastore.pod.service.share_audit import ShareAudit
from datastore.pod.service.tags import TagService
from datastore.pod.service.uploads import UploadService

if TYPE_CHECKING:
    from datastore.kit.clients import Clients
    from datastore.outbox.repository import PendingEvent
    from datastore.security_audit.service import SecurityAuditLog


class PodService:
    def __init__(self, clients: Clients, security_audit: SecurityAuditLog) -> None:
        config = clients.settings.pod
        self.db = clients.db
        self.cache = PodCache(clients.redis)
        self.keys = DataKeys(
            MasterKeyring(clients.settings.master_key_bytes, clients.settings.old_master_keys)
        )
        self.entries = EntryService(self.db, self.keys, self.invalidate)
        self.categories = CategoryService(self.db, self.invalidate)
        self.tags = TagService(self.db, self.invalidate)
        self.reads = PodReads(
            self.db,
            clients.read_db,
            clients.raw_reads,
            self.cache,
            enabled=config.cache_enabled,
        )
        # Sharing: who may reach an entry (every shared read and write asks), links, and
        # the security audit events of sharing secrets (shares with people record them too).
        self.access = EntryAccess(clients.read_db, self.db)
        self.share_audit = ShareAudit(security_audit)
        self.links = ShareLinkService(clients, self.keys, self.share_audit)
        self.maintenance = PodMaintenance(
            self.db,
            self.invalidate,
            trash_days=config.trash_days,
            interval_seconds=config.maintenance_seconds,
        )
        # Files: attachments and two-step uploads into the blob store, who may read them,
        # and the worker that deletes the blobs of rows that went.
        self.attachments = AttachmentService(
            self.db, clients.blobs, clients.settings, self.entries, self.invalidate
        )
        self.uploads = UploadService(self.db, clients.settings, self.attachments, self.invalidate)
        self.files = FileAccess(clients.read_db, clients.settings)
        # Attachments as a source of the media job (thumbnails), and their thumbnail URLs.
        self.attachment_media = AttachmentMedia(clients.settings)
        self.blob_collector = BlobCollector(
            self.db, clients.blobs, interval_seconds=config.maintenance_seconds
        )

    async def invalidate(self, user_id: uuid.UUID | str) -> None:
        """Drop the user's caches; called after each commit and again by the relay."""
        await self.cache.invalidate(user_id)

    async def invalidate_from_events(self, events: Sequence[PendingEvent]) -> None:
        """An outbox sink. The write path invalidated already; this covers writes by workers
        and a crash between a commit and its invalidation."""
        for user_id in {e.user_id for e in events if e.topic.startswith("pod.")}:
            await self.invalidate(user_id)

    async def set_search_language(self, actor: Actor, language: str) -> str:
        async with self.db() as db, db.begin():
            row = await PreferencesRepository(db).set_search_language(actor.user_id, language)
            await EntryRepository(db).set_search_language(actor.user_id, language)
        await self.invalidate(actor.user_id)
        return row.search_language
