"""Vault use cases: secret tags over OPAQUE (`SecretTagService`), and what an open vault
allows (`VaultService`): hidden entries, data-key rotation, vault sessions."""

from datastore.vault.service.tags import SecretTagService
from datastore.vault.service.vault import VaultService

__all__ = ["SecretTagService", "VaultService"]
