"""People queries: search, friends, requests, blocked people, my activities."""

from __future__ import annotations

from typing import Annotated

import strawberry

from datastore.accounts.tables import User
from datastore.kit.errors import BadUserInput
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
from resolvers.people.types import (
    Activity,
    ActivityKind,
    FriendRequest,
    Person,
    RequestDirection,
)

_NAME = r"[a-z0-9_.]{1,32}"


def _name_cursor(after: str | None) -> str | None:
    return None if after is None else decode_cursor("person", after, pattern=_NAME)


def _person_cursor(row: User) -> str:
    return encode_cursor("person", row.username.lower())


def _people(rows: list[User], limit: int, after: str | None) -> Connection[Person]:
    return keyset_page(rows, limit, after, node=Person.from_row, cursor=_person_cursor)


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
        limit = page_limit(info, first)
        rows = await info.context.services.people.search(
            me, prefix, after=_name_cursor(after), limit=limit + 1
        )
        return _people(rows, limit, after)

    @strawberry.field(description="My friends, by username.", permission_classes=[IsAuthenticated])
    async def friends(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Person]:
        me = info.context.require_principal().user_id
        limit = page_limit(info, first)
        rows = await info.context.services.people.friendships(
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
        limit = page_limit(info, first)
        rows = await info.context.services.people.friendships(
            me,
            status="PENDING",
            direction=direction.value,
            after=_name_cursor(after),
            limit=limit + 1,
        )
        return keyset_page(
            rows,
            limit,
            after,
            node=lambda row: FriendRequest(
                person=Person.from_row(row[0]), direction=direction, created_at=row[1].created_at
            ),
            cursor=lambda row: _person_cursor(row[0]),
        )

    @strawberry.field(
        description="People I blocked, by username.", permission_classes=[IsAuthenticated]
    )
    async def blocked_people(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Person]:
        me = info.context.require_principal().user_id
        limit = page_limit(info, first)
        rows = await info.context.services.people.blocked(
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
        limit = page_limit(info, first)
        before = decode_after("activity", after, pattern=r"\d+", parse=int)
        rows = await info.context.services.people.activities(
            me, kinds=[k.value for k in kinds or []], before_id=before, limit=limit + 1
        )
        return keyset_page(
            rows,
            limit,
            after,
            node=Activity.from_row,
            cursor=lambda row: encode_cursor("activity", row.id),
        )
