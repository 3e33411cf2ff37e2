"""The pod's sections: categories, tags, entries with their decrypted secrets, activity."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from datastore.exports.sections.base import (
    ExportedEntry,
    Scope,
    Section,
    each,
    fields,
    iso,
    text_id,
)
from datastore.kit.blobs import StoredBlob
from datastore.kit.crypto.sealing import open_sealed
from datastore.pod.repository.export import PodExportRepository


async def _categories(scope: Scope) -> AsyncIterator[dict[str, Any]]:
    async for row in each(PodExportRepository(scope.db).categories(scope.user_id)):
        yield {
            "id": str(row.id),
            "parentId": text_id(row.parent_id),
            "name": row.name,
            "color": row.color,
            "icon": row.icon,
            "position": row.position,
            "systemKey": row.system_key,
            "version": row.version,
            "createdAt": iso(row.created_at),
            "updatedAt": iso(row.updated_at),
        }


async def _tags(scope: Scope) -> AsyncIterator[dict[str, Any]]:
    async for row in each(PodExportRepository(scope.db).tags(scope.user_id)):
        yield {
            "id": str(row.id),
            "name": row.name,
            "slug": row.slug,
            "color": row.color,
            "usageCount": row.usage_count,
            "version": row.version,
            "createdAt": iso(row.created_at),
            "updatedAt": iso(row.updated_at),
        }


async def _entries(scope: Scope) -> AsyncIterator[dict[str, Any]]:
    repository = PodExportRepository(scope.db)
    data_key: bytes | None = None
    async for batch in repository.entries(scope.user_id):
        tags = await repository.tag_ids_by_entry_ids([row.id for row in batch])
        if data_key is None and any(row.sealed for row in batch):
            # Read only: a user with sealed entries has a data key already.
            data_key = (await scope.keys.for_users(scope.db, [scope.user_id]))[scope.user_id]
        for row in batch:
            secrets = open_sealed(data_key, row.sealed) if row.sealed and data_key else None
            opened = tuple(sorted(k for k, v in (secrets or {}).items() if v is not None))
            scope.entries.append(ExportedEntry(row.id, row.kind, opened))
            yield {
                "id": str(row.id),
                "kind": row.kind,
                "status": row.status,
                "previousStatus": row.previous_status,
                "title": row.title,
                "body": row.body,
                "fields": row.fields,
                "secrets": secrets,
                "sensitive": row.sensitive,
                "categoryId": text_id(row.category_id),
                "tagIds": [str(t) for t in tags.get(row.id, [])],
                "version": row.version,
                "expiresAt": iso(row.expires_at),
                "deletedAt": iso(row.deleted_at),
                "createdAt": iso(row.created_at),
                "updatedAt": iso(row.updated_at),
            }


async def _activity(scope: Scope) -> AsyncIterator[dict[str, Any]]:
    async for row in each(PodExportRepository(scope.db).activity(scope.user_id)):
        yield {
            "id": row.id,
            "action": row.action,
            "entityType": row.entity_type,
            "nodeType": row.node_type,
            "entityId": str(row.entity_id),
            "entryId": text_id(row.entry_id),
            "sessionId": row.session_id,
            "actorId": text_id(row.actor_id),
            "oldValues": row.old_values,
            "newValues": row.new_values,
            "createdAt": iso(row.created_at),
        }


def file_name(attachment_id: object, name: str) -> str:
    """Where an attachment's bytes are in the archive (`name` is already a clean file name)."""
    return f"files/pod/{attachment_id}/{name}"


async def _attachments(scope: Scope) -> AsyncIterator[dict[str, Any]]:
    async for row in each(PodExportRepository(scope.db).attachments(scope.user_id)):
        blob = StoredBlob(row.blob_key, row.size, row.sha256, row.blocks)
        name = file_name(row.id, row.name)
        stored = await scope.files.add(name, blob, compress=row.mime_type.startswith("text/"))
        yield {
            "id": str(row.id),
            "entryId": str(row.entry_id),
            "name": row.name,
            "mimeType": row.mime_type,
            "size": row.size,
            "sha256": row.sha256,
            "file": name if stored else None,
            "createdAt": iso(row.created_at),
        }


