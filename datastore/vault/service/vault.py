"""What an open vault allows: hidden entries (ciphertext only), rotating the data key in
resumable batches, and listing or closing vault sessions.

Rotating a data key: `rotate_key` stores the new key (wrapped by the client) as the current
version; the client lists the entries still sealed with older versions (`list_entries(...,
stale=True)`), re-encrypts them and sends them back in batches (`replace_blobs`). Each batch
commits on its own, so a rotation stopped anywhere continues where it was; an old version is
deleted as soon as no entry uses it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from datastore.kit.errors import BadUserInput, Conflict, NotFound
from datastore.security_audit.client import Client
from datastore.vault import validation as check
from datastore.vault.repository import (
    SecretTagRepository,
    VaultEntryRepository,
    VaultKeyRepository,
    VaultSessionRepository,
)
from datastore.vault.repository.entries import VaultEntryKey
from datastore.vault.service.access import require_open, require_tag
from datastore.vault.service.audit import Caller, VaultAudit
from datastore.vault.tables import SecretTag, VaultEntry, VaultSession

if TYPE_CHECKING:
    from datastore.kit.clients import Clients


@dataclass(frozen=True)
class Blob:
    """A hidden entry's ciphertext as the client sealed it, base64 fields as sent."""

    ciphertext: str
    nonce: str
    key_version: int
    content_type: str


@dataclass(frozen=True)
class Replaced:
    tag: SecretTag
    count: int
    complete: bool  # no entry is sealed with an older key any more


class VaultService:
    def __init__(self, clients: Clients, audit: VaultAudit) -> None:
        self.db = clients.db
        self.audit = audit
        self.settings = clients.settings

    # ------------------------------------------------------------------ sessions

    async def list_sessions(
        self, user_id: uuid.UUID, *, limit: int, after: tuple[datetime, uuid.UUID] | None
    ) -> list[VaultSession]:
        async with self.db() as session:
            return await VaultSessionRepository(session).page_open(
                user_id, limit=limit, after=after
            )

    async def close(
        self, user_id: uuid.UUID, device: str, vault_session_id: uuid.UUID, *, client: Client
    ) -> None:
        """Close one of my open vaults (any of my devices'); NOT_FOUND if none is open."""
        async with self.db() as session, session.begin():
            if not await VaultSessionRepository(session).revoke(user_id, vault_session_id):
                raise NotFound("No such open vault session.")
            caller = Caller(user_id, device, client)
            await self.audit.closed(session, caller, vault_session_id)

    # ------------------------------------------------------------------ entries

    async def create_entry(
        self,
        user_id: uuid.UUID,
        device: str,
        tag_id: uuid.UUID,
        *,
        entry_date: date | None,
        blob: Blob,
    ) -> VaultEntry:
        values = self._blob_values(blob)
        if entry_date is not None:
            values["entry_date"] = entry_date
        async with self.db() as session, session.begin():
            await require_open(session, user_id, device, tag_id)
            tag = await require_tag(session, user_id, tag_id, lock=True)
            _current_key(tag, blob.key_version)
            entries = VaultEntryRepository(session)
            most = self.settings.vault.max_entries_per_tag
            if await entries.count_for_tag(tag_id) >= most:
                raise Conflict(f"A secret tag holds at most {most} entries.")
            return await entries.create(user_id, {"tag_id": tag_id, **values})

    async def list_entries(
        self,
        user_id: uuid.UUID,
        device: str,
        tag_id: uuid.UUID,
        *,
        limit: int,
        after: VaultEntryKey | None,
        stale: bool = False,
    ) -> list[VaultEntry]:
        """The tag's hidden entries, newest first; with `stale`, only those sealed with an
        older data key (what a rotation still has to re-encrypt)."""
        async with self.db() as session:
            await require_open(session, user_id, device, tag_id)
            tag = await require_tag(session, user_id, tag_id)
            below = tag.key_version if stale else None
            return await VaultEntryRepository(session).page(
                tag_id, limit=limit, after=after, below_key_version=below
            )

    async def delete_entry(
        self, user_id: uuid.UUID, device: str, tag_id: uuid.UUID, entry_id: uuid.UUID
    ) -> None:
        async with self.db() as session, session.begin():
            await require_open(session, user_id, device, tag_id)
            if not await VaultEntryRepository(session).delete(tag_id, entry_id):
                raise NotFound("No such hidden entry.")

    # ------------------------------------------------------------------ key rotation

    async def rotate_key(
        self,
        user_id: uuid.UUID,
        device: str,
        tag_id: uuid.UUID,
        *,
        wrapped_key: str,
        client: Client,
    ) -> SecretTag:
        """Make a new data key (generated and wrapped by the client) the current version."""
        wrapped = check.wrapped_key(wrapped_key)
        async with self.db() as session, session.begin():
            await require_open(session, user_id, device, tag_id)
            tag = await require_tag(session, user_id, tag_id, lock=True)
            stale = await VaultEntryRepository(session).page(
                tag_id, limit=1, after=None, below_key_version=tag.key_version
            )
            if stale:
                raise Conflict(
                    "A key rotation is still under way: replace the remaining blobs first.",
                    keyVersion=tag.key_version,
                )
            keys = VaultKeyRepository(session)
            await keys.retire_all(tag_id)
            await keys.add(tag_id, tag.key_version + 1, wrapped)
            tag = await SecretTagRepository(session).update(
                tag_id, {"key_version": tag.key_version + 1}
            )
            await keys.delete_unused_retired(tag_id)
            caller = Caller(user_id, device, client)
            await self.audit.key_rotated(session, caller, tag_id, tag.key_version)
        return tag

    async def replace_blobs(
        self,
        user_id: uuid.UUID,
        device: str,
        tag_id: uuid.UUID,
        blobs: Sequence[tuple[uuid.UUID, Blob]],
    ) -> Replaced:
        """Store a batch of entries re-encrypted with the current key; all or none."""
        check.batch(len(blobs), field="blobs")
        ids = [entry_id for entry_id, _ in blobs]
        if len(set(ids)) != len(ids):
            raise BadUserInput("Each entry at most once per batch.", field="blobs")
        values = {entry_id: self._blob_values(blob) for entry_id, blob in blobs}
        async with self.db() as session, session.begin():
            await require_open(session, user_id, device, tag_id)
            tag = await require_tag(session, user_id, tag_id, lock=True)
            for _, blob in blobs:
                _current_key(tag, blob.key_version)
            entries = VaultEntryRepository(session)
            if len(await entries.list_for_update(tag_id, ids)) != len(ids):
                raise NotFound("Some entries are not hidden entries of this secret tag.")
            for entry_id in ids:
                await entries.replace_blob(entry_id, values[entry_id])
            await VaultKeyRepository(session).delete_unused_retired(tag_id)
            left = await entries.page(
                tag_id, limit=1, after=None, below_key_version=tag.key_version
            )
        return Replaced(tag, len(ids), complete=not left)

    def _blob_values(self, blob: Blob) -> dict[str, object]:
        ciphertext = check.decode(
            blob.ciphertext, field="ciphertext", max_bytes=self.settings.vault.max_blob_bytes
        )
        return {
            "ciphertext": ciphertext,
            "nonce": check.nonce(blob.nonce),
            "key_version": blob.key_version,
            "content_type": check.content_type(blob.content_type),
            "size": len(ciphertext),
        }


def _current_key(tag: SecretTag, key_version: int) -> None:
    if key_version != tag.key_version:
        raise BadUserInput(
            f"Seal with the current data key, version {tag.key_version}.", field="keyVersion"
        )
