"""What every pod mutation needs: the actor its change comes from."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from datastore.pod.service.changes import Actor
from resolvers.core.context import Info

INPUT = strawberry.argument(description="The values; see the input type.")
EntryId = Annotated[relay.GlobalID, strawberry.argument(description="The entry's global id.")]


def actor(info: Info) -> Actor:
    """The signed-in user and the device session the change comes from."""
    principal = info.context.require_principal()
    return Actor(principal.user_id, principal.session_id)
