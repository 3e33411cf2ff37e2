"""Per-request batch loaders of the pod: one `ANY` query per batch, results in key order.

Loaders return rows whatever their owner: the GraphQL types check ownership in one place
(`resolve_nodes` and the fields that follow references).
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from datastore.kit.loaders import (
    ByKeyLoader,
    GroupedLoader,
    Groups,
    Ids,
    KeyOrderLoader,
    RowByIdLoader,
    Sessions,
)
from datastore.kit.raw_reads import RawReads
from datastore.pod.repository.attachments import AttachmentRepository, StorageRepository
from datastore.pod.repository.categories import CategoryRepository
from datastore.pod.repository.entries import EntryRepository, tags_by_entry_ids
from datastore.pod.repository.preferences import PreferencesRepository
from datastore.pod.repository.tags import TagRepository
from datastore.pod.rows import TagRecord
from datastore.pod.service.secrets import SecretLoader
from datastore.pod.tables import Attachment, Category, Entry, PodPreferences, Tag


class EntryByIdLoader(RowByIdLoader[Entry], repository=EntryRepository):
    """Unexpired entries (trash included)."""


class CategoryByIdLoader(RowByIdLoader[Category], repository=CategoryRepository): ...


class TagByIdLoader(RowByIdLoader[Tag], repository=TagRepository): ...


class PreferencesByUserIdLoader(ByKeyLoader[Sessions, uuid.UUID, PodPreferences]):
    async def fetch(self, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, PodPreferences]:
        async with self.source() as session:
            rows = await PreferencesRepository(session).list_by_user_ids(user_ids)
        return {row.user_id: row for row in rows}


class TagsByEntryIdLoader(KeyOrderLoader[RawReads, uuid.UUID, list[TagRecord]]):
    """Each entry's tags, by slug (plain records from the raw reads: the entries page
    reads them)."""

    async def fetch(self, ids: Ids) -> Groups[TagRecord]:
        return await tags_by_entry_ids(self.source, ids)

    def missing(self, key: uuid.UUID) -> list[TagRecord]:
        return []


class AttachmentByIdLoader(RowByIdLoader[Attachment], repository=AttachmentRepository): ...


class AttachmentsByEntryIdLoader(GroupedLoader[Attachment]):
    """Each entry's attachments, oldest first."""

    async def select(self, session: AsyncSession, ids: Ids) -> Groups[Attachment]:
        return await AttachmentRepository(session).by_entry_ids(ids)


class StorageUsedByUserIdLoader(ByKeyLoader[Sessions, uuid.UUID, int]):
    """Bytes each user keeps in the blob store (attachments and pending uploads)."""

    async def fetch(self, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
        async with self.source() as session:
            used = await StorageRepository(session).used_bytes_by_user(user_ids)
        return {user_id: used.get(user_id, 0) for user_id in user_ids}


class PodLoaders:
    def __init__(self, read_db: Sessions, reads: RawReads, secret: SecretLoader) -> None:
        self.entry_by_id = EntryByIdLoader(read_db)
        self.category_by_id = CategoryByIdLoader(read_db)
        self.tag_by_id = TagByIdLoader(read_db)
        self.tags_by_entry_id = TagsByEntryIdLoader(reads)
        self.preferences_by_user_id = PreferencesByUserIdLoader(read_db)
        self.attachment_by_id = AttachmentByIdLoader(read_db)
        self.attachments_by_entry_id = AttachmentsByEntryIdLoader(read_db)
        self.storage_used_by_user_id = StorageUsedByUserIdLoader(read_db)
        # Opens sealed secrets and records each view, so it writes: it keeps its own
        # transactional sessions (see datastore/pod/service/secrets.py).
        self.secret = secret
