"""Entry use cases: create, versioned update, trash and restore, tagging."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.journal.repository.analysis import AnalysisRepository
from datastore.kit.crypto.sealing import open_sealed, seal
from datastore.kit.errors import BadUserInput, Conflict, NotFound
from datastore.pod.repository.activity import ActivityRepository
from datastore.pod.repository.categories import CategoryRepository
from datastore.pod.repository.entries import EntryRepository
from datastore.pod.repository.tags import TagRepository
from datastore.pod.service.changes import Actor, EntryDraft, EntryPatch
from datastore.pod.service.datakeys import DataKeys
from datastore.pod.service.journal import Journal, diff
from datastore.pod.tables import Entry

SEALED_MARK = "[encrypted]"


def public_values(row: Entry) -> dict[str, Any]:
    """What activity records may show of an entry: never a secret or sealed body."""
    return {
        "title": row.title,
        "body": SEALED_MARK if row.sensitive else row.body,
        "status": row.status,
        "sensitive": row.sensitive,
        "categoryId": str(row.category_id) if row.category_id else None,
        "expiresAt": row.expires_at.isoformat() if row.expires_at else None,
        "fields": row.fields,
    }


def _with_done_at(fields: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    """Tasks: doneAt is when done became true, and clears with it."""
    if "done" not in fields:
        return fields
    if fields["done"] and not before.get("done"):
        return {**fields, "doneAt": datetime.now(UTC).isoformat()}
    if not fields["done"]:
        return {**fields, "doneAt": None}
    return fields


def _tags_changed(
    journal: Journal, row: Entry, added: list[uuid.UUID], removed: list[uuid.UUID]
) -> None:
    journal.activity(
        "TAGS_CHANGED",
        "ENTRY",
        row.id,
        kind=row.kind,
        old={"removed": sorted(str(t) for t in removed)},
        new={"added": sorted(str(t) for t in added)},
    )


class EntryService:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        keys: DataKeys,
        invalidate: Callable[[uuid.UUID], Awaitable[None]],
    ) -> None:
        self.db = db
        self.keys = keys
        self.invalidate = invalidate

    async def create(
        self,
        actor: Actor,
        draft: EntryDraft,
        *,
        then: Callable[[AsyncSession, Entry], Awaitable[None]] | None = None,
    ) -> Entry:
        """A new entry; `then` writes what belongs with it (its files) in its transaction."""
        async with self.db() as db, db.begin():
            category_id = await self._category(db, actor, draft.category_id)
            await self._check_tags(db, actor, draft.tag_ids)
            body, sealed = await self._seal(
                db, actor, body=draft.body, sensitive=draft.sensitive, secrets=draft.secrets
            )
            row = await EntryRepository(db).insert(
                user_id=actor.user_id,
                kind=draft.kind,
                title=draft.title,
                body=body,
                status=draft.status,
                fields=_with_done_at(draft.fields, {}),
                sealed=sealed,
                sensitive=draft.sensitive,
                category_id=category_id,
                expires_at=draft.expires_at,
            )
            await EntryRepository(db).add_tags(row.id, actor.user_id, draft.tag_ids)
            if then is not None:
                await then(db, row)
            journal = Journal(db, actor)
            new = {**public_values(row), "tagIds": [str(t) for t in sorted(draft.tag_ids)]}
            journal.activity("CREATED", "ENTRY", row.id, kind=row.kind, new=new)
            journal.change("ENTRY", row.id, "CREATED", row.version, kind=row.kind)
            await journal.flush()
        await self.invalidate(actor.user_id)
        return row

    async def update(
        self, actor: Actor, entry_id: uuid.UUID, expected_version: int, patch: EntryPatch
    ) -> Entry:
        async with self.db() as db, db.begin():
            row = await self._locked(db, actor, entry_id)
            if row.version != expected_version:
                raise Conflict(
                    "This entry changed since you read it; merge and retry.",
                    currentVersion=row.version,
                )
            if row.status == "DELETED":
                raise BadUserInput("Restore this entry before changing it.", field="id")
            values = dict(patch.values)
            if "category_id" in values:
                values["category_id"] = await self._category(db, actor, values["category_id"])
            if patch.tag_ids is not None:
                await self._check_tags(db, actor, patch.tag_ids)
            if patch.fields:
                values["fields"] = {**row.fields, **_with_done_at(patch.fields, row.fields)}
            await self._reseal(db, actor, row, patch, values)
            # The update refreshes `row` itself (one identity per id): read "before" first.
            before, before_category = public_values(row), row.category_id
            was_sensitive = row.sensitive
            updated = await EntryRepository(db).update(row.id, **values)
            journal = Journal(db, actor)
            if updated.sensitive and not was_sensitive:
                await self._forget_plaintext(db, actor, row.id)
                before["body"] = SEALED_MARK
            old, new = diff(before, public_values(updated))
            if patch.secrets:
                old["secret"], new["secret"] = SEALED_MARK, "changed"
            if old or new:
                journal.activity("UPDATED", "ENTRY", row.id, kind=row.kind, old=old, new=new)
            if before_category != updated.category_id:
                journal.activity(
                    "MOVED",
                    "ENTRY",
                    row.id,
                    kind=row.kind,
                    old={"categoryId": before["categoryId"]},
                    new={"categoryId": str(updated.category_id)},
                )
            if patch.tag_ids is not None:
                await self._replace_tags(db, actor, journal, row, patch.tag_ids)
            journal.change("ENTRY", row.id, "UPDATED", updated.version, kind=row.kind)
            await journal.flush()
        await self.invalidate(actor.user_id)
        return updated

    async def trash(self, actor: Actor, entry_id: uuid.UUID) -> Entry:
        async with self.db() as db, db.begin():
            row = await self._locked(db, actor, entry_id)
            if row.status == "DELETED":
                return row
            previous = row.status
            updated = await EntryRepository(db).update(
                row.id, status="DELETED", previous_status=previous, deleted_at=func.now()
            )
            journal = Journal(db, actor)
            journal.activity(
                "DELETED",
                "ENTRY",
                row.id,
                kind=row.kind,
                old={"status": previous},
                new={"status": "DELETED"},
            )
            journal.change("ENTRY", row.id, "TRASHED", updated.version, kind=row.kind)
            await journal.flush()
        await self.invalidate(actor.user_id)
        return updated

    async def restore(self, actor: Actor, entry_id: uuid.UUID) -> Entry:
        async with self.db() as db, db.begin():
            row = await self._locked(db, actor, entry_id)
            if row.status != "DELETED":
                raise BadUserInput("This entry is not in the trash.", field="id")
            status = row.previous_status or "ACTIVE"
            updated = await EntryRepository(db).update(
                row.id, status=status, previous_status=None, deleted_at=None
            )
            journal = Journal(db, actor)
            journal.activity(
                "RESTORED",
                "ENTRY",
                row.id,
                kind=row.kind,
                old={"status": "DELETED"},
                new={"status": status},
            )
            journal.change("ENTRY", row.id, "RESTORED", updated.version, kind=row.kind)
            await journal.flush()
        await self.invalidate(actor.user_id)
        return updated

    async def change_tags(
        self,
        actor: Actor,
        entry_id: uuid.UUID,
        *,
        add: list[uuid.UUID] = (),  # type: ignore[assignment]
        remove: list[uuid.UUID] = (),  # type: ignore[assignment]
    ) -> Entry:
        """Add or remove tags without a version check: tagging commutes."""
        async with self.db() as db, db.begin():
            row = await self._locked(db, actor, entry_id)
            await self._check_tags(db, actor, [*add, *remove])
            repository = EntryRepository(db)
            added = await repository.add_tags(row.id, actor.user_id, add)
            removed = await repository.remove_tags(row.id, remove) if remove else []
            if not added and not removed:
                return row
            updated = await repository.update(row.id)
            journal = Journal(db, actor)
            _tags_changed(journal, row, added, removed)
            journal.change("ENTRY", row.id, "UPDATED", updated.version, kind=row.kind)
            await journal.flush()
        await self.invalidate(actor.user_id)
        return updated

    async def _replace_tags(
        self,
        db: AsyncSession,
        actor: Actor,
        journal: Journal,
        row: Entry,
        tag_ids: list[uuid.UUID],
    ) -> None:
        entry_id = row.id
        repository = EntryRepository(db)
        current = set(await repository.tag_ids_of(entry_id))
        wanted = set(tag_ids)
        removed = await repository.remove_tags(entry_id, list(current - wanted))
        added = await repository.add_tags(entry_id, actor.user_id, list(wanted - current))
        if added or removed:
            _tags_changed(journal, row, added, removed)

    async def _forget_plaintext(self, db: AsyncSession, actor: Actor, entry_id: uuid.UUID) -> None:
        """An entry turning sensitive: its body leaves every earlier activity row, and its
        vector (made from the plaintext) goes, in the transaction that seals it."""
        await ActivityRepository(db).seal_values_of_entry(
            actor.user_id, entry_id, ("body",), SEALED_MARK
        )
        await AnalysisRepository(db).drop_embedding("POD", entry_id)

    async def _locked(self, db: AsyncSession, actor: Actor, entry_id: uuid.UUID) -> Entry:
        row = await EntryRepository(db).get_for_update(entry_id, actor.user_id)
        if row is None:
            raise NotFound("No such entry.", field="id")
        return row

    async def _category(
        self, db: AsyncSession, actor: Actor, category_id: uuid.UUID | None
    ) -> uuid.UUID:
        """The given category if it is the user's, or their Inbox when none is given."""
        repository = CategoryRepository(db)
        inbox = await repository.ensure_inbox(actor.user_id)
        if category_id is None:
            return inbox
        if not await repository.exists(category_id, actor.user_id):
            raise BadUserInput("No such category.", field="categoryId")
        return category_id

    async def _check_tags(self, db: AsyncSession, actor: Actor, tag_ids: list[uuid.UUID]) -> None:
        if tag_ids and len(await TagRepository(db).owned_ids(actor.user_id, tag_ids)) != len(
            set(tag_ids)
        ):
            raise BadUserInput("No such tag.", field="tagIds")

    async def _seal(
        self,
        db: AsyncSession,
        actor: Actor,
        *,
        body: str | None,
        sensitive: bool,
        secrets: dict[str, Any],
        key: bytes | None = None,
    ) -> tuple[str | None, bytes | None]:
        """(plaintext body column, sealed payload): a sensitive body goes into the seal.
        `key`: the user's data key when the caller has it already."""
        payload = {k: v for k, v in secrets.items() if v is not None}
        if sensitive and body is not None:
            payload["body"] = body
        if not payload:
            return (None if sensitive else body), None
        key = key or await self.keys.for_user(db, actor.user_id)
        return (None if sensitive else body), seal(key, payload)

    async def _reseal(
        self, db: AsyncSession, actor: Actor, row: Entry, patch: EntryPatch, values: dict
    ) -> None:
        """Fold secret and sensitivity changes into `values` (body and sealed columns)."""
        sensitive = values.get("sensitive", row.sensitive)
        touches_body = "body" in values and sensitive
        if not (patch.secrets or "sensitive" in values or touches_body):
            return
        current: dict[str, Any] = {}
        key = None
        if row.sealed is not None:
            key = await self.keys.for_user(db, actor.user_id)
            current = open_sealed(key, row.sealed)
        body = values.get("body", current.pop("body", None) if row.sensitive else row.body)
        current.pop("body", None)
        values["body"], values["sealed"] = await self._seal(
            db,
            actor,
            body=body,
            sensitive=sensitive,
            secrets={**current, **patch.secrets},
            key=key,
        )
