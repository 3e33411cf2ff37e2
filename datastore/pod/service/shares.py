"""Sharing entries with people: share, change, revoke, list what is shared with me.

Whom one may share with: accepted friends only (see README "Sharing"). A share gives its
person READ, WRITE or ADMIN access (datastore/pod/service/access.py); ADMIN may share
further. Each change leaves activity in the owner's log and live events for the owner
and the person; a new share notifies its person (kind SHARE).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from datastore.kit.errors import BadUserInput, Conflict, Forbidden, NotFound
from datastore.outbox.repository import PendingEvent
from datastore.people.repository import FriendshipRepository, PeopleRepository
from datastore.pod.repository.entries import EntryRepository
from datastore.pod.repository.shares import ShareRepository
from datastore.pod.service.access import Permission, access_in
from datastore.pod.service.changes import Actor
from datastore.pod.service.journal import Journal
from datastore.pod.service.share_audit import ShareAudit, shared_by_share
from datastore.pod.service.share_rules import (
    SHARE_TOPIC,
    check_expiry,
    share_event,
    share_is_live,
    share_unexpired,
    share_values,
    shareable_entry,
)
from datastore.pod.share_tables import EntryShare
from datastore.pod.tables import Entry

if TYPE_CHECKING:
    from datastore.kit.clients import Clients
    from datastore.notifications.service import NotificationService
    from datastore.security_audit.client import Client

# The people domain's event when someone blocks someone (datastore/people/service.py).
BLOCKED_TOPIC = "person.blocked"
UNSET: Any = object()


class ShareService:
    def __init__(
        self, clients: Clients, notifications: NotificationService, audit: ShareAudit
    ) -> None:
        self.db = clients.db
        self.read_db = clients.read_db
        self.settings = clients.settings.pod
        self.notifications = notifications
        self.audit = audit

    async def share(
        self,
        actor: Actor,
        entry_id: uuid.UUID,
        person_id: uuid.UUID,
        permission: Permission,
        *,
        expires_at: datetime | None,
        include_secret: bool,
        client: Client | None = None,
    ) -> EntryShare:
        """Share an entry with a friend. CONFLICT when it is already shared with them; with
        its secret, also SECRET_SHARED in the owner's security audit log."""
        if person_id == actor.user_id:
            raise BadUserInput("You cannot share with yourself.", field="personId")
        check_expiry(expires_at, max_days=self.settings.max_share_days, required=False)
        async with self.db() as db, db.begin():
            entry, _access = await shareable_entry(
                db, actor, entry_id, include_secret=include_secret
            )
            await self._check_person(db, actor, entry, person_id)
            shares = ShareRepository(db)
            journal = Journal(db, actor, owner_id=entry.user_id)
            existing = await shares.unrevoked_for_pair(entry.id, person_id)
            if existing is not None and share_is_live(existing):
                raise Conflict("This entry is shared with this person already.", field="personId")
            if existing is not None:  # expired: it gives way to the new share
                await shares.update(existing.id, revoked_at=existing.expires_at)
            if await shares.count_unrevoked(entry.id) >= self.settings.max_shares_per_entry:
                raise BadUserInput("This entry is shared with too many people.", field="entryId")
            share = await shares.insert(
                entry_id=entry.id,
                owner_id=entry.user_id,
                person_id=person_id,
                shared_by=actor.user_id,
                permission=permission.value,
                include_secret=include_secret,
                expires_at=expires_at,
            )
            journal.activity("SHARED", "ENTRY", entry.id, kind=entry.kind, new=share_values(share))
            _announce(journal, "SHARED", share, entry.kind)
            await journal.flush()
            sharer = await PeopleRepository(db).get(actor.user_id)
            if include_secret:
                await self.audit.secret_shared(
                    db, actor, client, shared_by_share(share, entry.kind)
                )
        name = (sharer.display_name or sharer.username) if sharer else "Someone"
        await self.notifications.notify(
            person_id,
            "SHARE",
            title=f"{name} shared “{entry.title[:120]}” with you",
            data={"shareId": str(share.id), "entryId": str(entry.id), "kind": entry.kind},
            dedupe_key=f"share:{share.id}",
        )
        return share

    async def update(
        self,
        actor: Actor,
        share_id: uuid.UUID,
        *,
        permission: Permission | None = None,
        expires_at: datetime | None = UNSET,
        include_secret: bool | None = None,
        client: Client | None = None,
    ) -> EntryShare:
        """Change a share (the owner, or the ADMIN sharer who made it). Turning its secret
        on or off is recorded in the owner's security audit log."""
        if expires_at is not UNSET:
            check_expiry(expires_at, max_days=self.settings.max_share_days, required=False)
        async with self.db() as db, db.begin():
            share, entry = await self._managed(db, actor, share_id, leaving=False)
            if include_secret and share.shared_by == actor.user_id != entry.user_id:
                await shareable_entry(db, actor, entry.id, include_secret=True)
            values: dict[str, Any] = {}
            if permission is not None:
                values["permission"] = permission.value
            if expires_at is not UNSET:
                values["expires_at"] = expires_at
            if include_secret is not None:
                values["include_secret"] = include_secret
            before, had_secret = share_values(share), share.include_secret
            # The row is refreshed in place: what it was is read before.
            updated = await ShareRepository(db).update(share.id, **values)
            journal = Journal(db, actor, owner_id=entry.user_id)
            journal.activity(
                "SHARE_UPDATED",
                "ENTRY",
                entry.id,
                kind=entry.kind,
                old=before,
                new=share_values(updated),
            )
            _announce(journal, "UPDATED", updated, entry.kind)
            await journal.flush()
            if updated.include_secret != had_secret:
                audit = self.audit
                record = audit.secret_shared if updated.include_secret else audit.secret_unshared
                await record(db, actor, client, shared_by_share(updated, entry.kind))
        return updated

    async def revoke(
        self, actor: Actor, share_id: uuid.UUID, *, client: Client | None = None
    ) -> EntryShare:
        """End a share at once: the owner, the ADMIN sharer who made it, or its person
        (leaving it). A share of the secret ending is recorded in the owner's security
        audit log."""
        async with self.db() as db, db.begin():
            share, entry = await self._managed(db, actor, share_id, leaving=True)
            secret_ends = share.include_secret and share_is_live(
                share
            )  # before the row is refreshed
            revoked = await ShareRepository(db).update(share.id, revoked_at=_now())
            journal = Journal(db, actor, owner_id=entry.user_id)
            journal.activity(
                "UNSHARED", "ENTRY", entry.id, kind=entry.kind, old=share_values(share)
            )
            _announce(journal, "UNSHARED", revoked, entry.kind)
            await journal.flush()
            if secret_ends:
                await self.audit.secret_unshared(
                    db, actor, client, shared_by_share(revoked, entry.kind)
                )
        return revoked

    async def shared_with(
        self, person_id: uuid.UUID, *, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> tuple[list[tuple[EntryShare, Entry]], bool]:
        """Live shares with me of entries readable now, newest first, with each entry."""
        async with self.read_db() as db:
            return await ShareRepository(db).page_shared_with(person_id, after=after, limit=limit)

    async def revoke_blocked_from_events(self, events: Sequence[PendingEvent]) -> None:
        """An outbox sink: a block ends every share between the two people, either way."""
        for event in events:
            if event.topic != BLOCKED_TOPIC or "blockedId" not in event.payload:
                continue
            blocked = uuid.UUID(str(event.payload["blockedId"]))
            async with self.db() as db, db.begin():
                revoked = await ShareRepository(db).revoke_between(event.user_id, blocked)
                entries = await EntryRepository(db).list_by_ids([s.entry_id for s in revoked])
                kinds = {e.id: e.kind for e in entries}
                for share in revoked:
                    kind = kinds.get(share.entry_id, "NOTE")
                    journal = Journal(db, Actor(share.owner_id, None))
                    journal.activity(
                        "UNSHARED", "ENTRY", share.entry_id, kind=kind, old=share_values(share)
                    )
                    _announce(journal, "UNSHARED", share, kind)
                    await journal.flush()
                # Shares of a secret that were still live end in the owners' audit logs.
                for share in revoked:
                    if share.include_secret and share_unexpired(share):
                        shared = shared_by_share(share, kinds.get(share.entry_id, "NOTE"))
                        await self.audit.secret_unshared(db, None, None, shared)

    async def _check_person(
        self, db: AsyncSession, actor: Actor, entry: Entry, person_id: uuid.UUID
    ) -> None:
        if person_id == entry.user_id:
            raise BadUserInput("This person owns the entry.", field="personId")
        if await PeopleRepository(db).get(person_id) is None:
            raise NotFound("No such person.", field="personId")
        relation = (await FriendshipRepository(db).relations(actor.user_id, [person_id]))[person_id]
        if not relation.friends or relation.blocked_viewer or relation.blocked_by_viewer:
            raise BadUserInput("You can share only with your friends.", field="personId")

    async def _managed(
        self, db: AsyncSession, actor: Actor, share_id: uuid.UUID, *, leaving: bool
    ) -> tuple[EntryShare, Entry]:
        """The share (locked, with its entry locked first) if the actor may change it:
        NOT_FOUND when they cannot see it, FORBIDDEN when they see it but may not."""
        shares = ShareRepository(db)
        found = await shares.list_by_ids([share_id])
        entry = await shares.lock_entry(found[0].entry_id) if found else None
        share = await shares.get_for_update(share_id) if entry else None
        if share is None or entry is None:
            raise NotFound("No such share.", field="id")
        me = actor.user_id
        if me == share.owner_id or (leaving and me == share.person_id and share_is_live(share)):
            return share, entry
        access = (await access_in(db, me, [entry.id])).get(entry.id)
        admin = access is not None and access.allows(Permission.ADMIN)
        if admin and share.shared_by == me:
            return share, entry
        if admin or me == share.person_id:
            raise Forbidden("Only the owner or who made this share may change it.", field="id")
        raise NotFound("No such share.", field="id")


def _announce(journal: Journal, kind: str, share: EntryShare, entry_kind: str) -> None:
    """Live events for the owner and the share's person (the owner's is their own log)."""
    topic = SHARE_TOPIC + kind.lower()
    payload = share_event(kind, share, entry_kind)
    journal.event(share.owner_id, topic, payload)
    journal.event(share.person_id, topic, payload)


def _now() -> datetime:
    return datetime.now(UTC)
