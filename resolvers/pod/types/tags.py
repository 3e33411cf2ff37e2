"""Tags."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from datastore.pod.rows import TagData as TagRow
from resolvers.core.context import Info
from resolvers.core.nodes import Nodes, owned_nodes
from resolvers.core.rows import from_row, global_id_field, is_exactly


@strawberry.type(description="A label on entries, unique per user by its slug.")
class Tag(relay.Node):
    id: relay.NodeID[str]
    _id: strawberry.ID = global_id_field()
    name: str = strawberry.field(description="Display name.")
    slug: str = strawberry.field(description="URL-safe, unique among my tags.")
    color: str | None = strawberry.field(description="#rrggbb.")
    usage_count: int = strawberry.field(
        description="How many entries carry it (trash included), kept exact by the database."
    )
    version: int = strawberry.field(description="Bumped by every change.")
    created_at: datetime = strawberry.field(description="When it was created.")

    @classmethod
    def is_type_of(cls, obj: object, _info: Any) -> bool:
        return is_exactly(cls, obj)

    @classmethod
    def from_row(cls, row: TagRow) -> Tag:
        return from_row(cls, row)

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        return owned_nodes(info, node_ids, info.context.loaders.pod.tag_by_id, cls.from_row)
