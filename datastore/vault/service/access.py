"""The one check that guards hidden data: the caller's device has this tag's vault open."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from datastore.kit.errors import NotFound, VaultLocked
from datastore.vault.repository import SecretTagRepository, VaultSessionRepository
from datastore.vault.tables import SecretTag, VaultSession


async def require_tag(
    session: AsyncSession, user_id: uuid.UUID, tag_id: uuid.UUID, *, lock: bool = False
) -> SecretTag:
    """My tag (row-locked with `lock`), or NOT_FOUND: another's tag is as good as missing."""
    tags = SecretTagRepository(session)
    tag = await (tags.get_for_update if lock else tags.get)(user_id, tag_id)
    if tag is None:
        raise NotFound("No such secret tag.")
    return tag


async def require_open(
    session: AsyncSession,
    user_id: uuid.UUID,
    device: str,
    tag_id: uuid.UUID,
    *,
    lock: bool = False,
) -> VaultSession:
    """This device session's open vault session on my tag, or VAULT_LOCKED."""
    await require_tag(session, user_id, tag_id, lock=lock)
    vault = await VaultSessionRepository(session).find_open(user_id, device, tag_id)
    if vault is None:
        raise VaultLocked()
    return vault
