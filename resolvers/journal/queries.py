"""Journal queries: entries, tags, reminders, topics, similar entries."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry import relay

from datastore.journal.repository import (
    EntryFilter,
    JournalEntryRepository,
    JournalTagRepository,
    ReminderRepository,
)
from datastore.journal.repository.entries import entry_key
from datastore.journal.repository.topics import TopicRepository
from datastore.kit.errors import BadUserInput
from resolvers.core.context import Context
from resolvers.core.pagination import (
    After,
    Connection,
    First,
    decode_cursor,
    encode_cursor,
    page_size,
)
from resolvers.core.permissions import IsAuthenticated
from resolvers.journal.access import (
    node_uuid,
    offset_after,
    offset_cursor,
    owned,
    require_owned,
)
from resolvers.journal.inputs import JournalEntryFilter
from resolvers.journal.types import (
    JournalEntry,
    JournalTag,
    Reminder,
    SimilarEntry,
    Topic,
    TopicUsage,
)

Info = strawberry.Info[Context, None]
_UUID = r"[0-9a-f-]{36}"
_ENTRY_CURSOR = rf"\d{{4}}-\d\d-\d\d\|[^|]+\|{_UUID}"
T = TypeVar("T")
R = TypeVar("R")
EntryId = Annotated[relay.GlobalID, strawberry.argument(description="A JournalEntry's id.")]


def _limit(info: Info, first: int | None) -> int:
    return page_size(first, maximum=info.context.settings.max_page_size)


def _after(kind: str, after: str | None, *, pattern: str, parse: Callable[[str], T]) -> T | None:
    """The keyset position in a `kind` cursor; a malformed one is BAD_USER_INPUT."""
    if after is None:
        return None
    value = decode_cursor(kind, after, pattern=pattern)
    try:
        return parse(value)
    except ValueError:
        raise BadUserInput("This cursor does not belong to this list.", field="after") from None


def _name_key(value: str) -> tuple[str, uuid.UUID]:
    name, _, row_id = value.rpartition("|")
    return name, uuid.UUID(row_id)


def _keyset_page(
    rows: Sequence[R],
    limit: int,
    after: str | None,
    *,
    kind: str,
    key: Callable[[R], str],
    node: Callable[[R], Any],
) -> Connection[Any]:
    """A page of `rows` fetched `limit + 1` deep, each cursor holding its row's `key`."""
    return Connection.build(
        rows[:limit],
        node=node,
        cursor=lambda row: encode_cursor(kind, key(row)),
        has_next=len(rows) > limit,
        has_previous=after is not None,
    )


