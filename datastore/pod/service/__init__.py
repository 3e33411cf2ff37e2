"""The pod's use cases, one long-lived `PodService` per process (services.domain("pod"))."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from datastore.kit.crypto.config import CryptoSettings
from datastore.kit.crypto.keyring import MasterKeyring
from datastore.pod.cache import PodCache
from datastore.pod.config import PodConfig
from datastore.pod.datakeys import DataKeys
from datastore.pod.repository.entries import EntryRepository
from datastore.pod.repository.preferences import PreferencesRepository
from datastore.pod.service.categories import CategoryService
from datastore.pod.service.changes import Actor
from datastore.pod.service.entries import EntryService
from datastore.pod.service.maintenance import PodMaintenance
from datastore.pod.service.reads import PodReads
from datastore.pod.service.tags import TagService

if TYPE_CHECKING:
    from server.services import Services


class PodService:
    def __init__(self, services: Services) -> None:
        config = PodConfig()
        self.db = services.db
        self.cache = PodCache(services.redis)
        self.keys = DataKeys(
            MasterKeyring(services.settings.master_key_bytes, CryptoSettings().old_keys)
        )
        self.entries = EntryService(self.db, self.keys, self.invalidate)
        self.categories = CategoryService(self.db, self.invalidate)
        self.tags = TagService(self.db, self.invalidate)
        self.reads = PodReads(self.db, self.cache, enabled=config.pod_cache_enabled)
        self.maintenance = PodMaintenance(
            self.db,
            self.invalidate,
            trash_days=config.pod_trash_days,
            interval_seconds=config.pod_maintenance_seconds,
        )

    async def invalidate(self, user_id: uuid.UUID | str) -> None:
        """Drop the user's caches; called after each commit and again by the relay."""
        await self.cache.invalidate(user_id)

    async def set_search_language(self, actor: Actor, language: str) -> str:
        async with self.db() as db, db.begin():
            row = await PreferencesRepository(db).set_search_language(actor.user_id, language)
            await EntryRepository(db).set_search_language(actor.user_id, language)
        await self.invalidate(actor.user_id)
        return row.search_language
