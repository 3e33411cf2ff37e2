"""Rules every way of sharing follows: who may share an entry, valid expiries, and the
events a share change leaves for its owner and its recipient."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from datastore.kit.errors import BadUserInput, Forbidden, NotFound
from datastore.pod.repository.shares import ShareRepository
from datastore.pod.service.access import Access, Permission, access_in
from datastore.pod.service.changes import Actor
from datastore.pod.service.journal import node_type
from datastore.pod.share_tables import EntryShare, ShareLink
from datastore.pod.tables import Entry

SHARE_TOPIC = "pod.share."  # + shared / updated / unshared; not a sync change


def share_is_live(share: EntryShare) -> bool:
    """Gives access now: not revoked, not expired."""
    return share.revoked_at is None and share_unexpired(share)


def share_unexpired(share: EntryShare) -> bool:
    return share.expires_at is None or share.expires_at > datetime.now(UTC)


def link_opens(link: ShareLink) -> bool:
    """Opens now: not revoked, not expired, not used up."""
    used_up = link.max_uses is not None and link.use_count >= link.max_uses
    return link.revoked_at is None and link.expires_at > datetime.now(UTC) and not used_up


def check_expiry(expires_at: datetime | None, *, max_days: int, required: bool) -> None:
    """An expiry is in the future and at most `max_days` ahead (BAD_USER_INPUT otherwise)."""
    if expires_at is None:
        if required:
            raise BadUserInput("Give the time this ends.", field="expiresAt")
        return
    if expires_at.tzinfo is None:
        raise BadUserInput("Give the time with its offset.", field="expiresAt")
    now = datetime.now(UTC)
    if expires_at <= now:
        raise BadUserInput("This time has passed.", field="expiresAt")
    if expires_at > now + timedelta(days=max_days):
        raise BadUserInput(f"At most {max_days} days ahead.", field="expiresAt")


async def shareable_entry(
    db: AsyncSession, actor: Actor, entry_id: uuid.UUID, *, include_secret: bool
) -> tuple[Entry, Access]:
    """The entry, row-locked, if the actor may share it: its owner or an ADMIN sharer (and
    for its secret, one who may read it). NOT_FOUND when they cannot see it at all."""
    row = await ShareRepository(db).lock_entry(entry_id)
    access = (await access_in(db, actor.user_id, [entry_id])).get(entry_id) if row else None
    if row is None or access is None:
        raise NotFound("No such entry.", field="entryId")
    if not access.allows(Permission.ADMIN):
        raise Forbidden("Only the owner or an ADMIN sharer may share this.", field="entryId")
    if row.status == "DELETED":
        raise BadUserInput("Restore this entry before sharing it.", field="entryId")
    if include_secret and not access.include_secret:
        raise Forbidden("You may not share a secret you cannot read.", field="includeSecret")
    return row, access


def share_event(kind: str, share: EntryShare, entry_kind: str) -> dict[str, Any]:
    """What a client hears of a share change: ids only, never content."""
    return {
        "kind": kind,
        "shareId": str(share.id),
        "entryId": str(share.entry_id),
        "nodeType": node_type("ENTRY", entry_kind),
        "ownerId": str(share.owner_id),
        "personId": str(share.person_id),
    }


def share_values(share: EntryShare) -> dict[str, Any]:
    """What the owner's activity log shows of a share."""
    return {
        "shareId": str(share.id),
        "personId": str(share.person_id),
        "permission": share.permission,
        "includeSecret": share.include_secret,
        "expiresAt": share.expires_at.isoformat() if share.expires_at else None,
    }
