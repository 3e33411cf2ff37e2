"""Journal queries: entries, tags, reminders, topics, similar entries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from datastore.journal.repository import EntryFilter, ReminderFilter
from datastore.journal.repository.entries import entry_key
from datastore.journal.repository.topics import TopicKey, topic_key
from datastore.kit.errors import BadUserInput
from datastore.vault.repository.entries import vault_entry_key
from resolvers.core.context import Info
from resolvers.core.ids import argument_uuid
from resolvers.core.nodes import owned, require_owned
from resolvers.core.pagination import (
    DAY_TIME_AND_ID,
    TIME_AND_ID,
    After,
    Connection,
    First,
    day_time_and_id,
    decode_after,
    encode_cursor,
    keyset_page,
    list_page,
    name_and_id,
    offset_after,
    offset_cursor,
    page_limit,
    time_and_id,
    time_and_id_cursor,
)
from resolvers.core.permissions import IsAuthenticated
from resolvers.journal.inputs import JournalEntryFilter
from resolvers.journal.types import (
    JournalEntry,
    JournalTag,
    Reminder,
    SimilarEntry,
    Topic,
    TopicUsage,
)

_UUID = r"[0-9a-f-]{36}"
_TOPIC_KEY = rf"(True|False)\|.{{1,60}}\|{_UUID}"
EntryId = Annotated[relay.GlobalID, strawberry.argument(description="A JournalEntry's id.")]


@strawberry.type
class JournalQueries:
    @strawberry.field(
        description="One of my journal entries (NOT_FOUND if not mine).",
        permission_classes=[IsAuthenticated],
    )
    async def journal_entry(self, info: Info, id: EntryId) -> JournalEntry:
        user_id = info.context.require_principal().user_id
        entry_id = argument_uuid(id, "JournalEntry", field="id")
        row = await info.context.loaders.journal.entry_by_id.load(entry_id)
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
        secret_tag: Annotated[
            relay.GlobalID | None,
            strawberry.argument(
                description="List this SecretTag's hidden entries instead (ciphertext in "
                "vaultBlob); VAULT_LOCKED unless its vault is open on this device session."
            ),
        ] = None,
    ) -> Connection[JournalEntry]:
        if secret_tag is not None:
            if filter is not None:
                raise BadUserInput("Filters apply to ordinary entries only.", field="filter")
            return await _hidden_entries(info, secret_tag, first, after)
        user_id = info.context.require_principal().user_id
        limit = page_limit(info, first)
        entry_filter = _entry_filter(filter)
        start = decode_after("entry", after, pattern=DAY_TIME_AND_ID, parse=day_time_and_id)
        rows = await info.context.services.journal.list_entries(
            user_id, entry_filter, limit=limit + 1, after=start
        )
        for row in rows:
            info.context.loaders.journal.entry_by_id.prime(row.id, row)
        return keyset_page(
            rows,
            limit,
            after,
            node=JournalEntry.from_row,
            cursor=lambda row: encode_cursor("entry", "|".join(map(str, entry_key(row)))),
        )

    @strawberry.field(description="My journal tags by name.", permission_classes=[IsAuthenticated])
    async def journal_tags(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[JournalTag]:
        user_id = info.context.require_principal().user_id
        limit = page_limit(info, first)
        start = decode_after("tag", after, pattern=rf".{{1,50}}\|{_UUID}", parse=name_and_id)
        rows = await info.context.services.journal.list_tags(user_id, limit=limit + 1, after=start)
        return keyset_page(
            rows,
            limit,
            after,
            node=JournalTag.from_row,
            cursor=lambda row: encode_cursor("tag", f"{row.name.lower()}|{row.id}"),
        )

    @strawberry.field(
        description="My tags whose name loosely matches `query` (typos and prefixes allowed: "
        '"gratitdue" finds Gratitude), best match first.',
        permission_classes=[IsAuthenticated],
    )
    async def search_journal_tags(
        self,
        info: Info,
        query: Annotated[str, strawberry.argument(description="A name or part, 1-50 chars.")],
        first: First = None,
        after: After = None,
    ) -> Connection[JournalTag]:
        user_id = info.context.require_principal().user_id
        rows = await info.context.services.journal.search_tags(user_id, query)
        return list_page(rows, kind="tagsearch", node=JournalTag.from_row, first=first, after=after)

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
        limit = page_limit(info, first)
        start = decode_after("reminder", after, pattern=TIME_AND_ID, parse=time_and_id)
        rows = await info.context.services.reminders.list_reminders(
            user_id, ReminderFilter(due_before, completed), limit=limit + 1, after=start
        )
        return keyset_page(
            rows,
            limit,
            after,
            node=Reminder.from_row,
            cursor=lambda row: time_and_id_cursor("reminder", row.remind_at, row.id),
        )

    @strawberry.field(
        description="System topics and mine, the ones I pinned first, then by name, with how "
        "many of my entries have each.",
        permission_classes=[IsAuthenticated],
    )
    async def topics(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[TopicUsage]:
        user_id = info.context.require_principal().user_id
        limit = page_limit(info, first)
        start = decode_after("topic", after, pattern=_TOPIC_KEY, parse=_topic_key)
        rows = await info.context.services.journal.list_topics(
            user_id, limit=limit + 1, after=start
        )
        return keyset_page(
            rows,
            limit,
            after,
            node=lambda r: TopicUsage(topic=Topic.from_row(r.topic), entry_count=r.entry_count),
            cursor=lambda r: encode_cursor("topic", "|".join(map(str, topic_key(r.topic)))),
        )

    @strawberry.field(
        description="System topics and mine whose name (or distinctive words) loosely match "
        "`query`, typos allowed, best first.",
        permission_classes=[IsAuthenticated],
    )
    async def search_topics(
        self,
        info: Info,
        query: Annotated[str, strawberry.argument(description="Part of a name, 1-60 chars.")],
        first: First = None,
        after: After = None,
    ) -> Connection[TopicUsage]:
        user_id = info.context.require_principal().user_id
        rows = await info.context.services.journal.search_topics(user_id, query)
        return list_page(
            rows,
            kind="topicsearch",
            node=lambda r: TopicUsage(topic=Topic.from_row(r.topic), entry_count=r.entry_count),
            first=first,
            after=after,
        )

    @strawberry.field(
        description="My other entries closest in meaning to this one (empty until embedded).",
        permission_classes=[IsAuthenticated],
    )
    async def similar_entries(
        self, info: Info, id: EntryId, first: First = None, after: After = None
    ) -> Connection[SimilarEntry]:
        user_id = info.context.require_principal().user_id
        entry_id = argument_uuid(id, "JournalEntry", field="id")
        loader = info.context.loaders.journal.entry_by_id
        require_owned(await loader.load(entry_id), user_id, "journal entry")
        limit, offset = page_limit(info, first), offset_after("similar", after)
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


async def _hidden_entries(
    info: Info, secret_tag: relay.GlobalID, first: int | None, after: str | None
) -> Connection[JournalEntry]:
    """A secret tag's entries, read from the vault only (no other table holds them)."""
    principal = info.context.require_principal()
    tag_id = argument_uuid(secret_tag, "SecretTag", field="secretTag")
    limit = page_limit(info, first)
    start = decode_after("vaultentry", after, pattern=DAY_TIME_AND_ID, parse=day_time_and_id)
    rows = await info.context.services.vault.list_entries(
        principal.user_id, principal.session_id, tag_id, limit=limit + 1, after=start
    )
    return keyset_page(
        rows,
        limit,
        after,
        node=JournalEntry.from_vault_row,
        cursor=lambda row: encode_cursor("vaultentry", "|".join(map(str, vault_entry_key(row)))),
    )


def _topic_key(value: str) -> TopicKey:
    """The keyset of a `topics` cursor: `True|name|id` for an unpinned topic."""
    unpinned, _, rest = value.partition("|")
    return (unpinned == "True", *name_and_id(rest))


def _entry_filter(given: JournalEntryFilter | None) -> EntryFilter:
    if given is None:
        return EntryFilter()
    for name, value in (("moodMin", given.mood_min), ("moodMax", given.mood_max)):
        if value is not None and not 1 <= value <= 10:
            raise BadUserInput("Mood is 1 to 10.", field=name)
    tag_id = argument_uuid(given.tag_id, "JournalTag", field="tagId") if given.tag_id else None
    return EntryFilter(given.date_from, given.date_to, given.mood_min, given.mood_max, tag_id)
