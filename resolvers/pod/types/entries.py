"""Entries: the `Entry` interface and one concrete type per kind."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Self

import strawberry
from strawberry import relay
from strawberry.types.base import get_object_definition

from datastore.pod.rows import EntryData as EntryRow
from datastore.pod.service.access import Permission
from datastore.pod.service.secrets import SecretRequest
from resolvers.core.context import Info
from resolvers.core.ids import node_uuids
from resolvers.core.nodes import Nodes
from resolvers.core.pagination import (
    After,
    Connection,
    First,
    decode_cursor,
    encode_cursor,
    list_page,
    page_size,
)
from resolvers.core.rows import from_row, global_id_field, is_exactly
from resolvers.pod.enums import EntryKind, EntryStatus
from resolvers.pod.readable import access_of, readable_rows
from resolvers.pod.types.attachments import Attachment
from resolvers.pod.types.categories import Category
from resolvers.pod.types.shares import EntryPermission, Share, ShareLink
from resolvers.pod.types.tags import Tag

MAX_TAGS_PAGE = 50


@strawberry.type(description="The decrypted secrets of an entry. Each read is logged.")
class EntrySecret:
    password: str | None = strawberry.field(description="A PASSWORD entry's password.")
    totp_seed: str | None = strawberry.field(description="A PASSWORD entry's TOTP seed.")
    body: str | None = strawberry.field(description="The body of a sensitive entry.")


@strawberry.interface(
    description="Anything kept in the pod. Its owner sees it, and those it is shared with "
    "while their share is live (without its category, tags or secret unless shared)."
)
class Entry(relay.Node):
    id: relay.NodeID[str]
    _id: strawberry.ID = global_id_field()
    kind: EntryKind = strawberry.field(description="What the entry is.")
    title: str = strawberry.field(description="Title; always plaintext and searchable.")
    body: str | None = strawberry.field(
        description="Free text: markdown for notes, description or notes for other kinds. "
        "Null when the entry is sensitive: read it from `secret`."
    )
    status: EntryStatus = strawberry.field(description="DRAFT, ACTIVE, ARCHIVED or DELETED.")
    sensitive: bool = strawberry.field(description="The body is encrypted at rest.")
    version: int = strawberry.field(
        description="Bumped by every change; pass it as `expectedVersion` to updateEntry."
    )
    expires_at: datetime | None = strawberry.field(description="When it vanishes by itself.")
    deleted_at: datetime | None = strawberry.field(
        description="When it went to the trash; purged 30 days later."
    )
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    row: strawberry.Private[EntryRow]

    @strawberry.field(description="Its category (my Inbox by default); null for sharers.")
    async def category(self, info: Info) -> Category | None:
        if self.row.category_id is None or not self._mine(info):
            return None
        row = await info.context.loaders.pod.category_by_id.load(self.row.category_id)
        return Category.from_row(row) if row and row.user_id == self.row.user_id else None

    @strawberry.field(description="Its tags, by slug; none for sharers (tags are the owner's).")
    async def tags(self, info: Info, first: First = None, after: After = None) -> Connection[Tag]:
        limit = page_size(first, maximum=MAX_TAGS_PAGE)
        start = decode_cursor("etag", after, pattern=r"[a-z0-9-]+") if after else ""
        mine = self._mine(info)
        rows = await info.context.loaders.pod.tags_by_entry_id.load(self.row.id) if mine else []
        rows = [r for r in rows if r.slug > start]
        return Connection.build(
            rows[:limit],
            node=Tag.from_row,
            cursor=lambda r: encode_cursor("etag", r.slug),
            has_next=len(rows) > limit,
            has_previous=after is not None,
        )

    @strawberry.field(description="Its files, oldest first (at most 100 per entry).")
    async def attachments(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Attachment]:
        rows = await info.context.loaders.pod.attachments_by_entry_id.load(self.row.id)
        return list_page(rows, kind="att", node=Attachment.from_row, first=first, after=after)

    @strawberry.field(
        description="Decrypted secrets (password, TOTP seed, sensitive body); null when the "
        "entry has none. Every read is recorded in my activity log as SECRET_VIEWED."
    )
    async def secret(self, info: Info) -> EntrySecret | None:
        principal = info.context.require_principal()
        if self.row.sealed is None:
            return None
        access = await access_of(info, self.row)
        if access is None or not access.include_secret:
            return None
        values = await info.context.loaders.pod.secret.load(
            SecretRequest(
                self.row.id,
                self.row.kind,
                self.row.user_id,
                principal.session_id,
                self.row.sealed,
                actor_id=None if access.is_owner else principal.user_id,
            )
        )
        return EntrySecret(
            password=values.get("password"),
            totp_seed=values.get("totpSeed"),
            body=values.get("body"),
        )

    @strawberry.field(description="What I may do with it: OWNER, or my share's permission.")
    async def my_permission(self, info: Info) -> EntryPermission:
        access = await access_of(info, self.row)
        # Only a readable entry gets here; an access that ended mid-request reads as READ.
        return EntryPermission(access.permission.value) if access else EntryPermission.READ

    @strawberry.field(
        description="Whom it is shared with (live and expired, not revoked), oldest first, "
        "with each one's access count and last access. For its owner and ADMIN sharers; "
        "empty for others."
    )
    async def shares(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Share]:
        rows = (
            await info.context.loaders.sharing.shares_by_entry_id.load(self.row.id)
            if (await self._managed(info))
            else []
        )
        return list_page(rows, kind="share", node=Share.from_row, first=first, after=after)

    @strawberry.field(
        description="Its share links (not revoked), oldest first. For its owner and ADMIN "
        "sharers; empty for others."
    )
    async def share_links(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[ShareLink]:
        rows = (
            await info.context.loaders.sharing.links_by_entry_id.load(self.row.id)
            if (await self._managed(info))
            else []
        )
        return list_page(rows, kind="slink", node=ShareLink.from_row, first=first, after=after)

    def _mine(self, info: Info) -> bool:
        return self.row.user_id == info.context.require_principal().user_id

    async def _managed(self, info: Info) -> bool:
        """The caller may manage its sharing: its owner or an ADMIN sharer."""
        if self._mine(info):
            return True
        access = await access_of(info, self.row)
        return access is not None and access.allows(Permission.ADMIN)

    @classmethod
    def resolve_type(cls, obj: object, _info: Any, _abstract_type: Any) -> str | None:
        """The concrete type's name by the object's class (no per-item isinstance chain)."""
        return _TYPE_NAMES.get(type(obj))

    @classmethod
    def is_type_of(cls, obj: object, _info: Any) -> bool:
        return is_exactly(cls, obj)

    @classmethod
    def from_row(cls, row: EntryRow) -> Entry:
        """The concrete type of the row's kind."""
        return KIND_TYPES[row.kind].from_row(row)

    @classmethod
    def _filled(cls, row: EntryRow, **kind_fields: Any) -> Self:
        """A `cls` with the fields every entry has from `row`, plus its kind's own."""
        kind, status = EntryKind(row.kind), EntryStatus(row.status)
        return from_row(cls, row, kind=kind, status=status, row=row, **kind_fields)

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        """Mine or shared with me now, and of this type's kind: a Note's id relabelled
        Password is null."""
        return cls._readable(info, node_ids)

    @classmethod
    async def _readable(cls, info: Info, node_ids: Iterable[str]) -> list[Entry | None]:
        rows = await readable_rows(info, node_uuids(node_ids))
        return [cls._of_kind(row) if row is not None else None for row in rows]

    @classmethod
    def _of_kind(cls, row: EntryRow) -> Entry | None:
        return cls.from_row(row) if KIND_TYPES[row.kind] is cls else None


