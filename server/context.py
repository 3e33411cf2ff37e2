"""The typed per-request (or per-websocket) GraphQL context."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import HTTPConnection

from datastore.accounts.authenticator import Principal
from datastore.accounts.loaders import SessionByIdLoader, UserByIdLoader
from datastore.accounts.service import ClientInfo
from datastore.kit.errors import DomainError, Unauthenticated
from server.domains import all_domains
from server.services import Services


class Loaders:
    """Dataloaders live for one request, so a batch never serves another request's data.

    Account loaders are attributes; a domain's loaders are `loaders.<domain name>`, built on
    first use in the request from the factory the domain registered.
    """

    def __init__(self, services: Services) -> None:
        self._services = services
        self.user_by_id = UserByIdLoader(services.read_db)
        self.session_by_id = SessionByIdLoader(services.session_repository)

    @classmethod
    def build(cls, services: Services) -> Loaders:
        return cls(services)

    def __getattr__(self, name: str) -> Any:
        for domain in all_domains():
            if domain.name == name and domain.loaders is not None:
                bundle = domain.loaders(self._services)
                setattr(self, name, bundle)
                return bundle
        raise AttributeError(name)


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

    def require_principal(self) -> Principal:
        """The caller, or UNAUTHENTICATED (with the reason a given token was refused)."""
        if self.principal is not None:
            return self.principal
        raise self.auth_error or Unauthenticated()

    def fresh_loaders(self) -> Loaders:
        """New loaders for each event of a long-lived subscription."""
        return Loaders.build(self.services)


def bearer_token(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return value.strip() if value.startswith("pps_") else None


async def build_context(
    services: Services, connection: HTTPConnection, request_id: str | None
) -> Context:
    client = connection.client
    context = Context(
        services=services,
        request=connection,
        request_id=request_id,
        client=ClientInfo(
            ip=client.host if client else None, user_agent=connection.headers.get("user-agent")
        ),
        loaders=Loaders.build(services),
    )
    header = connection.headers.get("authorization")
    if header:
        await authenticate_context(context, bearer_token(header) or "")
    return context


async def authenticate_context(context: Context, token: str) -> None:
    try:
        context.principal = await context.services.authenticator.authenticate(token)
    except Unauthenticated as error:
        context.auth_error = error
