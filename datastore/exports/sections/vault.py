"""The vault's sections: secret tags and hidden journal entries, as the ciphertext the server
holds. The server cannot decrypt them (docs/VAULT.md), so neither can the export: opening
them needs the tag's phrase, a client, and the server that holds the tag's OPAQUE record.
They are not imported."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from datastore.exports.sections.base import Scope, Section, b64, each, fields, iso
from datastore.vault.repository.export import VaultExportRepository


async def _tags(scope: Scope) -> AsyncIterator[dict[str, Any]]:
    repository = VaultExportRepository(scope.db)
    async for batch in repository.tags(scope.user_id):
        keys = await repository.keys_by_tag_ids([row.id for row in batch])
        for row in batch:
            yield {
                "id": str(row.id),
                "name": row.name,
                "color": row.color,
                "keyVersion": row.key_version,
                "wrappedKeys": [
                    {
                        "version": key.version,
                        "wrappedKey": b64(key.wrapped_key),
                        "retiredAt": iso(key.retired_at),
                    }
                    for key in keys.get(row.id, [])
                ],
                "createdAt": iso(row.created_at),
                "updatedAt": iso(row.updated_at),
            }


async def _entries(scope: Scope) -> AsyncIterator[dict[str, Any]]:
    async for row in each(VaultExportRepository(scope.db).entries(scope.user_id)):
        yield {
            "id": str(row.id),
            "tagId": str(row.tag_id),
            "entryDate": iso(row.entry_date),
            "ciphertext": b64(row.ciphertext),
            "nonce": b64(row.nonce),
            "keyVersion": row.key_version,
            "contentType": row.content_type,
            "size": row.size,
            "version": row.version,
            "createdAt": iso(row.created_at),
            "updatedAt": iso(row.updated_at),
        }


SECRET_TAGS = Section(
    name="vault.secretTags",
    file="vault/secret_tags.json",
    version=1,
    description="My secret tags, with each version of the tag's data key wrapped (AES key "
    "wrap) under a key only a client that knows the phrase can derive. The server's means "
    "of checking a phrase (the OPAQUE record, the lookup hash) are not exported.",
    fields=fields(
        ("id", "Secret tag id (UUID); the associated data of its entries' ciphertext."),
        ("name", "Name, as the client sent it (possibly encrypted by the client)."),
        ("color", "Hex colour #RRGGBB."),
        ("keyVersion", "The data key version new entries use."),
        (
            "wrappedKeys",
            "Objects of version, wrappedKey (base64, AES-KW of the data key) and retiredAt.",
        ),
        ("createdAt", "ISO 8601."),
        ("updatedAt", "ISO 8601."),
    ),
    rows=_tags,
)

HIDDEN_ENTRIES = Section(
    name="vault.hiddenEntries",
    file="vault/hidden_entries.json",
    version=1,
    description="My hidden journal entries, exported only as the ciphertext the server "
    "holds (AES-256-GCM under the tag's data key, sealed on my device): nothing here is "
    "readable without the tag's phrase. They are not imported into another account.",
    fields=fields(
        ("id", "Hidden entry id (UUID)."),
        ("tagId", "Its secret tag (see vault/secret_tags.json)."),
        ("entryDate", "The day it is about (YYYY-MM-DD), as the server knows it."),
        ("ciphertext", "The sealed entry, base64."),
        ("nonce", "The cipher's nonce, base64."),
        ("keyVersion", "Which of the tag's data keys sealed it."),
        ("contentType", "What the client said the plaintext is."),
        ("size", "Bytes of ciphertext."),
        ("version", "Bumped by each change."),
        ("createdAt", "ISO 8601."),
        ("updatedAt", "ISO 8601."),
    ),
    rows=_entries,
)
