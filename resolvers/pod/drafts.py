"""Turning entry inputs into validated drafts and patches (kind fields included)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import strawberry
from strawberry import relay

from datastore.kit.errors import BadUserInput
from datastore.pod import validation as check
from datastore.pod.service.changes import EntryDraft, EntryPatch
from resolvers.core.ids import argument_uuid
from resolvers.pod.enums import EntryStatus
from resolvers.pod.inputs import (
    BookmarkFieldsInput,
    ContactFieldsInput,
    CreateEntryInput,
    PasswordFieldsInput,
    TaskFieldsInput,
    UpdateEntryInput,
)

KIND_INPUTS = {"PASSWORD": "password", "BOOKMARK": "bookmark", "TASK": "task", "CONTACT": "contact"}
MAX_CONTACT_ITEMS = 20


def _given(value: Any) -> bool:
    return value is not strawberry.UNSET


def _short(value: str | None, field: str, max_length: int = 256) -> str | None:
    return check.text(value, field=field, max_length=max_length)


def _password(data: PasswordFieldsInput) -> tuple[dict[str, Any], dict[str, Any]]:
    fields: dict[str, Any] = {}
    secrets: dict[str, Any] = {}
    if _given(data.url):
        fields["url"] = check.http_url(data.url, field="password.url")
    if _given(data.username):
        fields["username"] = _short(data.username, "password.username")
    if _given(data.secret):
        if data.secret is not None and len(data.secret) > 4096:
            raise BadUserInput("At most 4096 characters.", field="password.secret")
        secrets["password"] = data.secret or None
    if _given(data.totp_seed):
        secrets["totpSeed"] = check.totp_seed(data.totp_seed)
        # Only whether a seed exists is public, so apps can offer a code button.
        fields["hasTotp"] = secrets["totpSeed"] is not None
    return fields, secrets


def _bookmark(data: BookmarkFieldsInput) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if _given(data.url):
        fields["url"] = check.http_url(data.url, field="bookmark.url")
    if _given(data.favicon_url):
        fields["faviconUrl"] = check.http_url(data.favicon_url, field="bookmark.faviconUrl")
    return fields


def _task(data: TaskFieldsInput) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if _given(data.due_at):
        fields["dueAt"] = data.due_at.isoformat() if data.due_at else None
    if _given(data.done):
        fields["done"] = bool(data.done)
    if _given(data.priority):
        fields["priority"] = check.priority(data.priority)
    return fields


def _contact(data: ContactFieldsInput) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, key in (
        ("given_name", "givenName"),
        ("family_name", "familyName"),
        ("organisation", "organisation"),
    ):
        value = getattr(data, name)
        if _given(value):
            fields[key] = _short(value, f"contact.{key}", 200)
    if _given(data.emails):
        fields["emails"] = [
            {
                "address": check.email(e.address, field=f"contact.emails.{i}.address"),
                "label": _short(e.label, f"contact.emails.{i}.label", 32),
            }
            for i, e in enumerate(_bounded(data.emails, "contact.emails"))
        ]
    if _given(data.phones):
        fields["phones"] = [
            {
                "number": check.phone(p.number, field=f"contact.phones.{i}.number"),
                "label": _short(p.label, f"contact.phones.{i}.label", 32),
            }
            for i, p in enumerate(_bounded(data.phones, "contact.phones"))
        ]
    if _given(data.addresses):
        fields["addresses"] = [
            {
                key: _short(getattr(a, name), f"contact.addresses.{i}.{key}", 200)
                for name, key in (
                    ("label", "label"),
                    ("street", "street"),
                    ("city", "city"),
                    ("region", "region"),
                    ("postal_code", "postalCode"),
                    ("country", "country"),
                )
            }
            for i, a in enumerate(_bounded(data.addresses, "contact.addresses"))
        ]
    if _given(data.birthday):
        fields["birthday"] = data.birthday.isoformat() if data.birthday else None
    return fields


def _bounded(items: list[Any] | None, field: str) -> list[Any]:
    if items and len(items) > MAX_CONTACT_ITEMS:
        raise BadUserInput(f"At most {MAX_CONTACT_ITEMS} items.", field=field)
    return items or []


def kind_fields(kind: str, source: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(plaintext kind fields, secrets) given for `kind`; any other kind's input is refused."""
    for other, name in KIND_INPUTS.items():
        value = getattr(source, name)
        if other != kind and _given(value) and value is not None:
            raise BadUserInput(f"`{name}` is only for {other} entries.", field=name)
    own = KIND_INPUTS.get(kind)
    data = getattr(source, own) if own else None
    if data is None or not _given(data):
        return {}, {}
    if kind == "PASSWORD":
        return _password(data)
    builders: dict[str, Callable[[Any], dict[str, Any]]] = {
        "BOOKMARK": _bookmark,
        "TASK": _task,
        "CONTACT": _contact,
    }
    return builders[kind](data), {}


def _status(status: EntryStatus) -> str:
    if status is EntryStatus.DELETED:
        raise BadUserInput("Use deleteEntry to move an entry to the trash.", field="status")
    return status.value


def tag_ids(ids: list[relay.GlobalID] | None) -> list[uuid.UUID]:
    found = list(dict.fromkeys(argument_uuid(i, "Tag", field="tagIds") for i in ids or []))
    if len(found) > check.MAX_TAGS_PER_ENTRY:
        raise BadUserInput(f"At most {check.MAX_TAGS_PER_ENTRY} tags.", field="tagIds")
    return found


def category_id(value: relay.GlobalID | None, field: str = "categoryId") -> uuid.UUID | None:
    return None if value is None else argument_uuid(value, "Category", field=field)


def draft(data: CreateEntryInput) -> EntryDraft:
    kind = data.kind.value
    fields, secrets = kind_fields(kind, data)
    return EntryDraft(
        kind=kind,
        title=check.title(data.title),
        body=check.body(data.body),
        status=_status(data.status),
        category_id=category_id(data.category_id),
        tag_ids=tag_ids(data.tag_ids),
        sensitive=data.sensitive,
        expires_at=check.future(data.expires_at),
        fields=fields,
        secrets=secrets,
    )


def patch(kind: str, data: UpdateEntryInput) -> EntryPatch:
    result = EntryPatch()
    values = result.values
    if _given(data.title):
        values["title"] = check.title(data.title or "")
    if _given(data.body):
        values["body"] = check.body(data.body)
    if _given(data.status):
        if data.status is None:
            raise BadUserInput("A status is required.", field="status")
        values["status"] = _status(data.status)
    if _given(data.category_id):
        values["category_id"] = category_id(data.category_id)
    if _given(data.sensitive):
        values["sensitive"] = bool(data.sensitive)
    if _given(data.expires_at):
        values["expires_at"] = check.future(data.expires_at)
    if _given(data.tag_ids):
        result.tag_ids = tag_ids(data.tag_ids)
    result.fields, result.secrets = kind_fields(kind, data)
    return result
