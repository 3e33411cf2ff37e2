"""Account subscriptions."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from strawberry import relay

from datastore.kit.events import user_events
from resolvers.accounts.types import Session, SessionEvent, SessionEventKind
from resolvers.core.context import Info
from resolvers.core.permissions import IsAuthenticated

_KINDS = {
    ("session.created", None): SessionEventKind.SIGNED_IN,
    ("session.revoked", "SIGNED_OUT"): SessionEventKind.SIGNED_OUT,
    ("session.revoked", "REVOKED"): SessionEventKind.REVOKED,
    ("session.revoked", "PASSWORD_CHANGED"): SessionEventKind.PASSWORD_CHANGED,
}


@strawberry.type
class AccountSubscriptions:
    @strawberry.subscription(
        description="Devices signing in to or out of my account, live.",
        permission_classes=[IsAuthenticated],
    )
    async def session_events(self, info: Info) -> AsyncGenerator[SessionEvent, None]:
        principal = info.context.require_principal()
        broker = info.context.services.clients.broker
        async for event in user_events(broker, principal.user_id, ("session.",)):
            payload = event["payload"]
            kind = _KINDS[(event["topic"], payload.get("reason"))]
            yield SessionEvent(
                kind=kind,
                session_id=strawberry.ID(
                    str(relay.GlobalID(Session.__name__, payload["sessionId"]))
                ),
                device_name=payload.get("deviceName"),
                seq=event["seq"],
                at=datetime.fromisoformat(event["at"]),
            )
