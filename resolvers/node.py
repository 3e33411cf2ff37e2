"""The Relay `node`/`nodes` entry points; each type checks ownership in resolve_nodes."""

from __future__ import annotations

import strawberry
from strawberry import relay


@strawberry.type
class NodeQueries:
    node: relay.Node | None = relay.node(
        description="Any object by its global id; null when it is not mine or does not exist."
    )
    nodes: list[relay.Node | None] = relay.node(
        description="Objects by global ids, in order; null where not mine or missing."
    )
