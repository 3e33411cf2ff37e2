"""The Relay `node`/`nodes` entry points; each type checks ownership in resolve_nodes."""

from __future__ import annotations

import strawberry
from strawberry import relay


def node_queries() -> type:
    """A fresh root type: strawberry's node fields bind to the first schema built with them."""

    @strawberry.type
    class NodeQueries:
        node: relay.Node | None = relay.node(
            description="Any object by its global id; null when it is not mine or missing."
        )
        nodes: list[relay.Node | None] = relay.node(
            description="Objects by global ids, in order; null where not mine or missing."
        )

    return NodeQueries