@strawberry.type(description="A note: a title and a markdown body.")
class Note(Entry):
    @classmethod
    def from_row(cls, row: EntryRow) -> Note:
        return cls._filled(row)


@strawberry.type(description="A document; its files come with attachments.")
class Document(Entry):
    @classmethod
    def from_row(cls, row: EntryRow) -> Document:
        return cls._filled(row)


@strawberry.type(description="A saved login. The password itself is only in `secret`.")
class Password(Entry):
    url: str | None = strawberry.field(description="http(s) URL of the site.")
    username: str | None = strawberry.field(description="Login name.")
    has_totp: bool = strawberry.field(description="A TOTP seed is stored (in `secret`).")

    @classmethod
    def from_row(cls, row: EntryRow) -> Password:
        fields = row.fields or {}
        return cls._filled(
            row,
            url=fields.get("url"),
            username=fields.get("username"),
            has_totp=bool(fields.get("hasTotp")),
        )


@strawberry.type(description="A saved link.")
class Bookmark(Entry):
    url: str | None = strawberry.field(description="http(s) URL bookmarked.")
    favicon_url: str | None = strawberry.field(description="http(s) URL of the site's icon.")

    @classmethod
    def from_row(cls, row: EntryRow) -> Bookmark:
        fields = row.fields or {}
        return cls._filled(row, url=fields.get("url"), favicon_url=fields.get("faviconUrl"))


