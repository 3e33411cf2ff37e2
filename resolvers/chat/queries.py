"""Chat queries: my inbox, message history both ways, groups, statistics."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from datastore.chat.ids import MESSAGE_ID
from datastore.chat.repository.groups import GroupRepository
from datastore.chat.service.statistics import month_totals
from datastore.kit.errors import BadUserInput, NotFound
from resolvers.chat.ids import conversation_argument
from resolvers.chat.types.conversation import Conversation
from resolvers.chat.types.events import ChatStatistics, StatisticsPeriod
from resolvers.chat.types.group import Group
from resolvers.chat.types.message import Message
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

Info = strawberry.Info[Context, None]
_INBOX_CURSOR = r"[0-9]{13}[0-9a-f]{8}\|[a-z0-9_-]{1,80}"
Last = Annotated[int | None, strawberry.argument(description="Page size from the end: 1 to 100.")]
Before = Annotated[
    str | None, strawberry.argument(description="Return items before this edge's cursor.")
]


@strawberry.type
class ChatQueries:
    @strawberry.field(
        description="My conversations, most recently active first, with the last message "
        "and my unread count.",
        permission_classes=[IsAuthenticated],
    )
    async def conversations(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Conversation]:
        me = info.context.require_principal().user_id
        limit = page_size(first, maximum=info.context.settings.max_page_size)
        start = None
        if after is not None:
            activity, _, conversation_id = decode_cursor(
                "inbox", after, pattern=_INBOX_CURSOR
            ).partition("|")
            start = (activity, conversation_id)
        chat = info.context.services.chat
        rows = await chat.inbox.page(str(me), after=start, limit=limit + 1)
        loaders = info.context.loaders.chat
        for row in rows:
            loaders.inbox_by_key.prime((row.user_id, row.conversation_id), row)
        items = await loaders.conversation_by_id.load_many([r.conversation_id for r in rows])
        pairs = [(r, i) for r, i in zip(rows, items, strict=True) if i is not None]
        return Connection.build(
            pairs[:limit],
            node=lambda pair: Conversation.from_item(pair[1]),
            cursor=lambda pair: encode_cursor(
                "inbox", f"{pair[0].activity}|{pair[0].conversation_id}"
            ),
            has_next=len(rows) > limit,
            has_previous=after is not None,
        )

    @strawberry.field(
        description="A conversation's messages in time order. `first`/`after` read forward "
        "(catching up after the last message seen); `last`/`before` read back in history. "
        "With neither, the newest 20. Fetching marks them DELIVERED to me.",
        permission_classes=[IsAuthenticated],
    )
    async def messages(
        self,
        info: Info,
        conversation_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The conversation.")
        ],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Message]:
        me = info.context.require_principal().user_id
        conversation = conversation_argument(conversation_id)
        if (first is not None or after is not None) and (last is not None or before is not None):
            raise BadUserInput(
                "Page forward (first/after) or back (last/before), not both.", field="last"
            )
        forward = first is not None or after is not None
        maximum = info.context.settings.max_page_size
        limit = page_size(first if forward else last, maximum=maximum)
        cursor = after if forward else before
        start = (
            None
            if cursor is None
            else decode_cursor("message", cursor, pattern=MESSAGE_ID.pattern[1:-1])
        )
        if await info.context.loaders.chat.conversation_for(conversation, me) is None:
            raise NotFound("No such conversation.", field="conversationId")
        chat = info.context.services.chat
        items = await chat.messages_repository.page(
            conversation, start=start, forward=forward, limit=limit + 1
        )
        more, page = len(items) > limit, items[:limit]
        if not forward:
            page.reverse()
        newest_from_others = [m for m in page if m.sender_id != str(me)]
        if newest_from_others:
            await chat.messages.delivered(me, conversation, newest_from_others[-1].id)
        for item in page:
            info.context.loaders.chat.message_by_key.prime((conversation, item.id), item)
        return Connection.build(
            page,
            node=Message.from_item,
            cursor=lambda item: encode_cursor("message", item.id),
            has_next=more if forward else cursor is not None,
            has_previous=cursor is not None if forward else more,
        )

    @strawberry.field(description="Groups I am a member of.", permission_classes=[IsAuthenticated])
    async def my_groups(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Group]:
        me = info.context.require_principal().user_id
        limit = page_size(first, maximum=info.context.settings.max_page_size)
        start = None if after is None else decode_cursor("group", after, pattern=r"[0-9a-f-]{36}")
        async with info.context.services.clients.db() as db:
            rows = await GroupRepository(db).page_for_member(me, after=start, limit=limit + 1)
        return Connection.build(
            rows[:limit],
            node=Group.from_row,
            cursor=lambda row: encode_cursor("group", row.id),
            has_next=len(rows) > limit,
            has_previous=after is not None,
        )

    @strawberry.field(
        description="Public groups whose name starts with `query`, by name.",
        permission_classes=[IsAuthenticated],
    )
    async def public_groups(
        self,
        info: Info,
        query: Annotated[
            str, strawberry.argument(description="A name prefix, 0-100 characters.")
        ] = "",
        first: First = None,
        after: After = None,
    ) -> Connection[Group]:
        info.context.require_principal()
        if len(query) > 100:
            raise BadUserInput("At most 100 characters.", field="query")
        limit = page_size(first, maximum=info.context.settings.max_page_size)
        start = None
        if after is not None:
            raw = decode_cursor("pgroup", after, pattern=r"[0-9a-f-]{36}\|.{0,100}")
            group_id, _, name = raw.partition("|")
            start = (name, group_id)
        async with info.context.services.clients.db() as db:
            rows = await GroupRepository(db).search_public(
                query.strip(), after=start, limit=limit + 1
            )
        return Connection.build(
            rows[:limit],
            node=Group.from_row,
            cursor=lambda row: encode_cursor("pgroup", f"{row.id}|{row.name.lower()}"),
            has_next=len(rows) > limit,
            has_previous=after is not None,
        )

    @strawberry.field(
        description="My chat statistics per day or month (UTC), newest first.",
        permission_classes=[IsAuthenticated],
    )
    async def chat_statistics(
        self,
        info: Info,
        period: Annotated[
            StatisticsPeriod, strawberry.argument(description="DAY or MONTH.")
        ] = StatisticsPeriod.DAY,
        first: First = None,
        after: After = None,
    ) -> Connection[ChatStatistics]:
        me = info.context.require_principal().user_id
        limit = page_size(first, maximum=info.context.settings.max_page_size)
        pattern = r"\d{4}-\d{2}-\d{2}" if period == StatisticsPeriod.DAY else r"\d{4}-\d{2}"
        before = None if after is None else decode_cursor("stats", after, pattern=pattern)
        repository = info.context.services.chat.statistics
        if period == StatisticsPeriod.DAY:
            items = await repository.days(str(me), before=before, since=None, limit=limit + 1)
        else:
            items = await month_totals(repository, str(me), before=before, limit=limit + 1)
        return Connection.build(
            items[:limit],
            node=lambda item: ChatStatistics.from_item(item, period),
            cursor=lambda item: encode_cursor("stats", item.day),
            has_next=len(items) > limit,
            has_previous=after is not None,
        )
