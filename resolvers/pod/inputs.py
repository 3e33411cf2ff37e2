"""Inputs of the pod. Kind fields are one input per kind; omitted fields stay unchanged."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay

from resolvers.pod.enums import (
    EntryKind,
    EntrySortField,
    EntryStatus,
    SearchLanguage,
    SortDirection,
)

UNSET = strawberry.UNSET


@strawberry.input(description="Fields of a PASSWORD entry.")
class PasswordFieldsInput:
    url: str | None = strawberry.field(default=UNSET, description="http(s) URL of the site.")
    username: str | None = strawberry.field(default=UNSET, description="Login name, 256 max.")
    secret: str | None = strawberry.field(
        default=UNSET, description="The password; encrypted at rest, read back via `secret`."
    )
    totp_seed: str | None = strawberry.field(
        default=UNSET, description="Base32 TOTP seed; encrypted at rest."
    )


@strawberry.input(description="Fields of a BOOKMARK entry.")
class BookmarkFieldsInput:
    url: str | None = strawberry.field(default=UNSET, description="http(s) URL bookmarked.")
    favicon_url: str | None = strawberry.field(
        default=UNSET, description="http(s) URL of the site's icon."
    )


@strawberry.input(description="Fields of a TASK entry.")
class TaskFieldsInput:
    due_at: datetime | None = strawberry.field(default=UNSET, description="When it is due.")
    done: bool | None = strawberry.field(
        default=UNSET, description="Done; setting it records doneAt, clearing it clears doneAt."
    )
    priority: int | None = strawberry.field(default=UNSET, description="1 (highest) to 5 (lowest).")


@strawberry.input(description="An email address of a contact.")
class ContactEmailInput:
    address: str = strawberry.field(description="A valid email address.")
    label: str | None = strawberry.field(default=None, description="Like 'work', 32 max.")


@strawberry.input(description="A phone number of a contact.")
class ContactPhoneInput:
    number: str = strawberry.field(description="Digits, spaces, + ( ) . -")
    label: str | None = strawberry.field(default=None, description="Like 'mobile', 32 max.")


@strawberry.input(description="A postal address of a contact.")
class ContactAddressInput:
    label: str | None = strawberry.field(default=None, description="Like 'home', 32 max.")
    street: str | None = strawberry.field(default=None, description="Street and number.")
    city: str | None = strawberry.field(default=None, description="City.")
    region: str | None = strawberry.field(default=None, description="State or region.")
    postal_code: str | None = strawberry.field(default=None, description="Postal code.")
    country: str | None = strawberry.field(default=None, description="Country.")


@strawberry.input(description="Fields of a CONTACT entry; lists replace the stored lists.")
class ContactFieldsInput:
    given_name: str | None = strawberry.field(default=UNSET, description="Given name.")
    family_name: str | None = strawberry.field(default=UNSET, description="Family name.")
    organisation: str | None = strawberry.field(default=UNSET, description="Organisation.")
    emails: list[ContactEmailInput] | None = strawberry.field(
        default=UNSET, description="Email addresses (20 max)."
    )
    phones: list[ContactPhoneInput] | None = strawberry.field(
        default=UNSET, description="Phone numbers (20 max)."
    )
    addresses: list[ContactAddressInput] | None = strawberry.field(
        default=UNSET, description="Postal addresses (20 max)."
    )
    birthday: date | None = strawberry.field(default=UNSET, description="Birthday.")


@strawberry.input(description="A new entry. Give only the fields input of its kind.")
class CreateEntryInput:
    kind: EntryKind = strawberry.field(description="What the entry is.")
    title: str = strawberry.field(description="1 to 500 characters; always searchable.")
    body: str | None = strawberry.field(
        default=None,
        description="Free text (markdown for notes; description or notes for other kinds). "
        "Encrypted and not searchable when `sensitive`.",
    )
    status: EntryStatus = strawberry.field(
        default=EntryStatus.ACTIVE, description="DRAFT, ACTIVE or ARCHIVED."
    )
    category_id: relay.GlobalID | None = strawberry.field(
        default=None, description="One of my categories; my Inbox when omitted."
    )
    tag_ids: list[relay.GlobalID] | None = strawberry.field(
        default=None, description="My tags to put on it (50 max)."
    )
    sensitive: bool = strawberry.field(
        default=False, description="Encrypt the body at rest and keep it out of search."
    )
    expires_at: datetime | None = strawberry.field(
        default=None, description="When the entry vanishes by itself (future)."
    )
    password: PasswordFieldsInput | None = strawberry.field(
        default=None, description="For PASSWORD."
    )
    bookmark: BookmarkFieldsInput | None = strawberry.field(
        default=None, description="For BOOKMARK."
    )
    task: TaskFieldsInput | None = strawberry.field(default=None, description="For TASK.")
    contact: ContactFieldsInput | None = strawberry.field(default=None, description="For CONTACT.")


@strawberry.input(description="Changes to an entry; omitted fields stay, null clears.")
class UpdateEntryInput:
    title: str | None = strawberry.field(default=UNSET, description="1 to 500 characters.")
    body: str | None = strawberry.field(default=UNSET, description="Free text.")
    status: EntryStatus | None = strawberry.field(
        default=UNSET, description="DRAFT, ACTIVE or ARCHIVED (use deleteEntry to trash)."
    )
    category_id: relay.GlobalID | None = strawberry.field(
        default=UNSET, description="Move to one of my categories (null: my Inbox)."
    )
    tag_ids: list[relay.GlobalID] | None = strawberry.field(
        default=UNSET, description="Replace the entry's tags with these (50 max)."
    )
    sensitive: bool | None = strawberry.field(
        default=UNSET, description="Encrypt (or decrypt) the body at rest."
    )
    expires_at: datetime | None = strawberry.field(
        default=UNSET, description="When it vanishes (future); null: never."
    )
    password: PasswordFieldsInput | None = strawberry.field(
        default=UNSET, description="For PASSWORD entries."
    )
    bookmark: BookmarkFieldsInput | None = strawberry.field(
        default=UNSET, description="For BOOKMARK entries."
    )
    task: TaskFieldsInput | None = strawberry.field(default=UNSET, description="For TASK entries.")
    contact: ContactFieldsInput | None = strawberry.field(
        default=UNSET, description="For CONTACT entries."
    )


@strawberry.input(description="Which entries to list; conditions combine with AND.")
class EntryFilter:
    kinds: list[EntryKind] | None = strawberry.field(default=None, description="Any of these.")
    statuses: list[EntryStatus] | None = strawberry.field(
        default=None, description="Any of these; all but DELETED (trash) when omitted."
    )
    category_id: relay.GlobalID | None = strawberry.field(
        default=None, description="In this category."
    )
    include_subcategories: bool = strawberry.field(
        default=False, description="With `categoryId`: also in its subcategories."
    )
    tag_ids: list[relay.GlobalID] | None = strawberry.field(
        default=None, description="Tagged with any of these."
    )
    created_after: datetime | None = strawberry.field(
        default=None, description="Created at or after."
    )
    created_before: datetime | None = strawberry.field(default=None, description="Created before.")
    updated_after: datetime | None = strawberry.field(
        default=None, description="Updated at or after."
    )
    updated_before: datetime | None = strawberry.field(default=None, description="Updated before.")


@strawberry.input(description="How entries are ordered.")
class EntrySort:
    field: EntrySortField = strawberry.field(
        default=EntrySortField.CREATED, description="Sort key; id breaks ties."
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.DESC, description="ASC or DESC."
    )


@strawberry.input(description="A new category.")
class CreateCategoryInput:
    name: str = strawberry.field(description="1 to 100 characters.")
    parent_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Parent category; a root when omitted."
    )
    color: str | None = strawberry.field(default=None, description="#RRGGBB.")
    icon: str | None = strawberry.field(default=None, description="Icon name, like 'folder'.")
    position: int = strawberry.field(default=0, description="Order among siblings.")


@strawberry.input(description="Changes to a category; omitted fields stay, null clears.")
class UpdateCategoryInput:
    name: str | None = strawberry.field(default=UNSET, description="1 to 100 characters.")
    color: str | None = strawberry.field(default=UNSET, description="#RRGGBB.")
    icon: str | None = strawberry.field(default=UNSET, description="Icon name.")
    position: int | None = strawberry.field(default=UNSET, description="Order among siblings.")


@strawberry.input(description="A new tag.")
class CreateTagInput:
    name: str = strawberry.field(description="1 to 64 characters; its slug must be new.")
    color: str | None = strawberry.field(default=None, description="#RRGGBB.")


@strawberry.input(description="Changes to a tag: renaming changes its slug.")
class UpdateTagInput:
    name: str | None = strawberry.field(default=UNSET, description="New name.")
    color: str | None = strawberry.field(default=UNSET, description="#RRGGBB, null clears.")


@strawberry.input(description="Pod settings to change.")
class UpdatePodSettingsInput:
    search_language: SearchLanguage = strawberry.field(
        description="Language of full-text search; my entries are re-indexed."
    )
