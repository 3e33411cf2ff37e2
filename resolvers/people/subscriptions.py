"""People subscriptions: my friends' presence, live."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import orjson
import strawberry

from datastore.people.service import person_global_id, presence_channel
from resolvers.accounts.types import Presence, PresenceStatus
from resolvers.core.context import Info
from resolvers.core.permissions import IsAuthenticated
from resolvers.people.types import PresenceChange


@strawberry.type
class PeopleSubscriptions:
    @strawberry.subscription(
        description="My friends going online, away or offline, live. Any open "
        "authenticated websocket counts me as connected.",
        permission_classes=[IsAuthenticated],
    )
    async def presence_changed(self, info: Info) -> AsyncGenerator[PresenceChange, None]:
        me = info.context.require_principal().user_id
        services = info.context.services
        async with services.clients.broker.subscribe(presence_channel(me)) as subscription:
            async for _channel, data in subscription:
                event = orjson.loads(data)
                yield PresenceChange(
                    person_id=strawberry.ID(person_global_id(event["userId"])),
                    presence=Presence(
                        status=PresenceStatus(event["status"]),
                        last_seen=datetime.fromisoformat(event["lastSeen"])
                        if event.get("lastSeen")
                        else None,
                    ),
                )