@strawberry.type
class JournalQueries:
    @strawberry.field(
        description="One of my journal entries (NOT_FOUND if not mine).",
        permission_classes=[IsAuthenticated],
    )
    async def journal_entry(self, info: Info, id: EntryId) -> JournalEntry:
        user_id = info.context.require_principal().user_id
        row = await info.context.loaders.journal.entry_by_id.load(node_uuid(id, "JournalEntry"))
        return JournalEntry.from_row(require_owned(row, user_id, "journal entry"))

    @strawberry.field(
        description="My journal entries, newest entry date first, optionally filtered.",
        permission_classes=[IsAuthenticated],
    )
    async def journal_entries(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: Annotated[
            JournalEntryFilter | None, strawberry.argument(description="Conditions to match.")
        ] = None,
    ) -> Connection[JournalEntry]:
        user_id = info.context.require_principal().user_id
        limit = _limit(info, first)
        entry_filter = _entry_filter(filter)
        start = _after("entry", after, pattern=_ENTRY_CURSOR, parse=_entry_key)
        async with info.context.services.clients.db() as session:
            rows = await JournalEntryRepository(session).page(
                user_id, entry_filter, limit=limit + 1, after=start
            )
        for row in rows:
            info.context.loaders.journal.entry_by_id.prime(row.id, row)
        return _keyset_page(
            rows,
            limit,
            after,
            kind="entry",
            key=lambda row: "|".join(map(str, entry_key(row))),
            node=JournalEntry.from_row,
        )

    @strawberry.field(description="My journal tags by name.", permission_classes=[IsAuthenticated])
    async def journal_tags(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[JournalTag]:
        user_id = info.context.require_principal().user_id
        limit = _limit(info, first)
        start = _after("tag", after, pattern=rf".{{1,50}}\|{_UUID}", parse=_name_key)
        async with info.context.services.clients.db() as session:
            rows = await JournalTagRepository(session).page(user_id, limit=limit + 1, after=start)
        return _keyset_page(
            rows,
            limit,
            after,
            kind="tag",
            key=lambda row: f"{row.name.lower()}|{row.id}",
            node=JournalTag.from_row,
        )

    @strawberry.field(
        description="My reminders, soonest first.", permission_classes=[IsAuthenticated]
    )
    async def reminders(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        due_before: Annotated[
            datetime | None, strawberry.argument(description="Only those due at or before this.")
        ] = None,
        completed: Annotated[
            bool | None, strawberry.argument(description="Only completed (true) or open (false).")
        ] = None,
    ) -> Connection[Reminder]:
        user_id = info.context.require_principal().user_id
        limit = _limit(info, first)
        start = _after("reminder", after, pattern=rf"[^|]+\|{_UUID}", parse=_reminder_key)
        async with info.context.services.clients.db() as session:
            rows = await ReminderRepository(session).page(
                user_id, limit=limit + 1, after=start, due_before=due_before, completed=completed
            )
        return _keyset_page(
            rows,
            limit,
            after,
            kind="reminder",
            key=lambda row: f"{row.remind_at.isoformat()}|{row.id}",
            node=Reminder.from_row,
        )

    @strawberry.field(
        description="System topics and mine, by name, with how many of my entries have each.",
        permission_classes=[IsAuthenticated],
    )
    async def topics(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[TopicUsage]:
        user_id = info.context.require_principal().user_id
        limit = _limit(info, first)
        start = _after("topic", after, pattern=rf".{{1,60}}\|{_UUID}", parse=_name_key)
        async with info.context.services.clients.db() as session:
            rows = await TopicRepository(session).page_with_counts(
                user_id, limit=limit + 1, after=start
            )
        return _keyset_page(
            rows,
            limit,
            after,
            kind="topic",
            key=lambda r: f"{r.topic.name.lower()}|{r.topic.id}",
            node=lambda r: TopicUsage(topic=Topic.from_row(r.topic), entry_count=r.entry_count),
        )

    @strawberry.field(
        description="My other entries closest in meaning to this one (empty until embedded).",
        permission_classes=[IsAuthenticated],
    )
    async def similar_entries(
        self, info: Info, id: EntryId, first: First = None, after: After = None
    ) -> Connection[SimilarEntry]:
        user_id = info.context.require_principal().user_id
        entry_id = node_uuid(id, "JournalEntry")
        loader = info.context.loaders.journal.entry_by_id
        require_owned(await loader.load(entry_id), user_id, "journal entry")
        limit, offset = _limit(info, first), offset_after("similar", after)
        search = info.context.services.search
        found, has_next = await search.similar(user_id, entry_id, limit=limit, offset=offset)
        rows = await loader.load_many([i for i, _ in found])
        pairs = [
            (offset + n, SimilarEntry(entry=JournalEntry.from_row(mine), score=round(score, 4)))
            for n, (row, (_, score)) in enumerate(zip(rows, found, strict=True))
            if (mine := owned(row, user_id))
        ]
        return Connection.build(
            pairs,
            node=lambda pair: pair[1],
            cursor=lambda pair: offset_cursor("similar", pair[0]),
            has_next=has_next,
            has_previous=offset > 0,
        )


def _entry_filter(given: JournalEntryFilter | None) -> EntryFilter:
    if given is None:
        return EntryFilter()
    for name, value in (("moodMin", given.mood_min), ("moodMax", given.mood_max)):
        if value is not None and not 1 <= value <= 10:
            raise BadUserInput("Mood is 1 to 10.", field=name)
    tag_id = node_uuid(given.tag_id, "JournalTag", field="tagId") if given.tag_id else None
    return EntryFilter(given.date_from, given.date_to, given.mood_min, given.mood_max, tag_id)


def _entry_key(value: str) -> tuple[date, datetime, uuid.UUID]:
    day, at, entry_id = value.split("|")
    return date.fromisoformat(day), datetime.fromisoformat(at), uuid.UUID(entry_id)


def _reminder_key(value: str) -> tuple[datetime, uuid.UUID]:
    at, _, reminder_id = value.partition("|")
    return datetime.fromisoformat(at), uuid.UUID(reminder_id)
