"""Checks on pod input; each failure is BAD_USER_INPUT naming the field at fault."""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from datetime import UTC, datetime

from datastore.accounts.validation import email, http_url, text
from datastore.kit.errors import BadUserInput

__all__ = ["email", "http_url", "text"]

COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
PHONE = re.compile(r"^\+?[0-9 ().-]{3,32}$")
ICON = re.compile(r"^[a-z0-9-]{1,64}$")
MAX_TITLE, MAX_BODY = 500, 100_000
MAX_TAGS_PER_ENTRY = 50
MAX_TAG_NAME = 64


def title(value: str, field: str = "title") -> str:
    value = value.strip()
    if not value:
        raise BadUserInput("A title is required.", field=field)
    if len(value) > MAX_TITLE:
        raise BadUserInput(f"A title has at most {MAX_TITLE} characters.", field=field)
    return value


def body(value: str | None, field: str = "body") -> str | None:
    if value is not None and len(value) > MAX_BODY:
        raise BadUserInput(f"At most {MAX_BODY} characters.", field=field)
    return value or None


def color(value: str | None, field: str = "color") -> str | None:
    if value is None:
        return None
    if not COLOR.match(value):
        raise BadUserInput("A colour is #RRGGBB in hex, like #3b82f6.", field=field)
    return value.lower()


def icon(value: str | None, field: str = "icon") -> str | None:
    if value is None:
        return None
    if not ICON.match(value):
        raise BadUserInput("An icon name is 1-64 lowercase letters, digits or '-'.", field=field)
    return value


def priority(value: int | None, field: str = "task.priority") -> int | None:
    if value is not None and not 1 <= value <= 5:
        raise BadUserInput("Priority is from 1 (highest) to 5 (lowest).", field=field)
    return value


def phone(value: str, field: str) -> str:
    value = value.strip()
    if not PHONE.match(value):
        raise BadUserInput("Enter a phone number: digits, spaces, + ( ) . -", field=field)
    return value


def totp_seed(value: str | None, field: str = "password.totpSeed") -> str | None:
    if value is None or not value.strip():
        return None
    seed = value.replace(" ", "").upper()
    try:
        if len(base64.b32decode(seed + "=" * (-len(seed) % 8))) < 10:
            raise ValueError
    except (binascii.Error, ValueError):
        raise BadUserInput("A TOTP seed is base32 of at least 80 bits.", field=field) from None
    return seed


def future(value: datetime | None, field: str = "expiresAt") -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if value <= datetime.now(UTC):
        raise BadUserInput("This time must be in the future.", field=field)
    return value


def slug(name: str, field: str = "name") -> str:
    """A URL-safe slug of a tag name: 'Café Ideas!' -> 'cafe-ideas'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    result = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:80]
    if not result:
        raise BadUserInput("A name needs at least one letter or digit.", field=field)
    return result


def search_query(value: str, field: str = "query") -> str:
    value = value.strip()
    if not value or len(value) > 256:
        raise BadUserInput("A search is 1 to 256 characters.", field=field)
    return value
