"""Chat queries: my inbox, message history both ways, groups, statistics."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry
from strawberry import relay

from datastore.chat.ids import MESSAGE_ID
from datastore.kit.errors import BadUserInput, NotFound
from resolvers.chat.ids import conversation_argument
from resolvers.chat.types.conversation import Conversation
from resolvers.chat.types.events import ChatStatistics, StatisticsPeriod
from resolvers.chat.types.group import Group
from resolvers.chat.types.message import Message
from resolvers.core.context import Info
from resolvers.core.pagination import (
    After,
    Connection,
    First,
    decode_after,
    decode_cursor,
    encode_cursor,
    keyset_page,
    page_limit,
)
from resolvers.core.permissions import IsAuthenticated

_INBOX_CURSOR = r"[0-9]{13}[0-9a-f]{8}\|[a-z0-9_-]{1,80}"
_UUID = r"[0-9a-f-]{36}"
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
        limit = page_limit(info, first)
        start = decode_after("inbox", after, pattern=_INBOX_CURSOR, parse=_inbox_key)
        rows = await info.context.services.chat.list_inbox(me, after=start, limit=limit + 1)
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
        limit = page_limit(info, first if forward else last)
        cursor = after if forward else before
        start = (
            None
            if cursor is None
            else decode_cursor("message", cursor, pattern=MESSAGE_ID.pattern[1:-1])
        )
        if await info.context.loaders.chat.conversation_for(conversation, me) is None:
            raise NotFound("No such conversation.", field="conversationId")
        page, more = await info.context.services.chat.messages.history(
            me, conversation, start=start, forward=forward, limit=limit
        )
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
        limit = page_limit(info, first)
        start = decode_after("group", after, pattern=_UUID, parse=uuid.UUID)
        rows = await info.context.services.chat.groups.joined(me, after=start, limit=limit + 1)
        return keyset_page(
            rows, limit, after, node=Group.from_row, cursor=lambda g: encode_cursor("group", g.id)
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
        limit = page_limit(info, first)
        start = decode_after("pgroup", after, pattern=rf"{_UUID}\|.{{0,100}}", parse=_group_key)
        groups = info.context.services.chat.groups
        rows = await groups.search_public(query, after=start, limit=limit + 1)
        return keyset_page(
            rows,
            limit,
            after,
            node=Group.from_row,
            cursor=lambda row: encode_cursor("pgroup", f"{row.id}|{row.name.lower()}"),
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
        limit = page_limit(info, first)
        pattern = r"\d{4}-\d{2}-\d{2}" if period == StatisticsPeriod.DAY else r"\d{4}-\d{2}"
        before = None if after is None else decode_cursor("stats", after, pattern=pattern)
        chat = info.context.services.chat
        if period == StatisticsPeriod.DAY:
            items = await chat.daily_statistics(me, before=before, limit=limit + 1)
        else:
            items = await chat.monthly_statistics(me, before=before, limit=limit + 1)
        return keyset_page(
            items,
            limit,
            after,
            node=lambda item: ChatStatistics.from_item(item, period),
            cursor=lambda item: encode_cursor("stats", item.day),
        )


def _inbox_key(value: str) -> tuple[str, str]:
    """(activity, conversation id) of an inbox cursor."""
    activity, _, conversation_id = value.partition("|")
    return activity, conversation_id


def _group_key(value: str) -> tuple[str, uuid.UUID]:
    """(lower-case name, id) of a public groups cursor, which holds `id|name`."""
    group_id, _, name = value.partition("|")
    return name, uuid.UUID(group_id)
