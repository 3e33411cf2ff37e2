"""What every pod mutation needs: the actor and the service."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry import relay

from datastore.pod.service.changes import Actor
from resolvers.core.context import Context

Info = strawberry.Info[Context, None]
INPUT = strawberry.argument(description="The values; see the input type.")
EntryId = Annotated[relay.GlobalID, strawberry.argument(description="The entry's global id.")]


def actor(info: Info) -> Actor:
    """The signed-in user and the device session the change comes from."""
    principal = info.context.require_principal()
    return Actor(principal.user_id, principal.session_id)


def pod(info: Info) -> Any:
    return info.context.services.pod
