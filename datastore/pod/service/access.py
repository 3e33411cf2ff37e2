"""Who may do what with an entry: the one access resolver every shared read and write asks.

`EntryAccess.permission(viewer_id, entry_id)` answers OWNER, ADMIN, WRITE, READ or None
(no such entry, or not the viewer's to see: callers answer NOT_FOUND). GraphQL reaches it
batched through `loaders.sharing.access_by_pair`; downloads of an entry's files ask it too.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.pod.repository.activity import ActivityRepository
from datastore.pod.repository.shares import AccessRow, ShareRepository


class Permission(StrEnum):
    READ = "READ"
    WRITE = "WRITE"
    ADMIN = "ADMIN"
    OWNER = "OWNER"


# Each permission includes those below it.
_RANK = {Permission.READ: 1, Permission.WRITE: 2, Permission.ADMIN: 3, Permission.OWNER: 4}
SHAREABLE = (Permission.READ, Permission.WRITE, Permission.ADMIN)


def at_least(permission: Permission, needed: Permission) -> bool:
    return _RANK[permission] >= _RANK[needed]


@dataclass(frozen=True)
class Access:
    """What one viewer may do with one entry right now."""

    viewer_id: uuid.UUID
    entry_id: uuid.UUID
    owner_id: uuid.UUID
    kind: str
    permission: Permission
    share_id: uuid.UUID | None  # None for the owner
    include_secret: bool  # may read the entry's `secret`
    expires_at: datetime | None  # when a share's access ends by itself

    def allows(self, needed: Permission) -> bool:
        return at_least(self.permission, needed)

    @property
    def is_owner(self) -> bool:
        return self.permission is Permission.OWNER


def owner_access(entry_id: uuid.UUID, owner_id: uuid.UUID, kind: str) -> Access:
    """An owner's access to their own entry: everything, secret included."""
    return Access(owner_id, entry_id, owner_id, kind, Permission.OWNER, None, True, None)


def access_from(viewer_id: uuid.UUID, row: AccessRow) -> Access | None:
    """The owner reaches their entry (trash included); a sharer a live share's entry while
    it is out of the trash; anyone else nothing."""
    if row.owner_id == viewer_id:
        return owner_access(row.entry_id, row.owner_id, row.kind)
    if row.share_id is None or row.permission is None or row.status == "DELETED":
        return None
    return Access(
        viewer_id,
        row.entry_id,
        row.owner_id,
        row.kind,
        Permission(row.permission),
        row.share_id,
        row.include_secret,
        row.expires_at,
    )


async def access_in(
    db: AsyncSession, viewer_id: uuid.UUID, entry_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Access]:
    """The viewer's access to each entry they may reach, read in `db` (a write's own
    transaction, so a check and the change it guards see the same rows)."""
    rows = await ShareRepository(db).access_of(viewer_id, entry_ids)
    found = {entry_id: access_from(viewer_id, row) for entry_id, row in rows.items()}
    return {entry_id: access for entry_id, access in found.items() if access is not None}


class EntryAccess:
    def __init__(
        self, read_db: async_sessionmaker[AsyncSession], db: async_sessionmaker[AsyncSession]
    ) -> None:
        self.read_db = read_db
        self.db = db

    async def permission(self, viewer_id: uuid.UUID, entry_id: uuid.UUID) -> Permission | None:
        """OWNER, ADMIN, WRITE, READ, or None when the viewer may not reach the entry."""
        access = await self.get(viewer_id, entry_id)
        return access.permission if access else None

    async def get(self, viewer_id: uuid.UUID, entry_id: uuid.UUID) -> Access | None:
        return (await self.of(viewer_id, [entry_id])).get(entry_id)

    async def of(
        self, viewer_id: uuid.UUID, entry_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, Access]:
        """The viewer's access to each of `entry_ids` they may reach (one statement)."""
        async with self.read_db() as db:
            return await access_in(db, viewer_id, entry_ids)

    async def record_views(self, accesses: Sequence[Access]) -> None:
        """A sharer read these entries: count each share's access and tell each owner
        (VIEWED in their activity log, by the sharer). Two statements per batch."""
        await self._record(list({a.share_id: a for a in accesses}.values()), {})

    async def record_download(self, access: Access, attachment_id: uuid.UUID) -> None:
        """A sharer began reading one of the entry's files: counted as the share's access,
        and VIEWED, naming the file, in the owner's activity log."""
        await self._record([access], {"attachmentId": str(attachment_id)})

    async def _record(self, accesses: Sequence[Access], details: dict[str, str]) -> None:
        shared = [a for a in accesses if a.share_id is not None]
        if not shared:
            return
        async with self.db() as db, db.begin():
            await ShareRepository(db).record_access([a.share_id for a in shared if a.share_id])
            await ActivityRepository(db).record_many(
                [
                    {
                        "user_id": a.owner_id,
                        "session_id": None,
                        "action": "VIEWED",
                        "entity_type": "ENTRY",
                        "node_type": a.kind.title(),
                        "entity_id": a.entry_id,
                        "entry_id": a.entry_id,
                        "old_values": None,
                        "new_values": {"via": "SHARE", "shareId": str(a.share_id), **details},
                        "actor_id": a.viewer_id,
                    }
                    for a in shared
                ]
            )
