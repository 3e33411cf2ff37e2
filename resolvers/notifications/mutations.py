"""Notification mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from datastore.kit.errors import BadUserInput
from resolvers.core.context import Info
from resolvers.core.ids import argument_keys
from resolvers.core.permissions import IsAuthenticated
from resolvers.notifications.types import MarkNotificationsReadPayload

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
        user_id = info.context.require_principal().user_id
        if all == (ids is not None):
            raise BadUserInput("Give either `ids` or `all: true`.", field="ids")
        if ids is not None and len(ids) > MAX_IDS:
            raise BadUserInput(f"At most {MAX_IDS} ids at a time.", field="ids")
        keys = None if ids is None else argument_keys(ids, "Notification", field="ids", parse=str)
        notifications = info.context.services.notifications
        marked = await notifications.mark_read(user_id, keys)
        unread = await notifications.unread_count(user_id)
        return MarkNotificationsReadPayload(marked=marked, unread_count=unread)
