"""Queries of the vault: secret tags, wrapped keys, hidden entries, OPAQUE and vault sessions."""

from datastore.vault.repository.entries import VaultEntryRepository
from datastore.vault.repository.keys import VaultKeyRepository
from datastore.vault.repository.sessions import OpaqueSessionRepository, VaultSessionRepository
from datastore.vault.repository.tags import SecretTagRepository

__all__ = [
    "OpaqueSessionRepository",
    "SecretTagRepository",
    "VaultEntryRepository",
    "VaultKeyRepository",
    "VaultSessionRepository",
]
