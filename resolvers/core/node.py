"""The Relay `node`/`nodes` entry points; each type checks ownership in resolve_nodes.

A string that is not a global id at all is BAD_USER_INPUT (the argument's coercion). A
global id of no type, or of a type that is not a node (`Query`, `PageInfo`, the `Node`
interface), cannot be any object: it reads as null, on its own, like a missing object,
and never fails its neighbours in `nodes`.
"""

from __future__ import annotations

import inspect
from collections import defaultdict
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.cast import cast as strawberry_cast

from resolvers.core.context import Info


def node_type(info: Info, global_id: relay.GlobalID) -> tuple[type[relay.Node], str] | None:
    """The node type a global id names and the node id inside it; None when none can be."""
    definition = info.schema.get_type_by_name(global_id.type_name)
    if not isinstance(definition, StrawberryObjectDefinition) or definition.is_interface:
        return None
    origin = definition.origin
    if not (isinstance(origin, type) and issubclass(origin, relay.Node)):
        return None
    return origin, global_id.node_id


async def resolve_global_ids(info: Info, values: list[relay.GlobalID]) -> list[Any]:
    """The node of each global id the caller may see, or None, in order; one
    `resolve_nodes` call per type."""
    parsed = [node_type(info, value) for value in values]
    by_type: defaultdict[type[relay.Node], list[str]] = defaultdict(list)
    for found in parsed:
        if found is not None:
            by_type[found[0]].append(found[1])
    resolved: dict[type[relay.Node], Any] = {}
    for type_, node_ids in by_type.items():
        nodes = type_.resolve_nodes(info=info, node_ids=node_ids, required=False)
        resolved[type_] = iter(list(await nodes if inspect.isawaitable(nodes) else nodes))
    results: list[Any] = []
    for found in parsed:
        node = next(resolved[found[0]]) if found is not None else None
        # The cast saves strawberry from guessing the type of a row-backed object.
        results.append(None if node is None else strawberry_cast(found[0], node))  # type: ignore[index]
    return results


def node_queries() -> type:
    """A fresh root type, as strawberry's node fields bind to the first schema built with them."""

    @strawberry.type
    class NodeQueries:
        @strawberry.field(
            description="Any object by its global id; null when it is not mine or missing."
        )
        async def node(
            self,
            info: Info,
            id: Annotated[relay.GlobalID, strawberry.argument(description="The ID of the object.")],
        ) -> relay.Node | None:
            return (await resolve_global_ids(info, [id]))[0]

        @strawberry.field(
            description="Objects by global ids, in order; null where not mine or missing."
        )
        async def nodes(
            self,
            info: Info,
            ids: Annotated[
                list[relay.GlobalID], strawberry.argument(description="The IDs of the objects.")
            ],
        ) -> list[relay.Node | None]:
            return await resolve_global_ids(info, list(ids))

    return NodeQueries
