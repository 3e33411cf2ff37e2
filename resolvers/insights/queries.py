"""Insight queries over my journal; cached in Redis until my journal changes."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated, Any

import strawberry

from resolvers.core.context import Context
from resolvers.core.pagination import After, Connection, First
from resolvers.core.permissions import IsAuthenticated
from resolvers.insights.types import (
    MoodBucket,
    TagMood,
    TopicFrequency,
    TopicMood,
    TrendBucket,
    WritingStreaks,
)
from resolvers.journal.access import offset_cursor, owned, slice_page
from resolvers.journal.types import JournalTag, Topic

Info = strawberry.Info[Context, None]


def _insights(info: Info) -> Any:
    return info.context.services.insights


def _page(items: Sequence[Any], kind: str, first: int | None, after: str | None) -> Connection[Any]:
    """One page of `items` with offset cursors of `kind`."""
    pairs, has_next, start = slice_page(items, kind=kind, first=first, after=after)
    return Connection.build(
        pairs,
        node=lambda pair: pair[1],
        cursor=lambda pair: offset_cursor(kind, pair[0]),
        has_next=has_next,
        has_previous=start > 0,
    )


async def _joined_page(
    info: Info,
    rows: list[dict],
    loader: Any,
    build: Callable[[Any, dict], Any],
    *,
    kind: str,
    first: int | None,
    after: str | None,
) -> Connection[Any]:
    """Rows joined to their tags or topics through a loader (dropping any not visible), paged."""
    user_id = info.context.require_principal().user_id
    found = await loader.load_many([uuid.UUID(r["id"]) for r in rows])
    items = [
        build(obj, r)
        for obj, r in zip(found, rows, strict=True)
        if obj is not None and (obj.user_id is None or owned(obj, user_id))
    ]
    return _page(items, kind, first, after)


@strawberry.type
class InsightQueries:
    @strawberry.field(
        description="My average mood, its spread and the entry count per day, week or month.",
        permission_classes=[IsAuthenticated],
    )
    async def mood_trend(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from", description="First day.")],
        to: Annotated[date, strawberry.argument(description="Last day, included.")],
        bucket: Annotated[
            TrendBucket, strawberry.argument(description="Bucket width; WEEK by default.")
        ] = TrendBucket.WEEK,
        first: First = None,
        after: After = None,
    ) -> Connection[MoodBucket]:
        user_id = info.context.require_principal().user_id
        rows = await _insights(info).mood_trend(
            user_id, date_from=from_, date_to=to, bucket=bucket.value
        )
        buckets = [
            MoodBucket(
                start=date.fromisoformat(r["start"]),
                average=round(r["average"], 4),
                standard_deviation=round(r["stddev"], 4),
                count=r["count"],
            )
            for r in rows
        ]
        return _page(buckets, "trend", first, after)

    @strawberry.field(description="My writing streaks.", permission_classes=[IsAuthenticated])
    async def writing_streaks(self, info: Info) -> WritingStreaks:
        values = await _insights(info).streaks(info.context.require_principal().user_id)
        dates = {k: date.fromisoformat(v) if isinstance(v, str) else v for k, v in values.items()}
        return WritingStreaks(**dates)

    @strawberry.field(
        description="My average mood per tag, most used tags first.",
        permission_classes=[IsAuthenticated],
    )
    async def mood_by_tag(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[TagMood]:
        rows = await _insights(info).mood_by_tag(info.context.require_principal().user_id)
        return await _joined_page(
            info,
            rows,
            info.context.loaders.journal.tag_by_id,
            lambda tag, r: TagMood(
                tag=JournalTag.from_row(tag), average_mood=round(r["average"], 4), count=r["count"]
            ),
            kind="bytag",
            first=first,
            after=after,
        )

    @strawberry.field(
        description="My average mood per topic, most frequent topics first.",
        permission_classes=[IsAuthenticated],
    )
    async def mood_by_topic(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[TopicMood]:
        rows = await _insights(info).mood_by_topic(info.context.require_principal().user_id)
        return await _joined_page(
            info,
            rows,
            info.context.loaders.journal.topic_by_id,
            lambda topic, r: TopicMood(
                topic=Topic.from_row(topic), average_mood=round(r["average"], 4), count=r["count"]
            ),
            kind="bytopic",
            first=first,
            after=after,
        )

    @strawberry.field(
        description="The topics I write about most.", permission_classes=[IsAuthenticated]
    )
    async def frequent_topics(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[TopicFrequency]:
        rows = await _insights(info).frequent_topics(info.context.require_principal().user_id)
        return await _joined_page(
            info,
            rows,
            info.context.loaders.journal.topic_by_id,
            lambda topic, r: TopicFrequency(
                topic=Topic.from_row(topic),
                entry_count=r["count"],
                average_relevance=round(r["relevance"], 4),
            ),
            kind="topfreq",
            first=first,
            after=after,
        )
