"""Notification mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from datastore.kit.errors import BadUserInput
from resolvers.core.context import Context
from resolvers.core.permissions import IsAuthenticated
from resolvers.notifications.types import MarkNotificationsReadPayload, Notification

Info = strawberry.Info[Context, None]
MAX_IDS = 100
Ids = Annotated[
    list[relay.GlobalID] | None,
    strawberry.argument(description=f"Notifications to mark read, at most {MAX_IDS}."),
]
All = Annotated[bool, strawberry.argument(description="Mark every unread notification read.")]


@strawberry.type
class NotificationMutations:
    @strawberry.mutation(
        description="Mark some (`ids`) or all (`all: true`) of my notifications read.",
        permission_classes=[IsAuthenticated],
    )
    async def mark_notifications_read(
        self, info: Info, ids: Ids = None, all: All = False
    ) -> MarkNotificationsReadPayload:
        principal = info.context.require_principal()
        user_id = str(principal.user_id)
        repository = info.context.services.notifications.repository
        if all == (ids is not None):
            raise BadUserInput("Give either `ids` or `all: true`.", field="ids")
        if ids is not None and len(ids) > MAX_IDS:
            raise BadUserInput(f"At most {MAX_IDS} ids at a time.", field="ids")
        if ids is not None and any(i.type_name != Notification.__name__ for i in ids):
            raise BadUserInput("Some ids are not notifications'.", field="ids")
        keys = (
            [i.node_id for i in ids] if ids is not None else await repository.unread_keys(user_id)
        )
        marked = await repository.mark_read(user_id, keys)
        return MarkNotificationsReadPayload(
            marked=marked, unread_count=await repository.unread_count(user_id)
        )
