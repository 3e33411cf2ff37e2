"""Per-request loaders of the vault: one `ANY` query per batch, results in key order."""

from __future__ import annotations

from datastore.kit.loaders import RowByIdLoader, Sessions
from datastore.vault.repository import SecretTagRepository, VaultSessionRepository
from datastore.vault.tables import SecretTag, VaultSession


class SecretTagByIdLoader(RowByIdLoader[SecretTag], repository=SecretTagRepository): ...


class VaultSessionByIdLoader(RowByIdLoader[VaultSession], repository=VaultSessionRepository): ...


class VaultLoaders:
    """`info.context.loaders.vault.<name>`; rows whoever owns them (resolvers check)."""

    def __init__(self, read_db: Sessions) -> None:
        self.secret_tag_by_id = SecretTagByIdLoader(read_db)
        self.vault_session_by_id = VaultSessionByIdLoader(read_db)
