"""Insight queries over my journal: aggregates cached in Redis until my journal changes,
and the stored psychology insights."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.dataloader import DataLoader

from datastore.insights.repository import InsightFilter, insight_key
from resolvers.core.context import Info
from resolvers.core.nodes import owned
from resolvers.core.pagination import (
    TIME_AND_ID,
    After,
    Connection,
    First,
    decode_after,
    encode_cursor,
    keyset_page,
    list_page,
    page_limit,
    time_and_id,
)
from resolvers.core.permissions import IsAuthenticated
from resolvers.insights.types import (
    Insight,
    InsightType,
    MoodBucket,
    TagMood,
    TopicFrequency,
    TopicMood,
    TrendBucket,
    WritingStreaks,
)
from resolvers.journal.types import JournalTag, Topic

T = TypeVar("T")


def _page(items: Sequence[T], kind: str, first: int | None, after: str | None) -> Connection[T]:
    """One page of `items` with offset cursors of `kind` (and no total count)."""
    return list_page(
        items, kind=kind, node=lambda item: item, first=first, after=after, counted=False
    )


async def _joined_page(
    info: Info,
    rows: list[dict],
    loader: DataLoader[uuid.UUID, Any],
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
        description="Patterns found in my journal, newest first; dismissed ones only when asked.",
        permission_classes=[IsAuthenticated],
    )
    async def insights(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        type: Annotated[
            InsightType | None, strawberry.argument(description="Only insights of this type.")
        ] = None,
        include_dismissed: Annotated[
            bool, strawberry.argument(description="Include those I dismissed.")
        ] = False,
    ) -> Connection[Insight]:
        user_id = info.context.require_principal().user_id
        limit = page_limit(info, first)
        start = decode_after("insight", after, pattern=TIME_AND_ID, parse=time_and_id)
        insight_filter = InsightFilter(
            insight_type=type.value if type else None, include_dismissed=include_dismissed
        )
        rows = await info.context.services.insights.list_insights(
            user_id, insight_filter, limit=limit + 1, after=start
        )
        return keyset_page(
            rows,
            limit,
            after,
            node=Insight.from_row,
            cursor=lambda row: encode_cursor("insight", "|".join(map(str, insight_key(row)))),
        )

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
        rows = await info.context.services.insights.mood_trend(
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
        values = await info.context.services.insights.streaks(
            info.context.require_principal().user_id
        )
        # The cache keeps dates as ISO text.
        dates: dict[str, Any] = {
            k: date.fromisoformat(v) if isinstance(v, str) else v for k, v in values.items()
        }
        return WritingStreaks(**dates)

    @strawberry.field(
        description="My average mood per tag, most used tags first.",
        permission_classes=[IsAuthenticated],
    )
    async def mood_by_tag(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[TagMood]:
        rows = await info.context.services.insights.mood_by_tag(
            info.context.require_principal().user_id
        )
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
        rows = await info.context.services.insights.mood_by_topic(
            info.context.require_principal().user_id
        )
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
        rows = await info.context.services.insights.frequent_topics(
            info.context.require_principal().user_id
        )
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
