"""Journal use cases: entries and tags, each write one transaction with its outbox event.

A write that changes an entry's text enqueues its AI job in the same transaction, so no
committed entry is ever left without its embedding, sentiment and topics.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import structlog

from datastore.accounts.repository.users import UserRepository
from datastore.insights.cache import InsightsCache
from datastore.journal import validation as check
from datastore.journal.changes import record_change
from datastore.journal.repository import EntryFilter, JournalEntryRepository, JournalTagRepository
from datastore.journal.repository.analysis import AnalysisRepository
from datastore.journal.repository.entries import EntryKey
from datastore.journal.repository.jobs import EMBED_JOURNAL, AIJobRepository
from datastore.journal.repository.topics import TopicCount, TopicKey, TopicRepository
from datastore.journal.tables import JournalEntry, JournalTag, Topic
from datastore.kit import zones
from datastore.kit.errors import BadUserInput, NotFound
from datastore.kit.fuzzy import named_like, search_text

log = structlog.get_logger("personalpod.journal")

if TYPE_CHECKING:
    from datastore.kit.clients import Clients

TEXT_FIELDS = {"title", "content"}
MAX_MERGED_TOPICS = 20
MAX_VISIBLE_TOPICS = 5000


class JournalService:
    """Entries, tags and topics; each write enqueues its AI job and outbox event."""

    def __init__(self, clients: Clients, insights: InsightsCache) -> None:
        self.db = clients.db
        self.insights = insights

    # ------------------------------------------------------------------ reads

    async def list_entries(
        self, user_id: uuid.UUID, entry_filter: EntryFilter, *, limit: int, after: EntryKey | None
    ) -> list[JournalEntry]:
        """My entries matching `entry_filter`, newest entry date first, after a keyset."""
        async with self.db() as session:
            return await JournalEntryRepository(session).page(
                user_id, entry_filter, limit=limit, after=after
            )

    async def list_tags(
        self, user_id: uuid.UUID, *, limit: int, after: tuple[str, uuid.UUID] | None
    ) -> list[JournalTag]:
        """My tags by name (ignoring case), after a (lower-case name, id) keyset."""
        async with self.db() as session:
            return await JournalTagRepository(session).page(user_id, limit=limit, after=after)

    async def search_tags(self, user_id: uuid.UUID, query: str) -> list[JournalTag]:
        """My tags whose name matches `query` loosely (typos, a prefix), best first."""
        query = search_text(query, limit=check.MAX_TAG_NAME)
        async with self.db() as session:
            rows = await JournalTagRepository(session).named_like(user_id, query)
        return named_like(query, rows, name=lambda tag: tag.name)

    async def list_topics(
        self, user_id: uuid.UUID, *, limit: int, after: TopicKey | None
    ) -> list[TopicCount]:
        """System topics and mine, my pinned ones first, then by name, each with how many
        of my entries have it."""
        async with self.db() as session:
            return await TopicRepository(session).page_with_counts(
                user_id, limit=limit, after=after
            )

    # ------------------------------------------------------------------ entries

    async def create_entry(
        self,
        user_id: uuid.UUID,
        values: dict[str, Any],
        tag_ids: Sequence[uuid.UUID] | None,
        *,
        device: str | None = None,
    ) -> JournalEntry:
        values = _checked_entry(values, creating=True)
        async with self.db() as session, session.begin():
            entries = JournalEntryRepository(session)
            await self._check_tags(session, user_id, tag_ids)
            if "entry_date" not in values:
                # "Today" is the writer's: late evening in their zone is still that day.
                user = await UserRepository(session).get_by_id(user_id)
                values["entry_date"] = zones.local_today(user.time_zone if user else None)
            entry = await entries.create(user_id, values)
            if tag_ids:
                await entries.replace_tags(entry.id, tag_ids)
            await AIJobRepository(session).enqueue(EMBED_JOURNAL, entry.id, user_id)
            await record_change(session, user_id, "entry", "CREATED", entry, device=device)
        await self.insights.invalidate(user_id)
        return entry

    async def update_entry(
        self,
        user_id: uuid.UUID,
        entry_id: uuid.UUID,
        *,
        expected_version: int | None,
        values: dict[str, Any],
        tag_ids: Sequence[uuid.UUID] | None,
        device: str | None = None,
    ) -> JournalEntry:
        values = _checked_entry(values, creating=False)
        async with self.db() as session, session.begin():
            entries = JournalEntryRepository(session)
            current = await self._locked_entry(entries, user_id, entry_id, expected_version)
            await self._check_tags(session, user_id, tag_ids)
            text_changed = any(
                values.get(k, getattr(current, k)) != getattr(current, k) for k in TEXT_FIELDS
            )
            entry = await entries.update(entry_id, values)
            if tag_ids is not None:
                await entries.replace_tags(entry_id, tag_ids)
            if text_changed:
                await AIJobRepository(session).enqueue(EMBED_JOURNAL, entry_id, user_id)
            await record_change(session, user_id, "entry", "UPDATED", entry, device=device)
        await self.insights.invalidate(user_id)
        return entry

    async def delete_entry(
        self,
        user_id: uuid.UUID,
        entry_id: uuid.UUID,
        *,
        expected_version: int | None,
        device: str | None = None,
    ) -> None:
        async with self.db() as session, session.begin():
            entries = JournalEntryRepository(session)
            entry = await self._locked_entry(entries, user_id, entry_id, expected_version)
            await entries.delete(entry_id)
            # The embedding row has no foreign key (it also holds pod notes): drop it here.
            await AnalysisRepository(session).drop_embedding("JOURNAL", entry_id)
            await record_change(session, user_id, "entry", "DELETED", entry, device=device)
        await self.insights.invalidate(user_id)

    async def _locked_entry(
        self,
        entries: JournalEntryRepository,
        user_id: uuid.UUID,
        entry_id: uuid.UUID,
        expected_version: int | None,
    ) -> JournalEntry:
        entry = await entries.get_for_update(user_id, entry_id)
        return check.current(entry, expected_version, what="journal entry")

    async def _check_tags(
        self, session: Any, user_id: uuid.UUID, tag_ids: Sequence[uuid.UUID] | None
    ) -> None:
        if not tag_ids:
            return
        if len(set(tag_ids)) > check.MAX_TAGS_PER_ENTRY:
            raise BadUserInput(f"At most {check.MAX_TAGS_PER_ENTRY} tags.", field="tagIds")
        owned = await JournalTagRepository(session).owned_ids(user_id, tag_ids)
        if owned != set(tag_ids):
            raise BadUserInput("Some tags do not exist.", field="tagIds")

    # ------------------------------------------------------------------ tags

    async def create_tag(
        self, user_id: uuid.UUID, *, name: str, color: str, device: str | None = None
    ) -> JournalTag:
        name, color = check.tag_name(name), check.color(color)
        async with self.db() as session, session.begin():
            tag = await JournalTagRepository(session).create(user_id, name=name, color=color)
            if tag is None:
                raise BadUserInput("You already have a tag of that name.", field="name")
            await record_change(session, user_id, "tag", "CREATED", tag, device=device)
        return tag

    async def update_tag(
        self,
        user_id: uuid.UUID,
        tag_id: uuid.UUID,
        *,
        name: str | None,
        color: str | None,
        expected_version: int | None = None,
        device: str | None = None,
    ) -> JournalTag:
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = check.tag_name(name)
        if color is not None:
            values["color"] = check.color(color)
        async with self.db() as session, session.begin():
            tags = JournalTagRepository(session)
            tag = check.current(
                await tags.get_for_update(user_id, tag_id), expected_version, what="tag"
            )
            if "name" in values and await tags.name_taken(
                user_id, values["name"], except_id=tag_id
            ):
                raise BadUserInput("You already have a tag of that name.", field="name")
            if values:
                tag = await tags.update(tag_id, values)
            await record_change(session, user_id, "tag", "UPDATED", tag, device=device)
        await self.insights.invalidate(user_id)
        return tag

    async def delete_tag(
        self, user_id: uuid.UUID, tag_id: uuid.UUID, *, device: str | None = None
    ) -> None:
        async with self.db() as session, session.begin():
            tags = JournalTagRepository(session)
            tag = await tags.get_for_update(user_id, tag_id)
            if tag is None:
                raise NotFound("No such tag.")
            # Its entries change too (they lose it): new versions, so other devices refetch.
            retagged = await JournalEntryRepository(session).bump_tagged(user_id, tag_id)
            await tags.delete(tag_id)
            await record_change(session, user_id, "tag", "DELETED", tag, device=device)
            for entry in retagged:
                await record_change(session, user_id, "entry", "UPDATED", entry, device=device)
        await self.insights.invalidate(user_id)

    # ------------------------------------------------------------------ topics

    async def create_topic(self, user_id: uuid.UUID, *, name: str, description: str) -> Topic:
        name = check.tag_name(name, limit=check.MAX_TOPIC_NAME)
        description = check.description(description) or ""
        async with self.db() as session, session.begin():
            topic = await TopicRepository(session).create(
                user_id, name=name, description=description
            )
            if topic is None:
                raise BadUserInput("A topic of that name exists.", field="name")
        # The AI worker embeds it and matches it to my entries (topics without a vector).
        return topic

    async def delete_topic(self, user_id: uuid.UUID, topic_id: uuid.UUID) -> None:
        async with self.db() as session, session.begin():
            topics = TopicRepository(session)
            if await topics.get_own(user_id, topic_id) is None:
                raise NotFound("No such topic.")
            await topics.delete(topic_id)
        await self.insights.invalidate(user_id)

    async def rename_topic(self, user_id: uuid.UUID, topic_id: uuid.UUID, name: str) -> Topic:
        """Rename a topic of mine; re-clustering keeps the name from now on."""
        name = check.tag_name(name, limit=check.MAX_TOPIC_NAME)
        async with self.db() as session, session.begin():
            topics = TopicRepository(session)
            found = await topics.own_many(user_id, [topic_id])
            if not found:
                raise NotFound("No such topic of mine.")
            if await topics.name_taken_by_other(user_id, name, topic_id):
                raise BadUserInput("A topic of that name exists.", field="name")
            topic = await topics.rename(found[0], name)
        await self.insights.invalidate(user_id)
        return topic

    async def pin_topic(self, user_id: uuid.UUID, topic_id: uuid.UUID, pinned: bool) -> Topic:
        """Pin (or unpin) a topic of mine: re-clustering never removes a pinned topic."""
        async with self.db() as session, session.begin():
            topics = TopicRepository(session)
            if not await topics.own_many(user_id, [topic_id]):
                raise NotFound("No such topic of mine.")
            return await topics.set_pinned(topic_id, pinned)

    async def merge_topics(
        self, user_id: uuid.UUID, source_ids: Sequence[uuid.UUID], target_id: uuid.UUID
    ) -> Topic:
        """Move the entries of my topics `source_ids` into my topic `target_id`, then delete
        the sources; all or nothing."""
        sources = set(source_ids)
        if not sources or target_id in sources or len(sources) > MAX_MERGED_TOPICS:
            raise BadUserInput(
                f"1 to {MAX_MERGED_TOPICS} topics to merge, other than the one merged into.",
                field="ids",
            )
        async with self.db() as session, session.begin():
            topics = TopicRepository(session)
            found = {t.id: t for t in await topics.own_many(user_id, [*sources, target_id])}
            if len(found) != len(sources) + 1:
                raise NotFound("No such topic of mine.")
            topic = await topics.merge(found[target_id], [found[i] for i in sources])
        await self.insights.invalidate(user_id)
        return topic

    async def search_topics(self, user_id: uuid.UUID, query: str) -> list[TopicCount]:
        """System topics and mine whose name (or distinctive words) match `query` loosely,
        best first; pinned ones first among equals."""
        query = search_text(query, limit=check.MAX_TOPIC_NAME)
        async with self.db() as session:
            rows = await TopicRepository(session).page_with_counts(
                user_id, limit=MAX_VISIBLE_TOPICS, after=None
            )
        return named_like(
            query,
            rows,
            name=lambda r: r.topic.name,
            extra=lambda r: r.topic.keywords,
            first=lambda r: r.topic.pinned,
        )


def _checked_entry(values: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    checked = dict(values)
    if "title" in values:
        checked["title"] = check.title(values["title"])
    if creating or "content" in values:
        checked["content"] = check.content(values.get("content"))
    if "mood" in values:
        checked["mood"] = check.mood(values["mood"])
    if "entry_date" in values and values["entry_date"] is None:
        raise BadUserInput("An entry needs a date.", field="entryDate")
    if "is_private" in values and values["is_private"] is None:
        raise BadUserInput("Give true or false.", field="isPrivate")
    return checked