@strawberry.type(description="Something to do.")
class Task(Entry):
    due_at: datetime | None = strawberry.field(description="When it is due.")
    done: bool = strawberry.field(description="Whether it is done.")
    done_at: datetime | None = strawberry.field(description="When it was marked done.")
    priority: int | None = strawberry.field(description="1 (highest) to 5 (lowest).")

    @classmethod
    def from_row(cls, row: EntryRow) -> Task:
        fields = row.fields or {}
        return cls._filled(
            row,
            due_at=_time(fields.get("dueAt")),
            done=bool(fields.get("done")),
            done_at=_time(fields.get("doneAt")),
            priority=fields.get("priority"),
        )


@strawberry.type(description="An email address of a contact.")
class ContactEmail:
    address: str = strawberry.field(description="The address.")
    label: str | None = strawberry.field(description="Like 'work'.")


@strawberry.type(description="A phone number of a contact.")
class ContactPhone:
    number: str = strawberry.field(description="The number as entered.")
    label: str | None = strawberry.field(description="Like 'mobile'.")


@strawberry.type(description="A postal address of a contact.")
class ContactAddress:
    label: str | None = strawberry.field(description="Like 'home'.")
    street: str | None = strawberry.field(description="Street and number.")
    city: str | None = strawberry.field(description="City.")
    region: str | None = strawberry.field(description="State or region.")
    postal_code: str | None = strawberry.field(description="Postal code.")
    country: str | None = strawberry.field(description="Country.")


@strawberry.type(description="A person or organisation.")
class Contact(Entry):
    given_name: str | None = strawberry.field(description="Given name.")
    family_name: str | None = strawberry.field(description="Family name.")
    organisation: str | None = strawberry.field(description="Organisation.")
    emails: list[ContactEmail] = strawberry.field(description="Email addresses (20 max).")
    phones: list[ContactPhone] = strawberry.field(description="Phone numbers (20 max).")
    addresses: list[ContactAddress] = strawberry.field(description="Postal addresses (20 max).")
    birthday: date | None = strawberry.field(description="Birthday.")

    @classmethod
    def from_row(cls, row: EntryRow) -> Contact:
        fields = row.fields or {}
        birthday = fields.get("birthday")
        return cls._filled(
            row,
            given_name=fields.get("givenName"),
            family_name=fields.get("familyName"),
            organisation=fields.get("organisation"),
            emails=[ContactEmail(**e) for e in fields.get("emails") or []],
            phones=[ContactPhone(**p) for p in fields.get("phones") or []],
            addresses=[
                ContactAddress(
                    label=a.get("label"),
                    street=a.get("street"),
                    city=a.get("city"),
                    region=a.get("region"),
                    postal_code=a.get("postalCode"),
                    country=a.get("country"),
                )
                for a in fields.get("addresses") or []
            ],
            birthday=date.fromisoformat(birthday) if birthday else None,
        )


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


KIND_TYPES: dict[str, type[Entry]] = {
    "NOTE": Note,
    "PASSWORD": Password,
    "DOCUMENT": Document,
    "BOOKMARK": Bookmark,
    "TASK": Task,
    "CONTACT": Contact,
}
ENTRY_TYPES = tuple(KIND_TYPES.values())
_TYPE_NAMES: dict[type, str] = {t: get_object_definition(t, strict=True).name for t in ENTRY_TYPES}
