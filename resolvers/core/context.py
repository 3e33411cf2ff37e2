"""The typed per-request (or per-websocket) GraphQL context, and `Info` over it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import strawberry
from starlette.requests import HTTPConnection

from datastore.accounts.service import ClientInfo
from datastore.accounts.service.authenticator import Principal
from datastore.kit.errors import DomainError, Unauthenticated
from datastore.kit.settings import Settings
from datastore.loaders import Loaders
from datastore.services import Services


@dataclass
class Context:
    services: Services
    request: HTTPConnection
    request_id: str | None
    client: ClientInfo
    loaders: Loaders
    principal: Principal | None = None
    auth_error: DomainError | None = None
    # Set by strawberry's websocket handlers from the connection_init payload.
    connection_params: dict[str, Any] | None = field(default=None)

    @property
    def settings(self) -> Settings:
        return self.services.clients.settings

    def require_principal(self) -> Principal:
        """The caller, or UNAUTHENTICATED (with the reason a given token was refused)."""
        if self.principal is not None:
            return self.principal
        raise self.auth_error or Unauthenticated()

    def fresh_loaders(self) -> Loaders:
        """New loaders for each event of a long-lived subscription."""
        return Loaders(self.services)


Info = strawberry.Info[Context, None]
