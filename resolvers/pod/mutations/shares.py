"""Sharing mutations: shares with people and share links."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from datastore.pod.service.access import Permission
from resolvers.core.context import Info
from resolvers.core.ids import argument_uuid
from resolvers.core.permissions import IsAuthenticated
from resolvers.people.types import person_id_argument
from resolvers.pod.mutations.common import actor
from resolvers.pod.types.entries import KIND_TYPES
from resolvers.pod.types.shares import Share, ShareLink, SharePermission
from resolvers.pod.types.sharing import CreatedShareLink

_ENTRY_TYPES = tuple(t.__name__ for t in KIND_TYPES.values())
EntryArgument = Annotated[relay.GlobalID, strawberry.argument(description="The entry's global id.")]
ShareId = Annotated[relay.GlobalID, strawberry.argument(description="The share's global id.")]
IncludeSecret = Annotated[
    bool,
    strawberry.argument(
        description="Also share the entry's `secret` (a password, a sensitive body). Off by "
        "default; recorded in the owner's activity and security audit log (SECRET_SHARED)."
    ),
]


@strawberry.type
class ShareMutations:
    @strawberry.mutation(
        description="Share an entry with a friend: READ reads, WRITE also edits (with "
        "expectedVersion), ADMIN also shares further. The owner or an ADMIN sharer may share; "
        "the person is notified (SHARE). CONFLICT if it is shared with them already.",
        permission_classes=[IsAuthenticated],
    )
    async def share_entry(
        self,
        info: Info,
        entry_id: EntryArgument,
        person_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The friend's Person id.")
        ],
        permission: Annotated[
            SharePermission, strawberry.argument(description="What they may do.")
        ],
        expires_at: Annotated[
            datetime | None,
            strawberry.argument(description="When access ends by itself; null: until revoked."),
        ] = None,
        include_secret: IncludeSecret = False,
    ) -> Share:
        row = await info.context.services.shares.share(
            actor(info),
            argument_uuid(entry_id, _ENTRY_TYPES, field="entryId"),
            person_id_argument(person_id, field="personId"),
            Permission(permission.value),
            expires_at=expires_at,
            include_secret=include_secret,
            client=info.context.client,
        )
        return Share.from_row(row)

    @strawberry.mutation(
        description="Change a share's permission, expiry or secret access (its entry's owner, "
        "or the ADMIN sharer who made it). Omitted arguments stay as they are.",
        permission_classes=[IsAuthenticated],
    )
    async def update_share(
        self,
        info: Info,
        id: ShareId,
        permission: Annotated[
            SharePermission | None, strawberry.argument(description="The new permission.")
        ] = None,
        expires_at: Annotated[
            datetime | None,
            strawberry.argument(description="The new expiry; null: until revoked."),
        ] = strawberry.UNSET,
        include_secret: Annotated[
            bool | None,
            strawberry.argument(
                description="Share the entry's secret or not; a change is recorded in the "
                "owner's security audit log (SECRET_SHARED, SHARE_REVOKED)."
            ),
        ] = None,
    ) -> Share:
        share_id = argument_uuid(id, "Share", field="id")
        row = await info.context.services.shares.update(
            actor(info),
            share_id,
            permission=Permission(permission.value) if permission else None,
            **({} if expires_at is strawberry.UNSET else {"expires_at": expires_at}),
            include_secret=include_secret,
            client=info.context.client,
        )
        return Share.from_row(row)

    @strawberry.mutation(
        description="End a share at once, also on its person's open subscriptions: its "
        "entry's owner, the ADMIN sharer who made it, or its person (leaving it).",
        permission_classes=[IsAuthenticated],
    )
    async def revoke_share(self, info: Info, id: ShareId) -> Share:
        row = await info.context.services.shares.revoke(
            actor(info), argument_uuid(id, "Share", field="id"), client=info.context.client
        )
        return Share.from_row(row)

    @strawberry.mutation(
        description="A read-only link to an entry for people without an account (the owner "
        "or an ADMIN sharer). The token is returned once; only its hash is stored.",
        permission_classes=[IsAuthenticated],
    )
    async def create_share_link(
        self,
        info: Info,
        entry_id: EntryArgument,
        expires_at: Annotated[
            datetime, strawberry.argument(description="When it stops working (required).")
        ],
        max_uses: Annotated[
            int | None, strawberry.argument(description="How many openings it allows.")
        ] = None,
        include_secret: IncludeSecret = False,
    ) -> CreatedShareLink:
        link, token = await info.context.services.pod.links.create(
            actor(info),
            argument_uuid(entry_id, _ENTRY_TYPES, field="entryId"),
            expires_at=expires_at,
            max_uses=max_uses,
            include_secret=include_secret,
            client=info.context.client,
        )
        return CreatedShareLink(token=token, path=f"/s/{token}", link=ShareLink.from_row(link))

    @strawberry.mutation(
        description="End a share link at once (its entry's owner, or the ADMIN sharer who "
        "made it): it then answers like an unknown token.",
        permission_classes=[IsAuthenticated],
    )
    async def revoke_share_link(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The link's global id.")],
    ) -> ShareLink:
        row = await info.context.services.pod.links.revoke(
            actor(info), argument_uuid(id, "ShareLink", field="id"), client=info.context.client
        )
        return ShareLink.from_row(row)
