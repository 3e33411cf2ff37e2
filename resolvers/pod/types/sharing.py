"""What sharing answers with: entries shared with me, new links, the public link view and
live share events."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from datastore.pod.service.links import LinkView
from resolvers.core.context import Info
from resolvers.core.ids import global_id
from resolvers.pod.enums import EntryKind
from resolvers.pod.readable import readable_rows
from resolvers.pod.types.entries import Entry, EntrySecret
from resolvers.pod.types.shares import Share, ShareLink


@strawberry.type(description="An entry someone shared with me, with the share.")
class SharedEntry:
    share: Share = strawberry.field(description="The share: permission, expiry, who shared it.")
    entry: Entry = strawberry.field(description="The entry, as my share lets me see it.")


@strawberry.type(description="A new share link. Its token is shown only here, once.")
class CreatedShareLink:
    token: str = strawberry.field(
        description="The secret token; keep it: only its hash is stored, it cannot be shown again."
    )
    path: str = strawberry.field(
        description="Where the read-only page is, on this server: /s/<token>."
    )
    link: ShareLink = strawberry.field(description="The link, to list and revoke it.")


@strawberry.type(description="An entry seen through a share link: read-only, no account needed.")
class SharedEntryView:
    kind: EntryKind = strawberry.field(description="What the entry is.")
    title: str = strawberry.field(description="Its title.")
    body: str | None = strawberry.field(
        description="Its text; null when sensitive (then only in `secret`, if the link has it)."
    )
    fields: JSON = strawberry.field(
        description="Its kind's plaintext fields (a bookmark's url, a task's due date...)."
    )
    secret: EntrySecret | None = strawberry.field(
        description="Its secrets, only when the link was made with includeSecret."
    )
    updated_at: datetime = strawberry.field(description="When the entry last changed.")
    link_expires_at: datetime = strawberry.field(description="When this link stops working.")

    @classmethod
    def from_view(cls, view: LinkView) -> SharedEntryView:
        entry, secret = view.entry, view.secret
        return cls(
            kind=EntryKind(entry.kind),
            title=entry.title,
            body=entry.body,
            fields=cast(JSON, dict(entry.fields or {})),
            secret=EntrySecret(
                password=secret.get("password"),
                totp_seed=secret.get("totpSeed"),
                body=secret.get("body"),
            )
            if secret
            else None,
            updated_at=entry.updated_at,
            link_expires_at=view.link.expires_at,
        )


@strawberry.enum(description="What happened to a share.")
class ShareEventKind(Enum):
    SHARED = "SHARED"
    UPDATED = "UPDATED"
    UNSHARED = "UNSHARED"


@strawberry.type(
    description="A share of mine or with me changed: a new one, a changed one, or one that "
    "ended (then `share` and `entry` are null for its person)."
)
class ShareEvent:
    kind: ShareEventKind = strawberry.field(description="What happened.")
    share_id: strawberry.ID = strawberry.field(description="Global id of the share.")
    entry_id: strawberry.ID = strawberry.field(description="Global id of the entry.")
    payload: strawberry.Private[dict[str, Any]]

    @strawberry.field(description="The share as it is now; null when I can no longer see it.")
    async def share(self, info: Info) -> Share | None:
        return (await Share.resolve_nodes(info=info, node_ids=[self.payload["shareId"]]))[0]

    @strawberry.field(description="The entry as I may read it now; null when I cannot.")
    async def entry(self, info: Info) -> Entry | None:
        row = (await readable_rows(info, [uuid.UUID(self.payload["entryId"])]))[0]
        return Entry.from_row(row) if row else None

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> ShareEvent:
        return cls(
            kind=ShareEventKind(payload["kind"]),
            share_id=global_id("Share", payload["shareId"]),
            entry_id=global_id(payload["nodeType"], payload["entryId"]),
            payload=payload,
        )
