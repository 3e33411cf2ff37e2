"""Share links for people without an account: a 256-bit token shown once, only its
BLAKE2b hash kept; opening one shows the entry read-only and counts the use.

An unknown, forged, expired, revoked or used-up token is the same NOT_FOUND, and costs the
caller's address one of its openings either way (rate-limited per address).
"""

from __future__ import annotations

import base64
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from nacl.encoding import RawEncoder
from nacl.hash import blake2b

from datastore.kit.crypto.sealing import open_sealed
from datastore.kit.errors import BadUserInput, Forbidden, NotFound
from datastore.pod.repository.entries import EntryRepository
from datastore.pod.repository.shares import ShareLinkRepository
from datastore.pod.service.access import Permission, access_in
from datastore.pod.service.changes import Actor
from datastore.pod.service.datakeys import DataKeys
from datastore.pod.service.journal import Journal
from datastore.pod.service.share_audit import ShareAudit, shared_by_link
from datastore.pod.service.share_rules import check_expiry, link_opens, shareable_entry
from datastore.pod.share_tables import ShareLink
from datastore.pod.tables import Entry

if TYPE_CHECKING:
    from datastore.kit.clients import Clients
    from datastore.security_audit.client import Client

TOKEN_PREFIX = "ppl_"
_TOKEN = re.compile(r"ppl_[A-Za-z0-9_-]{43}")
_NO_LINK = "No such link."


def issue_link_token() -> tuple[str, bytes]:
    """A new token (`ppl_` and 256 random bits, URL-safe) and the hash to store."""
    secret = secrets.token_bytes(32)
    token = TOKEN_PREFIX + base64.urlsafe_b64encode(secret).rstrip(b"=").decode()
    return token, _hash(token)


def link_token_hash(token: str) -> bytes | None:
    """The stored hash of a well-formed token; None for anything that cannot be one."""
    return _hash(token) if _TOKEN.fullmatch(token) else None


def _hash(token: str) -> bytes:
    return blake2b(token.encode(), digest_size=32, encoder=RawEncoder)


@dataclass(frozen=True)
class LinkView:
    """What one opening of a link shows: the entry, and its secret only when the link was
    made with it."""

    entry: Entry
    link: ShareLink
    secret: dict[str, Any] | None


class ShareLinkService:
    def __init__(self, clients: Clients, keys: DataKeys, audit: ShareAudit) -> None:
        self.db = clients.db
        self.limiter = clients.limiter
        self.settings = clients.settings.pod
        self.keys = keys
        self.audit = audit

    async def create(
        self,
        actor: Actor,
        entry_id: uuid.UUID,
        *,
        expires_at: datetime,
        max_uses: int | None,
        include_secret: bool,
        client: Client | None = None,
    ) -> tuple[ShareLink, str]:
        """A new link and its token, which is never shown again. With the entry's secret,
        also SECRET_SHARED in the owner's security audit log."""
        check_expiry(expires_at, max_days=self.settings.max_share_days, required=True)
        if max_uses is not None and not 1 <= max_uses <= self.settings.max_link_uses:
            raise BadUserInput(
                f"`maxUses` must be between 1 and {self.settings.max_link_uses}.", field="maxUses"
            )
        token, token_hash = issue_link_token()
        async with self.db() as db, db.begin():
            entry, _access = await shareable_entry(
                db, actor, entry_id, include_secret=include_secret
            )
            links = ShareLinkRepository(db)
            if await links.count_live(entry.id) >= self.settings.max_links_per_entry:
                raise BadUserInput("This entry has too many live links.", field="entryId")
            link = await links.insert(
                entry_id=entry.id,
                owner_id=entry.user_id,
                created_by=actor.user_id,
                token_hash=token_hash,
                include_secret=include_secret,
                expires_at=expires_at,
                max_uses=max_uses,
            )
            journal = Journal(db, actor, owner_id=entry.user_id)
            journal.activity("LINK_CREATED", "ENTRY", entry.id, kind=entry.kind, new=_values(link))
            await journal.flush()
            if include_secret:
                await self.audit.secret_shared(db, actor, client, shared_by_link(link, entry.kind))
        return link, token

    async def revoke(
        self, actor: Actor, link_id: uuid.UUID, *, client: Client | None = None
    ) -> ShareLink:
        """End a link at once (its owner, or the ADMIN sharer who made it); a link with the
        secret ending is recorded in the owner's security audit log."""
        async with self.db() as db, db.begin():
            links = ShareLinkRepository(db)
            link = await links.get_for_update(link_id)
            if link is None:
                raise NotFound(_NO_LINK, field="id")
            if actor.user_id != link.owner_id:
                access = (await access_in(db, actor.user_id, [link.entry_id])).get(link.entry_id)
                if access is None or not access.allows(Permission.ADMIN):
                    raise NotFound(_NO_LINK, field="id")
                if link.created_by != actor.user_id:
                    raise Forbidden("Only the owner or who made this link may end it.", field="id")
            secret_ends = link.include_secret and link_opens(link)  # before the row is refreshed
            revoked = await links.revoke(link.id)
            entries = await EntryRepository(db).list_by_ids([link.entry_id])
            journal = Journal(db, actor, owner_id=link.owner_id)
            kind = entries[0].kind if entries else "NOTE"
            journal.activity("LINK_REVOKED", "ENTRY", link.entry_id, kind=kind, old=_values(link))
            await journal.flush()
            if secret_ends:
                await self.audit.secret_unshared(db, actor, client, shared_by_link(revoked, kind))
        return revoked

    async def open(self, token: str, *, address: str | None) -> LinkView:
        """Open a link: the entry read-only, the use counted and logged for the owner."""
        await self.limiter.check(
            f"pod:link-open:{address or 'unknown'}",
            limit=self.settings.link_opens_per_address,
            window=self.settings.link_open_window_seconds,
            what="link openings",
        )
        token_hash = link_token_hash(token)
        if token_hash is None:
            raise NotFound(_NO_LINK)
        async with self.db() as db, db.begin():
            link = await ShareLinkRepository(db).use(token_hash)
            entries = await EntryRepository(db).list_by_ids([link.entry_id]) if link else []
            entry = entries[0] if entries and entries[0].status != "DELETED" else None
            if link is None or entry is None:
                # Rolled back: a link to an entry that is gone counts no use.
                raise NotFound(_NO_LINK)
            secret = None
            if link.include_secret and entry.sealed is not None:
                key = await self.keys.for_user(db, entry.user_id)
                secret = open_sealed(key, entry.sealed)
            journal = Journal(db, Actor(entry.user_id, None))
            journal.activity(
                "LINK_OPENED",
                "ENTRY",
                entry.id,
                kind=entry.kind,
                new={
                    "linkId": str(link.id),
                    "useCount": link.use_count,
                    "secretShown": bool(secret),
                },
            )
            await journal.flush()
        return LinkView(entry, link, secret)


def _values(link: ShareLink) -> dict[str, Any]:
    return {
        "linkId": str(link.id),
        "expiresAt": link.expires_at.isoformat(),
        "maxUses": link.max_uses,
        "includeSecret": link.include_secret,
    }
