"""Importing an archive's pod: categories (with their tree), tags, entries with their
secrets sealed again under this account's data key, their tags, and their files (staged
into the blob store before the transaction, see importer.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from datastore.exports.items import ItemReader
from datastore.exports.ledger import Ledger
from datastore.exports.sections import pod
from datastore.kit.crypto.sealing import seal
from datastore.kit.errors import BadUserInput
from datastore.pod import validation as check
from datastore.pod.files import StagedFile
from datastore.pod.repository.categories import INBOX, CategoryRepository
from datastore.pod.repository.entries import EntryRepository
from datastore.pod.repository.export import PodExportRepository
from datastore.pod.repository.tags import TagRepository
from datastore.pod.service.attachments import AttachmentService
from datastore.pod.service.changes import Actor
from datastore.pod.service.datakeys import DataKeys
from datastore.pod.service.entries import public_values
from datastore.pod.service.journal import Journal
from datastore.pod.tables import Entry

ENTRY_KINDS = ("NOTE", "PASSWORD", "DOCUMENT", "BOOKMARK", "TASK", "CONTACT")
ENTRY_STATUSES = ("DRAFT", "ACTIVE", "ARCHIVED", "DELETED")
SECRET_KEYS = frozenset({"password", "totpSeed", "body"})
MAX_SECRET_CHARS = 4096
# The plaintext fields each kind has (resolvers/pod/drafts.py); secrets never among them.
KIND_FIELDS: dict[str, frozenset[str]] = {
    "NOTE": frozenset(),
    "DOCUMENT": frozenset(),
    "PASSWORD": frozenset({"url", "username", "hasTotp"}),
    "BOOKMARK": frozenset({"url", "faviconUrl"}),
    "TASK": frozenset({"dueAt", "done", "doneAt", "priority"}),
    "CONTACT": frozenset(
        {"givenName", "familyName", "organisation", "emails", "phones", "addresses", "birthday"}
    ),
}
MAX_CATEGORY_NAME = 100
Items = list[dict[str, Any]]


class PodImport:
    def __init__(
        self,
        db: AsyncSession,
        user_id: uuid.UUID,
        ledger: Ledger,
        keys: DataKeys,
        attachments: AttachmentService,
    ):
        self.db = db
        self.user_id = user_id
        self.actor = Actor(user_id, None)
        self.ledger = ledger
        self.keys = keys
        self.attachments = attachments
        # Activity and sync changes of everything created, written with it.
        self.journal = Journal(db, self.actor)
        # The staged files that became attachments (the importer discards the others).
        self.attached: set[uuid.UUID] = set()

    async def run(
        self,
        categories: Items,
        tags: Items,
        entries: Items,
        attachments: Items,
        staged: dict[uuid.UUID, StagedFile],
    ) -> None:
        category_ids = await self._categories(categories)
        tag_ids = await self._tags(tags)
        created = await self._entries(entries, category_ids, tag_ids)
        await self._attachments(attachments, created, staged)
        await self.journal.flush()

    async def _categories(self, items: Items) -> dict[uuid.UUID, uuid.UUID]:
        kind = pod.CATEGORIES.name
        mapped = await self.ledger.known(kind)
        repository = CategoryRepository(self.db)
        inbox = await repository.ensure_inbox(self.user_id)
        pairs: list[tuple[uuid.UUID, uuid.UUID, bool]] = []
        for reader in _parents_first(
            [ItemReader(pod.CATEGORIES.file, i, v) for i, v in enumerate(items)]
        ):
            source = reader.uuid("id")
            if source in mapped:
                self.ledger.skipped(kind)
                continue
            if reader.optional_text("systemKey") == INBOX:
                mapped[source] = inbox
                pairs.append((source, inbox, False))
                continue
            parent = reader.optional_uuid("parentId")
            row = await repository.insert(
                user_id=self.user_id,
                parent_id=mapped.get(parent) if parent else None,
                name=reader.checked("name", _category_name, reader.text("name")),
                color=reader.checked("color", check.color, reader.optional_text("color")),
                icon=reader.checked("icon", check.icon, reader.optional_text("icon")),
                position=reader.integer("position"),
            )
            mapped[source] = row.id
            pairs.append((source, row.id, True))
            self.journal.activity("CREATED", "CATEGORY", row.id, new={"name": row.name})
            self.journal.change("CATEGORY", row.id, "CREATED", row.version)
        await self.ledger.brought_in(kind, pairs)
        return mapped

    async def _tags(self, items: Items) -> dict[uuid.UUID, uuid.UUID]:
        kind = pod.TAGS.name
        mapped = await self.ledger.known(kind)
        readers = [ItemReader(pod.TAGS.file, i, v) for i, v in enumerate(items)]
        slugs = [r.checked("slug", check.slug, r.text("slug")) for r in readers]
        existing = await PodExportRepository(self.db).tag_ids_by_slugs(self.user_id, slugs)
        pairs: list[tuple[uuid.UUID, uuid.UUID, bool]] = []
        for reader, slug in zip(readers, slugs, strict=True):
            source = reader.uuid("id")
            if source in mapped:
                self.ledger.skipped(kind)
                continue
            if slug in existing:  # the account has this tag: its entries share it
                mapped[source] = existing[slug]
                pairs.append((source, existing[slug], False))
                continue
            name = reader.checked("name", check.title, reader.text("name"))[:64]
            color = reader.checked("color", check.color, reader.optional_text("color"))
            row = await TagRepository(self.db).insert(
                user_id=self.user_id, name=name, slug=slug, color=color
            )
            assert row is not None  # no tag of this slug: checked above, in this transaction
            existing[slug] = mapped[source] = row.id
            pairs.append((source, row.id, True))
            self.journal.activity("CREATED", "TAG", row.id, new={"name": name, "slug": slug})
            self.journal.change("TAG", row.id, "CREATED", row.version)
        await self.ledger.brought_in(kind, pairs)
        return mapped

    async def _entries(
        self, items: Items, categories: dict[uuid.UUID, uuid.UUID], tags: dict[uuid.UUID, uuid.UUID]
    ) -> dict[uuid.UUID, Entry]:
        """Source id -> the entry created for it (now, not by an earlier import)."""
        kind = pod.ENTRIES.name
        created: dict[uuid.UUID, Entry] = {}
        mapped = await self.ledger.known(kind)
        inbox = await CategoryRepository(self.db).ensure_inbox(self.user_id)
        repository = EntryRepository(self.db)
        data_key: bytes | None = None
        pairs: list[tuple[uuid.UUID, uuid.UUID, bool]] = []
        for index, item in enumerate(items):
            reader = ItemReader(pod.ENTRIES.file, index, item)
            source = reader.uuid("id")
            values = _entry_values(reader)
            expires_at = values["expires_at"]
            if source in mapped or (expires_at is not None and expires_at <= datetime.now(UTC)):
                self.ledger.skipped(kind)
                continue
            secrets = _secrets(reader, values)
            if secrets and data_key is None:
                data_key = await self.keys.for_user(self.db, self.user_id)
            category = reader.optional_uuid("categoryId")
            row = await repository.insert(
                user_id=self.user_id,
                **values,
                sealed=seal(data_key, secrets) if secrets and data_key else None,
                category_id=categories.get(category, inbox) if category else inbox,
            )
            tag_ids = sorted({tags[t] for t in reader.uuids("tagIds") if t in tags})
            await repository.add_tags(row.id, self.user_id, tag_ids)
            mapped[source] = row.id
            created[source] = row
            pairs.append((source, row.id, True))
            new = {**public_values(row), "tagIds": [str(t) for t in tag_ids]}
            self.journal.activity("CREATED", "ENTRY", row.id, kind=row.kind, new=new)
            self.journal.change("ENTRY", row.id, "CREATED", row.version, kind=row.kind)
        await self.ledger.brought_in(kind, pairs)
        return created

    async def _attachments(
        self, items: Items, entries: dict[uuid.UUID, Entry], staged: dict[uuid.UUID, StagedFile]
    ) -> None:
        """Files onto the entries created now, within the quota and the per-entry limit."""
        kind = pod.ATTACHMENTS.name
        mapped = await self.ledger.known(kind)
        pairs: list[tuple[uuid.UUID, uuid.UUID, bool]] = []
        for index, item in enumerate(items):
            reader = ItemReader(pod.ATTACHMENTS.file, index, item)
            source = reader.uuid("id")
            file = staged.get(source)
            entry = entries.get(reader.uuid("entryId"))
            if source in mapped or file is None or entry is None:
                self.ledger.skipped(kind)
                continue
            try:
                rows = await self.attachments.attach(
                    self.db, self.actor, entry, [file], field="file"
                )
            except BadUserInput as error:
                raise reader.about("file", error) from None
            self.attached.add(source)
            pairs.append((source, rows[0].id, True))
        await self.ledger.brought_in(kind, pairs)


def _entry_values(reader: ItemReader) -> dict[str, Any]:
    status = reader.one_of("status", ENTRY_STATUSES)
    previous = reader.optional_text("previousStatus")
    if previous is not None and previous not in ENTRY_STATUSES:
        raise reader.bad("previousStatus", f"expected one of {', '.join(ENTRY_STATUSES)}.")
    deleted_at = reader.optional_time("deletedAt")
    if status == "DELETED" and deleted_at is None:
        deleted_at = datetime.now(UTC)
    kind = reader.one_of("kind", ENTRY_KINDS)
    return {
        "kind": kind,
        "status": status,
        "previous_status": previous,
        "title": reader.checked("title", check.title, reader.text("title")),
        "body": reader.checked("body", check.body, reader.optional_text("body")),
        "fields": _kind_fields(reader, kind),
        "sensitive": reader.flag("sensitive"),
        "expires_at": reader.optional_time("expiresAt"),
        "deleted_at": deleted_at if status == "DELETED" else None,
    }


def _kind_fields(reader: ItemReader, kind: str) -> dict[str, Any]:
    """The kind's plaintext fields; any other key (a secret put there) is refused, since
    fields are stored and searched in plaintext."""
    fields = reader.obj("fields") or {}
    unknown = set(fields) - KIND_FIELDS[kind]
    if unknown:
        raise reader.bad("fields", f"{kind} entries have no fields {', '.join(sorted(unknown))}.")
    return fields


def _secrets(reader: ItemReader, values: dict[str, Any]) -> dict[str, Any] | None:
    """The entry's secrets; a sensitive entry's body is one of them, never plaintext."""
    secrets = dict(reader.obj("secrets", optional=True) or {})
    unknown = set(secrets) - SECRET_KEYS
    if unknown or not all(isinstance(v, str) or v is None for v in secrets.values()):
        raise reader.bad("secrets", "expected text values of password, totpSeed and body.")
    if len(secrets.get("password") or "") > MAX_SECRET_CHARS:
        raise reader.bad("secrets", f"a password has at most {MAX_SECRET_CHARS} characters.")
    reader.checked("secrets", check.body, secrets.get("body"))
    if secrets.get("totpSeed") is not None:
        secrets["totpSeed"] = reader.checked("secrets", check.totp_seed, secrets["totpSeed"])
    if values["sensitive"] and values["body"] is not None:
        secrets.setdefault("body", values["body"])
        values["body"] = None
    if values["kind"] == "PASSWORD":
        values["fields"] = {**values["fields"], "hasTotp": secrets.get("totpSeed") is not None}
    return {k: v for k, v in secrets.items() if v is not None} or None


def _category_name(value: str) -> str:
    name = value.strip()
    if not name or len(name) > MAX_CATEGORY_NAME:
        raise BadUserInput(f"A name has 1 to {MAX_CATEGORY_NAME} characters.", field="name")
    return name


def _parents_first(readers: list[ItemReader]) -> list[ItemReader]:
    """Categories ordered so each comes after its parent (a parent missing from the archive,
    or a loop, puts the category at the top of the tree)."""
    by_id = {r.uuid("id"): r for r in readers}
    placed: set[uuid.UUID] = set()
    ordered: list[ItemReader] = []

    def place(category_id: uuid.UUID, trail: frozenset[uuid.UUID]) -> None:
        if category_id in placed:
            return
        reader = by_id[category_id]
        parent = reader.optional_uuid("parentId")
        if parent in by_id and parent not in trail:
            place(parent, trail | {category_id})
        if category_id not in placed:
            placed.add(category_id)
            ordered.append(reader)

    for category_id in by_id:
        place(category_id, frozenset({category_id}))
    return ordered
