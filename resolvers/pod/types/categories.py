"""Categories and the category tree."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from datastore.pod.tables import Category as CategoryRow
from resolvers.pod.types.common import Info, global_id, owner, parse_uuids


@strawberry.type(description="A folder of entries; categories nest into a tree per user.")
class Category(relay.Node):
    id: relay.NodeID[str]
    name: str = strawberry.field(description="Display name.")
    color: str | None = strawberry.field(description="#rrggbb.")
    icon: str | None = strawberry.field(description="Icon name.")
    position: int = strawberry.field(description="Order among its siblings.")
    is_system: bool = strawberry.field(
        description="Created by the pod (like Inbox); cannot be deleted."
    )
    version: int = strawberry.field(description="Bumped by every change.")
    created_at: datetime = strawberry.field(description="When it was created.")
    parent_uuid: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="The parent category; null at the root.")
    async def parent(self, info: Info) -> Category | None:
        if self.parent_uuid is None:
            return None
        row = await info.context.loaders.pod.category_by_id.load(self.parent_uuid)
        return Category.from_row(row) if row and row.user_id == owner(info) else None

    @classmethod
    def from_row(cls, row: CategoryRow) -> Category:
        return cls(
            id=str(row.id),
            name=row.name,
            color=row.color,
            icon=row.icon,
            position=row.position,
            is_system=row.system_key is not None,
            version=row.version,
            created_at=row.created_at,
            parent_uuid=row.parent_id,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Category | None]:
        user_id = owner(info)
        ids = parse_uuids(node_ids)
        rows = await info.context.loaders.pod.category_by_id.load_many([i for i in ids if i])
        mine = {r.id: r for r in rows if r is not None and r.user_id == user_id}
        return [cls.from_row(mine[i]) if i in mine else None for i in ids]


@strawberry.type(
    description="A category in my tree with its entry counts. The tree is bounded "
    "(categories nest at most 16 deep), so it comes whole, in one round trip."
)
class CategoryTreeNode:
    id: strawberry.ID = strawberry.field(description="The category's global id.")
    name: str = strawberry.field(description="Display name.")
    color: str | None = strawberry.field(description="#rrggbb.")
    icon: str | None = strawberry.field(description="Icon name.")
    position: int = strawberry.field(description="Order among its siblings.")
    is_system: bool = strawberry.field(description="Created by the pod; cannot be deleted.")
    version: int = strawberry.field(description="Bumped by every change.")
    entry_count: int = strawberry.field(
        description="Entries directly in it (not trashed, not expired)."
    )
    total_entry_count: int = strawberry.field(
        description="Entries in it and all its subcategories."
    )
    children: list[CategoryTreeNode] = strawberry.field(
        description="Subcategories, by position then name."
    )

    @classmethod
    def from_dict(cls, node: dict[str, Any]) -> CategoryTreeNode:
        return cls(
            id=global_id("Category", node["id"]),
            name=node["name"],
            color=node["color"],
            icon=node["icon"],
            position=node["position"],
            is_system=node["system_key"] is not None,
            version=node["version"],
            entry_count=node["entryCount"],
            total_entry_count=node["totalEntryCount"],
            children=[cls.from_dict(child) for child in node["children"]],
        )
