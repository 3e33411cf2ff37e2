"""Who a request comes from, and what a sign-in gives back (shared by the account use cases)."""

from __future__ import annotations

from dataclasses import dataclass

from datastore.accounts.items import SessionItem
from datastore.accounts.tables import User


@dataclass(frozen=True)
class ClientInfo:
    ip: str | None
    user_agent: str | None


@dataclass(frozen=True)
class SignedIn:
    token: str
    user: User
    session: SessionItem