async def _shares(scope: Scope) -> AsyncIterator[dict[str, Any]]:
    async for row in each(PodExportRepository(scope.db).shares(scope.user_id)):
        yield {
            "id": str(row.id),
            "direction": "RECEIVED" if row.person_id == scope.user_id else "MADE",
            "entryId": str(row.entry_id),
            "ownerId": str(row.owner_id),
            "personId": str(row.person_id),
            "sharedBy": str(row.shared_by),
            "permission": row.permission,
            "includeSecret": row.include_secret,
            "expiresAt": iso(row.expires_at),
            "revokedAt": iso(row.revoked_at),
            "accessCount": row.access_count,
            "lastAccessedAt": iso(row.last_accessed_at),
            "createdAt": iso(row.created_at),
            "updatedAt": iso(row.updated_at),
        }


async def _links(scope: Scope) -> AsyncIterator[dict[str, Any]]:
    async for row in each(PodExportRepository(scope.db).links(scope.user_id)):
        yield {
            "id": str(row.id),
            "entryId": str(row.entry_id),
            "ownerId": str(row.owner_id),
            "createdBy": str(row.created_by),
            "includeSecret": row.include_secret,
            "expiresAt": iso(row.expires_at),
            "maxUses": row.max_uses,
            "useCount": row.use_count,
            "lastAccessedAt": iso(row.last_accessed_at),
            "revokedAt": iso(row.revoked_at),
            "createdAt": iso(row.created_at),
        }


CATEGORIES = Section(
    name="pod.categories",
    file="pod/categories.json",
    version=1,
    description="My pod's categories; `parentId` makes the tree.",
    fields=fields(
        ("id", "Category id (UUID)."),
        ("parentId", "Id of the parent category, or null at the top."),
        ("name", "Name."),
        ("color", "Hex colour #rrggbb, or null."),
        ("icon", "Icon name, or null."),
        ("position", "Order among its siblings."),
        ("systemKey", "'inbox' for the category the pod made itself, else null."),
        ("version", "Bumped by each change."),
        ("createdAt", "ISO 8601."),
        ("updatedAt", "ISO 8601."),
    ),
    rows=_categories,
)

TAGS = Section(
    name="pod.tags",
    file="pod/tags.json",
    version=1,
    description="My pod's tags.",
    fields=fields(
        ("id", "Tag id (UUID)."),
        ("name", "Name as shown."),
        ("slug", "Unique lower-case form of the name."),
        ("color", "Hex colour #rrggbb, or null."),
        ("usageCount", "How many entries carry it."),
        ("version", "Bumped by each change."),
        ("createdAt", "ISO 8601."),
        ("updatedAt", "ISO 8601."),
    ),
    rows=_tags,
)

ENTRIES = Section(
    name="pod.entries",
    file="pod/entries.json",
    version=1,
    description="Every entry of my pod (notes, passwords, documents, bookmarks, tasks, "
    "contacts), the trash included, with its secrets decrypted: keep this file safe.",
    fields=fields(
        ("id", "Entry id (UUID)."),
        ("kind", "NOTE, PASSWORD, DOCUMENT, BOOKMARK, TASK or CONTACT."),
        ("status", "DRAFT, ACTIVE, ARCHIVED or DELETED (in the trash)."),
        ("previousStatus", "What restoring it from the trash goes back to, or null."),
        ("title", "Title."),
        ("body", "Text body; null for sensitive entries (their body is in `secrets`)."),
        ("fields", "The kind's plaintext fields (url, username, dueAt, emails, ...)."),
        (
            "secrets",
            "Decrypted secrets: an object with `password`, `totpSeed` and/or `body`; null "
            "when it has none.",
        ),
        ("sensitive", "Its body is encrypted at rest."),
        ("categoryId", "Id of its category (see pod/categories.json), or null."),
        ("tagIds", "Ids of its tags (see pod/tags.json)."),
        ("version", "Bumped by each change."),
        ("expiresAt", "When it disappears by itself, or null."),
        ("deletedAt", "When it went to the trash, or null."),
        ("createdAt", "ISO 8601."),
        ("updatedAt", "ISO 8601."),
    ),
    rows=_entries,
)

