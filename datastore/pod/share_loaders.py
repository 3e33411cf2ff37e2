"""Per-request loaders of sharing: access by (viewer, entry), shares and links by id and
by entry, and the batched record of sharers' reads."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from datastore.kit.loaders import (
    ByKeyLoader,
    GroupedLoader,
    Groups,
    Ids,
    RowByIdLoader,
    SelfLoader,
    Sessions,
)
from datastore.pod.repository.shares import ShareLinkRepository, ShareRepository
from datastore.pod.service.access import Access, EntryAccess
from datastore.pod.share_tables import EntryShare, ShareLink

Pair = tuple[uuid.UUID, uuid.UUID]  # (viewer, entry)


class AccessByPairLoader(ByKeyLoader[EntryAccess, Pair, Access]):
    """What each viewer may do with each entry: one statement per viewer per batch."""

    async def fetch(self, keys: list[Pair]) -> dict[Pair, Access]:
        by_viewer: dict[uuid.UUID, list[uuid.UUID]] = {}
        for viewer, entry_id in keys:
            by_viewer.setdefault(viewer, []).append(entry_id)
        found: dict[Pair, Access] = {}
        for viewer, entry_ids in by_viewer.items():
            for entry_id, access in (await self.source.of(viewer, entry_ids)).items():
                found[(viewer, entry_id)] = access
        return found


class ShareByIdLoader(RowByIdLoader[EntryShare], repository=ShareRepository): ...


class ShareLinkByIdLoader(RowByIdLoader[ShareLink], repository=ShareLinkRepository): ...


class SharesByEntryIdLoader(GroupedLoader[EntryShare]):
    """Each entry's unrevoked shares, oldest first."""

    async def select(self, session: AsyncSession, ids: Ids) -> Groups[EntryShare]:
        return await ShareRepository(session).unrevoked_by_entry_ids(ids)


class ShareLinksByEntryIdLoader(GroupedLoader[ShareLink]):
    """Each entry's unrevoked links, oldest first."""

    async def select(self, session: AsyncSession, ids: Ids) -> Groups[ShareLink]:
        return await ShareLinkRepository(session).unrevoked_by_entry_ids(ids)


class ShareViewRecorder(SelfLoader[Access, None]):
    """Records the sharer's reads of one request in one batch (two statements), however
    many entries a page shows. It writes, so it holds the service, not `read_db`."""

    def __init__(self, access: EntryAccess) -> None:
        super().__init__()
        self.access = access

    async def _load(self, accesses: Sequence[Access]) -> list[None]:
        await self.access.record_views(accesses)
        return [None] * len(accesses)


class ShareLoaders:
    def __init__(self, read_db: Sessions, access: EntryAccess) -> None:
        self.access_by_pair = AccessByPairLoader(access)
        self.share_by_id = ShareByIdLoader(read_db)
        self.link_by_id = ShareLinkByIdLoader(read_db)
        self.shares_by_entry_id = SharesByEntryIdLoader(read_db)
        self.links_by_entry_id = ShareLinksByEntryIdLoader(read_db)
        self.views = ShareViewRecorder(access)
