"""Shares with people and share links, as their owner and their people see them.

These types name their entry by id (`entryId`), not as an `Entry`: the entry types list
an entry's shares, and a type module importing the other back would make a cycle.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay

from datastore.pod.service.share_rules import link_opens, share_is_live
from datastore.pod.share_tables import EntryShare as ShareRow
from datastore.pod.share_tables import ShareLink as ShareLinkRow
from resolvers.core.context import Info
from resolvers.core.ids import global_id, node_uuid
from resolvers.core.nodes import Nodes, visible_nodes
from resolvers.core.rows import from_row
from resolvers.people.types import Person


@strawberry.enum(description="What a share lets its person do with the entry.")
class SharePermission(Enum):
    READ = "READ"
    WRITE = "WRITE"
    ADMIN = "ADMIN"


@strawberry.enum(
    description="What I may do with an entry: OWNER (mine), ADMIN (edit, share further), "
    "WRITE (edit with expectedVersion) or READ."
)
class EntryPermission(Enum):
    OWNER = "OWNER"
    ADMIN = "ADMIN"
    WRITE = "WRITE"
    READ = "READ"


async def _person(info: Info, user_id: uuid.UUID) -> Person | None:
    return (await Person.resolve_nodes(info=info, node_ids=[str(user_id)]))[0]


async def _entry_global_id(info: Info, entry_id: uuid.UUID) -> strawberry.ID | None:
    row = await info.context.loaders.pod.entry_by_id.load(entry_id)
    return global_id(row.kind.title(), row.id) if row else None


@strawberry.type(
    description="An entry shared with a person. Its owner, who made it and its person see "
    "it; its person only while it is live."
)
class Share(relay.Node):
    id: relay.NodeID[str]
    permission: SharePermission = strawberry.field(description="What the person may do.")
    include_secret: bool = strawberry.field(
        description="The person may read the entry's `secret` (given explicitly, recorded)."
    )
    expires_at: datetime | None = strawberry.field(
        description="When access ends by itself; null: until revoked."
    )
    revoked_at: datetime | None = strawberry.field(description="When it was revoked.")
    access_count: int = strawberry.field(description="How many times the person read it.")
    last_accessed_at: datetime | None = strawberry.field(
        description="When the person last read it."
    )
    created_at: datetime = strawberry.field(description="When it was shared.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    row: strawberry.Private[ShareRow]

    @strawberry.field(description="Whether it gives access now (not revoked, not expired).")
    def active(self) -> bool:
        return share_is_live(self.row)

    @strawberry.field(description="Global id of the shared entry; null once it is gone.")
    async def entry_id(self, info: Info) -> strawberry.ID | None:
        return await _entry_global_id(info, self.row.entry_id)

    @strawberry.field(description="Whom it is shared with.")
    async def person(self, info: Info) -> Person | None:
        return await _person(info, self.row.person_id)

    @strawberry.field(description="Who shared it: the owner, or an ADMIN sharer.")
    async def shared_by(self, info: Info) -> Person | None:
        return await _person(info, self.row.shared_by)

    @strawberry.field(description="The entry's owner.")
    async def owner(self, info: Info) -> Person | None:
        return await _person(info, self.row.owner_id)

    @classmethod
    def from_row(cls, row: ShareRow) -> Share:
        return from_row(cls, row, permission=SharePermission(row.permission), row=row)

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        return visible_nodes(
            info,
            node_ids,
            key=node_uuid,
            loader=info.context.loaders.sharing.share_by_id,
            visible=share_visible,
            build=cls.from_row,
        )


def share_visible(row: ShareRow, me: uuid.UUID) -> bool:
    """Its owner and who made it always; its person while it gives access."""
    if me in (row.owner_id, row.shared_by):
        return True
    return me == row.person_id and share_is_live(row)


@strawberry.type(
    description="A read-only link to an entry for people without an account. Its token "
    "was shown once, at creation; only its hash is kept."
)
class ShareLink(relay.Node):
    id: relay.NodeID[str]
    include_secret: bool = strawberry.field(description="Its view shows the entry's secret.")
    expires_at: datetime = strawberry.field(description="When it stops working.")
    max_uses: int | None = strawberry.field(description="How many openings it allows.")
    use_count: int = strawberry.field(description="How many times it was opened.")
    last_accessed_at: datetime | None = strawberry.field(description="When it was last opened.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked.")
    created_at: datetime = strawberry.field(description="When it was made.")
    row: strawberry.Private[ShareLinkRow]

    @strawberry.field(description="Whether it opens now (not revoked, expired or used up).")
    def active(self) -> bool:
        return link_opens(self.row)

    @strawberry.field(description="Global id of the entry; null once it is gone.")
    async def entry_id(self, info: Info) -> strawberry.ID | None:
        return await _entry_global_id(info, self.row.entry_id)

    @strawberry.field(description="Who made it: the owner, or an ADMIN sharer.")
    async def created_by(self, info: Info) -> Person | None:
        return await _person(info, self.row.created_by)

    @classmethod
    def from_row(cls, row: ShareLinkRow) -> ShareLink:
        return from_row(cls, row, row=row)

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        return visible_nodes(
            info,
            node_ids,
            key=node_uuid,
            loader=info.context.loaders.sharing.link_by_id,
            visible=lambda row, me: me in (row.owner_id, row.created_by),
            build=cls.from_row,
        )
