"""Categories and the category tree."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from datastore.pod.tables import Category as CategoryRow
from resolvers.core.context import Info
from resolvers.core.ids import global_id
from resolvers.core.nodes import Nodes, owned, owned_nodes
from resolvers.core.rows import from_row


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
        principal = info.context.principal
        if self.parent_uuid is None or principal is None:
            return None
        row = await info.context.loaders.pod.category_by_id.load(self.parent_uuid)
        mine = owned(row, principal.user_id)
        return Category.from_row(mine) if mine else None

    @classmethod
    def from_row(cls, row: CategoryRow) -> Category:
        return from_row(cls, row, is_system=row.system_key is not None, parent_uuid=row.parent_id)

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        return owned_nodes(info, node_ids, info.context.loaders.pod.category_by_id, cls.from_row)


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
