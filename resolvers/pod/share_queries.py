"""Sharing queries: what is shared with me, and the public view behind a share link."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry

from datastore.pod.service.access import Access, Permission
from datastore.pod.share_tables import EntryShare
from datastore.pod.tables import Entry as EntryRow
from resolvers.core.context import Info
from resolvers.core.pagination import (
    TIME_AND_ID,
    After,
    Connection,
    First,
    decode_after,
    page_limit,
    time_and_id,
    time_and_id_cursor,
)
from resolvers.core.permissions import IsAuthenticated
from resolvers.pod.types.entries import Entry
from resolvers.pod.types.shares import Share
from resolvers.pod.types.sharing import SharedEntry, SharedEntryView


@strawberry.type
class ShareQueries:
    @strawberry.field(
        description="Entries others shared with me and I may read now, newest share first. "
        "Each read is counted on the share and shown to the owner.",
        permission_classes=[IsAuthenticated],
    )
    async def shared_with_me(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[SharedEntry]:
        me = info.context.require_principal().user_id
        key = decode_after("shared", after, pattern=TIME_AND_ID, parse=time_and_id)
        pairs, has_next = await info.context.services.shares.shared_with(
            me, after=key, limit=page_limit(info, first)
        )
        accesses = [_access(me, share, entry) for share, entry in pairs]
        for access in accesses:
            info.context.loaders.sharing.access_by_pair.prime((me, access.entry_id), access)
        await info.context.loaders.sharing.views.load_many(accesses)
        return Connection.build(
            pairs,
            node=lambda p: SharedEntry(share=Share.from_row(p[0]), entry=Entry.from_row(p[1])),
            cursor=lambda p: time_and_id_cursor("shared", p[0].created_at, p[0].id),
            has_next=has_next,
            has_previous=after is not None,
        )

    @strawberry.field(
        description="The entry behind a share link, read-only, without signing in. NOT_FOUND "
        "for an unknown, expired, revoked or used-up token alike; each opening counts as a "
        "use. Rate-limited per address."
    )
    async def shared_entry(
        self,
        info: Info,
        token: Annotated[str, strawberry.argument(description="The link's token.")],
    ) -> SharedEntryView:
        view = await info.context.services.pod.links.open(token, address=info.context.client.ip)
        return SharedEntryView.from_view(view)


def _access(me: uuid.UUID, share: EntryShare, entry: EntryRow) -> Access:
    """The access a listed share gives (the list's query checked that it is live)."""
    return Access(
        me,
        entry.id,
        entry.user_id,
        entry.kind,
        Permission(share.permission),
        share.id,
        share.include_secret,
        share.expires_at,
    )
