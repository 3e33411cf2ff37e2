"""People mutations: friend requests, unfriending, blocking."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import strawberry
from strawberry import relay

from datastore.kit.errors import NotFound
from datastore.people.repository import Relation
from resolvers.core.context import Info
from resolvers.core.permissions import IsAuthenticated
from resolvers.people.types import Person, person_id_argument

PersonId = Annotated[
    relay.GlobalID, strawberry.argument(description="Global id of the Person (or User).")
]


async def _person(
    info: Info, user_id: relay.GlobalID, action: Callable[..., Awaitable[Relation]]
) -> Person:
    """Run `action(me, other)` and return the other person as I now see them."""
    me = info.context.require_principal().user_id
    other = person_id_argument(user_id)
    await action(me, other)
    row = await info.context.loaders.user_by_id.load(other)
    if row is None:  # the account was deleted meanwhile
        raise NotFound("No such person.", field="userId")
    return Person.from_row(row)


@strawberry.type
class PeopleMutations:
    @strawberry.mutation(
        description="Ask someone to be friends (they are notified). If they already asked "
        "me, we become friends. Rate limited.",
        permission_classes=[IsAuthenticated],
    )
    async def send_friend_request(self, info: Info, user_id: PersonId) -> Person:
        return await _person(info, user_id, info.context.services.people.send_friend_request)

    @strawberry.mutation(
        description="Accept a friend request they sent me.", permission_classes=[IsAuthenticated]
    )
    async def accept_friend_request(self, info: Info, user_id: PersonId) -> Person:
        return await _person(info, user_id, info.context.services.people.accept_friend_request)

    @strawberry.mutation(
        description="Decline a friend request they sent me.", permission_classes=[IsAuthenticated]
    )
    async def decline_friend_request(self, info: Info, user_id: PersonId) -> Person:
        service = info.context.services.people
        return await _person(
            info, user_id, lambda me, o: service.remove_friendship(me, o, state="DECLINE")
        )

    @strawberry.mutation(
        description="Withdraw a friend request I sent.", permission_classes=[IsAuthenticated]
    )
    async def cancel_friend_request(self, info: Info, user_id: PersonId) -> Person:
        service = info.context.services.people
        return await _person(
            info, user_id, lambda me, o: service.remove_friendship(me, o, state="CANCEL")
        )

    @strawberry.mutation(description="End a friendship.", permission_classes=[IsAuthenticated])
    async def unfriend(self, info: Info, user_id: PersonId) -> Person:
        service = info.context.services.people
        return await _person(
            info, user_id, lambda me, o: service.remove_friendship(me, o, state="UNFRIEND")
        )

    @strawberry.mutation(
        description="Block someone: any friendship ends; they can no longer message me, "
        "invite me, find me or see my presence.",
        permission_classes=[IsAuthenticated],
    )
    async def block_person(self, info: Info, user_id: PersonId) -> Person:
        return await _person(info, user_id, info.context.services.people.block)

    @strawberry.mutation(description="Unblock someone.", permission_classes=[IsAuthenticated])
    async def unblock_person(self, info: Info, user_id: PersonId) -> Person:
        return await _person(info, user_id, info.context.services.people.unblock)
