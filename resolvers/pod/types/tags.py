"""Tags."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

from datastore.pod.tables import Tag as TagRow
from resolvers.pod.types.common import Info, owner, parse_uuids


@strawberry.type(description="A label on entries, unique per user by its slug.")
class Tag(relay.Node):
    id: relay.NodeID[str]
    name: str = strawberry.field(description="Display name.")
    slug: str = strawberry.field(description="URL-safe, unique among my tags.")
    color: str | None = strawberry.field(description="#rrggbb.")
    usage_count: int = strawberry.field(
        description="How many entries carry it (trash included), kept exact by the database."
    )
    version: int = strawberry.field(description="Bumped by every change.")
    created_at: datetime = strawberry.field(description="When it was created.")

    @classmethod
    def from_row(cls, row: TagRow) -> Tag:
        return cls(
            id=str(row.id),
            name=row.name,
            slug=row.slug,
            color=row.color,
            usage_count=row.usage_count,
            version=row.version,
            created_at=row.created_at,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Tag | None]:
        user_id = owner(info)
        ids = parse_uuids(node_ids)
        rows = await info.context.loaders.pod.tag_by_id.load_many([i for i in ids if i])
        mine = {r.id: r for r in rows if r is not None and r.user_id == user_id}
        return [cls.from_row(mine[i]) if i in mine else None for i in ids]