ACTIVITY = Section(
    name="pod.activity",
    file="pod/activity.json",
    version=1,
    description="The pod's activity log of my account, oldest first. Values of secrets "
    "never appear in it.",
    fields=fields(
        ("id", "Position in the log (integer)."),
        ("action", "CREATED, UPDATED, DELETED, RESTORED, SECRET_VIEWED, TAGS_CHANGED, ..."),
        ("entityType", "ENTRY, CATEGORY or TAG."),
        ("nodeType", "The GraphQL type (Note, Password, Category, ...)."),
        ("entityId", "Id of the object."),
        ("entryId", "Id of the entry for entry activity, else null."),
        ("sessionId", "The device session that acted, or null."),
        ("actorId", "The person who acted when not I (someone I shared the entry with), or null."),
        ("oldValues", "Values before the change (object), or null."),
        ("newValues", "Values after the change (object), or null."),
        ("createdAt", "ISO 8601."),
    ),
    rows=_activity,
)

ATTACHMENTS = Section(
    name="pod.attachments",
    file="pod/attachments.json",
    version=1,
    description="The files attached to those entries. Each file's bytes are in the archive "
    "at `file` (files/pod/<id>/<name>), exactly as stored (images as the media job kept "
    "them: upright, without EXIF/GPS unless I chose to keep it).",
    fields=fields(
        ("id", "Attachment id (UUID)."),
        ("entryId", "The entry it belongs to (see pod/entries.json)."),
        ("name", "File name, as shown."),
        ("mimeType", "Its type, sniffed from its bytes."),
        ("size", "Bytes."),
        ("sha256", "SHA-256 (hex) of the bytes."),
        (
            "file",
            "Where its bytes are in this archive, or null if the blob store could not give "
            "them (counted in `attachmentFiles.missing` of manifest.json).",
        ),
        ("createdAt", "ISO 8601."),
    ),
    rows=_attachments,
)

SHARES = Section(
    name="pod.shares",
    file="pod/shares.json",
    version=1,
    description="Shares of entries with people: the shares of my entries and those I made "
    "of others' entries (MADE), and those made with me (RECEIVED); revoked ones too. An "
    "entry shared with me is someone else's data: only the share is here, not the entry.",
    fields=fields(
        ("id", "Share id (UUID)."),
        ("direction", "MADE (of my entries, or by me) or RECEIVED (with me)."),
        ("entryId", "The shared entry."),
        ("ownerId", "The entry's owner."),
        ("personId", "Who it is shared with."),
        ("sharedBy", "Who shared it: the owner, or an ADMIN sharer."),
        ("permission", "READ, WRITE or ADMIN."),
        ("includeSecret", "Whether the entry's secrets are shared too."),
        ("expiresAt", "When it ends by itself, or null."),
        ("revokedAt", "When it was revoked, or null."),
        ("accessCount", "How often it was used to read the entry."),
        ("lastAccessedAt", "Its last use, or null."),
        ("createdAt", "ISO 8601."),
        ("updatedAt", "ISO 8601."),
    ),
    rows=_shares,
)

SHARE_LINKS = Section(
    name="pod.shareLinks",
    file="pod/share_links.json",
    version=1,
    description="Read-only links to my entries, or made by me. Their tokens are not here: "
    "the server keeps only a hash of each.",
    fields=fields(
        ("id", "Link id (UUID)."),
        ("entryId", "The entry it opens."),
        ("ownerId", "The entry's owner."),
        ("createdBy", "Who made the link."),
        ("includeSecret", "Whether it shows the entry's secrets."),
        ("expiresAt", "When it stops opening."),
        ("maxUses", "How many openings it allows, or null."),
        ("useCount", "How often it was opened."),
        ("lastAccessedAt", "Its last opening, or null."),
        ("revokedAt", "When it was revoked, or null."),
        ("createdAt", "ISO 8601."),
    ),
    rows=_links,
)
