"""The account's sections: my profile and my device sessions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from datastore.accounts.items import SessionItem
from datastore.accounts.repository.sessions import session_cursor
from datastore.exports.sections.base import Scope, Section, fields, iso, pages

PAGE = 100


async def _profile(scope: Scope) -> AsyncIterator[dict[str, Any]]:
    user = scope.user
    yield {
        "id": str(user.id),
        "email": user.email,
        "username": user.username,
        "displayName": user.display_name,
        "avatarUrl": user.avatar_url,
        "profile": user.profile,
        "createdAt": iso(user.created_at),
        "updatedAt": iso(user.updated_at),
    }


async def _sessions(scope: Scope) -> AsyncIterator[dict[str, Any]]:
    async def fetch(after: str | None) -> tuple[list[SessionItem], bool]:
        return await scope.sessions.list_for_user(str(scope.user_id), limit=PAGE, after=after)

    async for session in pages(fetch, session_cursor):
        yield {
            "id": session.id,
            "deviceName": session.device_name,
            "userAgent": session.user_agent,
            "ip": session.ip,
            "createdAt": session.created_at,
            "lastActiveAt": session.last_active_at,
            "expiresAt": session.expires_at,
        }


PROFILE = Section(
    name="accounts.profile",
    file="accounts/profile.json",
    version=1,
    description="My account: one item.",
    fields=fields(
        ("id", "Account id (UUID)."),
        ("email", "Sign-in email address."),
        ("username", "Unique user name."),
        ("displayName", "Name shown to others, or null."),
        ("avatarUrl", "Avatar image URL, or null."),
        ("profile", "Free-form profile fields (object)."),
        ("createdAt", "When the account was made (ISO 8601)."),
        ("updatedAt", "Last profile change (ISO 8601)."),
    ),
    rows=_profile,
)

SESSIONS = Section(
    name="accounts.sessions",
    file="accounts/sessions.json",
    version=1,
    description="My signed-in devices that have not expired, newest first. Tokens are not "
    "exported (only their holders know them).",
    fields=fields(
        ("id", "Session id."),
        ("deviceName", "Name given at sign-in, or null."),
        ("userAgent", "The client's User-Agent at sign-in, or null."),
        ("ip", "The client address at sign-in, or null."),
        ("createdAt", "Sign-in time (ISO 8601)."),
        ("lastActiveAt", "Last request (ISO 8601)."),
        ("expiresAt", "When it expires (epoch seconds)."),
    ),
    rows=_sessions,
    store="DynamoDB",
)
