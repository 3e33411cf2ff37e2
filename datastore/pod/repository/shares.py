"""Every query of sharing: who may reach which entry, shares with people, and token links."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.accounts.repository.users import active_user_ids
from datastore.pod.repository.entries import visible_now
from datastore.pod.share_tables import EntryShare, ShareLink
from datastore.pod.tables import Entry


def live_share() -> Any:
    """A share that still gives access: not revoked, its time not run out, and its owner's
    account active (deactivating or deleting it stops every share at once; reactivating
    brings them back). Checked at each read, so no job is needed for a share to end."""
    return and_(
        EntryShare.revoked_at.is_(None),
        or_(EntryShare.expires_at.is_(None), EntryShare.expires_at > func.now()),
        EntryShare.owner_id.in_(active_user_ids()),
    )


def live_link() -> Any:
    """A link that still opens: not revoked, not expired, not used up, its owner active."""
    return and_(
        ShareLink.revoked_at.is_(None),
        ShareLink.expires_at > func.now(),
        or_(ShareLink.max_uses.is_(None), ShareLink.use_count < ShareLink.max_uses),
        ShareLink.owner_id.in_(active_user_ids()),
    )


@dataclass(frozen=True)
class AccessRow:
    """An entry (unexpired) and the viewer's live share of it, if any."""

    entry_id: uuid.UUID
    owner_id: uuid.UUID
    kind: str
    status: str
    share_id: uuid.UUID | None
    permission: str | None
    include_secret: bool
    expires_at: datetime | None


class ShareRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def access_of(
        self, viewer_id: uuid.UUID, entry_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, AccessRow]:
        """Each unexpired entry of `entry_ids` with `viewer_id`'s live share of it, in one
        statement for a whole batch."""
        statement = (
            select(
                Entry.id,
                Entry.user_id,
                Entry.kind,
                Entry.status,
                EntryShare.id,
                EntryShare.permission,
                EntryShare.include_secret,
                EntryShare.expires_at,
            )
            .outerjoin(
                EntryShare,
                and_(
                    EntryShare.entry_id == Entry.id,
                    EntryShare.person_id == viewer_id,
                    live_share(),
                ),
            )
            .where(Entry.id.in_(entry_ids), visible_now())
        )
        rows = await self.session.execute(statement)
        return {r[0]: AccessRow(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7]) for r in rows}

    async def lock_entry(self, entry_id: uuid.UUID) -> Entry | None:
        """The live (unexpired) entry, whoever owns it, row-locked: writes to an entry and
        to its shares queue behind each other."""
        statement = select(Entry).where(Entry.id == entry_id, visible_now()).with_for_update()
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def insert(self, **values: Any) -> EntryShare:
        statement = insert(EntryShare).values(**values).returning(EntryShare)
        return (await self.session.execute(statement)).scalar_one()

    async def update(self, share_id: uuid.UUID, **values: Any) -> EntryShare:
        statement = (
            update(EntryShare)
            .where(EntryShare.id == share_id)
            .values(**values, updated_at=func.now())
            .returning(EntryShare)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def get_for_update(self, share_id: uuid.UUID) -> EntryShare | None:
        """An unrevoked share, row-locked (expired ones too: their owner may still change them)."""
        statement = (
            select(EntryShare)
            .where(EntryShare.id == share_id, EntryShare.revoked_at.is_(None))
            .with_for_update()
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def unrevoked_for_pair(
        self, entry_id: uuid.UUID, person_id: uuid.UUID
    ) -> EntryShare | None:
        statement = select(EntryShare).where(
            EntryShare.entry_id == entry_id,
            EntryShare.person_id == person_id,
            EntryShare.revoked_at.is_(None),
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def count_unrevoked(self, entry_id: uuid.UUID) -> int:
        statement = select(func.count()).where(
            EntryShare.entry_id == entry_id, EntryShare.revoked_at.is_(None)
        )
        return int((await self.session.execute(statement)).scalar_one())

    async def list_by_ids(self, share_ids: Sequence[uuid.UUID]) -> list[EntryShare]:
        statement = select(EntryShare).where(EntryShare.id.in_(share_ids))
        return list((await self.session.execute(statement)).scalars())

    async def unrevoked_by_entry_ids(
        self, entry_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[EntryShare]]:
        """Each entry's unrevoked shares (expired ones too, so the owner sees them), oldest
        first, in one query for a page of entries."""
        statement = (
            select(EntryShare)
            .where(EntryShare.entry_id.in_(entry_ids), EntryShare.revoked_at.is_(None))
            .order_by(EntryShare.created_at, EntryShare.id)
        )
        found: dict[uuid.UUID, list[EntryShare]] = {}
        for share in (await self.session.execute(statement)).scalars():
            found.setdefault(share.entry_id, []).append(share)
        return found

    async def page_shared_with(
        self,
        person_id: uuid.UUID,
        *,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> tuple[list[tuple[EntryShare, Entry]], bool]:
        """Live shares with `person_id` of entries that are readable now, newest first."""
        statement = (
            select(EntryShare, Entry)
            .join(Entry, Entry.id == EntryShare.entry_id)
            .where(
                EntryShare.person_id == person_id,
                live_share(),
                visible_now(),
                Entry.status != "DELETED",
            )
        )
        if after is not None:
            statement = statement.where(
                tuple_(EntryShare.created_at, EntryShare.id) < tuple_(after[0], after[1])
            )
        statement = statement.order_by(EntryShare.created_at.desc(), EntryShare.id.desc()).limit(
            limit + 1
        )
        rows = [(share, entry) for share, entry in await self.session.execute(statement)]
        return rows[:limit], len(rows) > limit

    async def record_access(self, share_ids: Sequence[uuid.UUID]) -> None:
        """Count one read of each share (one statement for a batch)."""
        if share_ids:
            await self.session.execute(
                update(EntryShare)
                .where(EntryShare.id.in_(sorted(set(share_ids))))
                .values(access_count=EntryShare.access_count + 1, last_accessed_at=func.now())
            )

    async def revoke_between(self, a: uuid.UUID, b: uuid.UUID) -> list[EntryShare]:
        """Revoke every unrevoked share between two people, either way round."""
        statement = (
            update(EntryShare)
            .where(
                EntryShare.revoked_at.is_(None),
                or_(
                    and_(EntryShare.owner_id == a, EntryShare.person_id == b),
                    and_(EntryShare.owner_id == b, EntryShare.person_id == a),
                ),
            )
            .values(revoked_at=func.now(), updated_at=func.now())
            .returning(EntryShare)
        )
        return list((await self.session.execute(statement)).scalars())


class ShareLinkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def insert(self, **values: Any) -> ShareLink:
        statement = insert(ShareLink).values(**values).returning(ShareLink)
        return (await self.session.execute(statement)).scalar_one()

    async def use(self, token_hash: bytes) -> ShareLink | None:
        """Count one opening of the live link with this token hash; None when there is none
        (unknown, revoked, expired or used up alike). Atomic, so `max_uses` holds under
        concurrent openings."""
        statement = (
            update(ShareLink)
            .where(ShareLink.token_hash == token_hash, live_link())
            .values(use_count=ShareLink.use_count + 1, last_accessed_at=func.now())
            .returning(ShareLink)
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def get_for_update(self, link_id: uuid.UUID) -> ShareLink | None:
        statement = (
            select(ShareLink)
            .where(ShareLink.id == link_id, ShareLink.revoked_at.is_(None))
            .with_for_update()
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def revoke(self, link_id: uuid.UUID) -> ShareLink:
        statement = (
            update(ShareLink)
            .where(ShareLink.id == link_id)
            .values(revoked_at=func.now())
            .returning(ShareLink)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def count_live(self, entry_id: uuid.UUID) -> int:
        statement = select(func.count()).where(ShareLink.entry_id == entry_id, live_link())
        return int((await self.session.execute(statement)).scalar_one())

    async def list_by_ids(self, link_ids: Sequence[uuid.UUID]) -> list[ShareLink]:
        statement = select(ShareLink).where(ShareLink.id.in_(link_ids))
        return list((await self.session.execute(statement)).scalars())

    async def unrevoked_by_entry_ids(
        self, entry_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[ShareLink]]:
        """Each entry's unrevoked links (expired and used-up ones too), oldest first."""
        statement = (
            select(ShareLink)
            .where(ShareLink.entry_id.in_(entry_ids), ShareLink.revoked_at.is_(None))
            .order_by(ShareLink.created_at, ShareLink.id)
        )
        found: dict[uuid.UUID, list[ShareLink]] = {}
        for link in (await self.session.execute(statement)).scalars():
            found.setdefault(link.entry_id, []).append(link)
        return found
