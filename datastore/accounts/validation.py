"""Checks on account input; each failure names the field at fault."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import orjson

from datastore.kit.errors import BadUserInput

EMAIL = re.compile(
    r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$"
)
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.]{2,31}$")
MIN_PASSWORD, MAX_PASSWORD = 8, 256
MAX_PROFILE_BYTES = 16_384


def email(value: str, field: str = "email") -> str:
    value = value.strip()
    if len(value) > 254 or not EMAIL.match(value):
        raise BadUserInput("Enter a valid email address, like name@example.com.", field=field)
    return value


def username(value: str, field: str = "username") -> str:
    value = value.strip()
    if not USERNAME.match(value):
        raise BadUserInput(
            "A username is 3-32 letters, digits, '_' or '.', starting with a letter or digit.",
            field=field,
        )
    return value


def password(value: str, field: str = "password") -> str:
    if len(value) < MIN_PASSWORD:
        raise BadUserInput(f"A password needs at least {MIN_PASSWORD} characters.", field=field)
    if len(value) > MAX_PASSWORD:
        raise BadUserInput(f"A password has at most {MAX_PASSWORD} characters.", field=field)
    return value


def text(value: str | None, *, field: str, max_length: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > max_length:
        raise BadUserInput(f"At most {max_length} characters.", field=field)
    return value or None


def http_url(value: str | None, *, field: str) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(value) > 2048:
        raise BadUserInput("Enter an http(s) URL of at most 2048 characters.", field=field)
    return value


def profile(value: Any, field: str = "profile") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadUserInput("The profile is a JSON object.", field=field)
    if len(orjson.dumps(value)) > MAX_PROFILE_BYTES:
        raise BadUserInput(
            f"The profile is at most {MAX_PROFILE_BYTES} bytes of JSON.", field=field
        )
    return value
