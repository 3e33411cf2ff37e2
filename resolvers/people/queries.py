"""People queries: search, friends, requests, blocked people, my activities."""

from __future__ import annotations

from typing import Annotated

import strawberry

from datastore.kit.errors import BadUserInput
from datastore.people.repository import (
    ActivityRepository,
    BlockRepository,
    FriendshipRepository,
    PeopleRepository,
)
from resolvers.core.pagination import (
    After,
    Connection,
    First,
    decode_cursor,
    encode_cursor,
    page_size,
)
from resolvers.core.permissions import IsAuthenticated
from resolvers.people.types import (
    Activity,
    ActivityKind,
    FriendRequest,
    Info,
    Person,
    RequestDirection,
)

_NAME = r"[a-z0-9_.]{1,32}"


def _name_cursor(after: str | None) -> str | None:
    return None if after is None else decode_cursor("person", after, pattern=_NAME)


def _people(rows: list, limit: int, after: str | None) -> Connection[Person]:
    return Connection.build(
        rows[:limit],
        node=Person.from_row,
        cursor=lambda row: encode_cursor("person", row.username.lower()),
        has_next=len(rows) > limit,
        has_previous=after is not None,
    )


@strawberry.type
class PeopleQueries:
    @strawberry.field(
        description="People whose username starts with `query`, by username. "
        "People who blocked me are not listed.",
        permission_classes=[IsAuthenticated],
    )
    async def people(
        self,
        info: Info,
        query: Annotated[
            str, strawberry.argument(description="A username prefix, 1-32 characters.")
        ],
        first: First = None,
        after: After = None,
    ) -> Connection[Person]:
        me = info.context.require_principal().user_id
        prefix = query.strip()
        if not 1 <= len(prefix) <= 32:
            raise BadUserInput("Search with 1 to 32 characters.", field="query")
        limit = page_size(first, maximum=info.context.settings.max_page_size)
        async with info.context.services.clients.db() as db:
            rows = await PeopleRepository(db).search_by_username_prefix(
                me, prefix, after=_name_cursor(after), limit=limit + 1
            )
        return _people(rows, limit, after)

    @strawberry.field(description="My friends, by username.", permission_classes=[IsAuthenticated])
    async def friends(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Person]:
        me = info.context.require_principal().user_id
        limit = page_size(first, maximum=info.context.settings.max_page_size)
        async with info.context.services.clients.db() as db:
            rows = await FriendshipRepository(db).page_people(
                me, status="ACCEPTED", direction=None, after=_name_cursor(after), limit=limit + 1
            )
        return _people([user for user, _ in rows], limit, after)

    @strawberry.field(
        description="Pending friend requests to or from me, by username.",
        permission_classes=[IsAuthenticated],
    )
    async def friend_requests(
        self,
        info: Info,
        direction: Annotated[
            RequestDirection, strawberry.argument(description="Requests to me or by me.")
        ] = RequestDirection.INCOMING,
        first: First = None,
        after: After = None,
    ) -> Connection[FriendRequest]:
        me = info.context.require_principal().user_id
        limit = page_size(first, maximum=info.context.settings.max_page_size)
        async with info.context.services.clients.db() as db:
            rows = await FriendshipRepository(db).page_people(
                me,
                status="PENDING",
                direction=direction.value,
                after=_name_cursor(after),
                limit=limit + 1,
            )
        return Connection.build(
            rows[:limit],
            node=lambda row: FriendRequest(
                person=Person.from_row(row[0]), direction=direction, created_at=row[1].created_at
            ),
            cursor=lambda row: encode_cursor("person", row[0].username.lower()),
            has_next=len(rows) > limit,
            has_previous=after is not None,
        )

    @strawberry.field(
        description="People I blocked, by username.", permission_classes=[IsAuthenticated]
    )
    async def blocked_people(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Person]:
        me = info.context.require_principal().user_id
        limit = page_size(first, maximum=info.context.settings.max_page_size)
        async with info.context.services.clients.db() as db:
            rows = await BlockRepository(db).page_blocked(
                me, after=_name_cursor(after), limit=limit + 1
            )
        return _people(rows, limit, after)

    @strawberry.field(
        description="My activities (sign-ins, sign-outs, messages sent, groups), newest first.",
        permission_classes=[IsAuthenticated],
    )
    async def activities(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        kinds: Annotated[
            list[ActivityKind] | None, strawberry.argument(description="Only these kinds.")
        ] = None,
    ) -> Connection[Activity]:
        me = info.context.require_principal().user_id
        limit = page_size(first, maximum=info.context.settings.max_page_size)
        before = None if after is None else int(decode_cursor("activity", after, pattern=r"\d+"))
        async with info.context.services.clients.db() as db:
            rows = await ActivityRepository(db).page(
                me, kinds=[k.value for k in kinds or []], before_id=before, limit=limit + 1
            )
        return Connection.build(
            rows[:limit],
            node=Activity.from_row,
            cursor=lambda row: encode_cursor("activity", row.id),
            has_next=len(rows) > limit,
            has_previous=after is not None,
        )
