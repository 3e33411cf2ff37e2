"""Building the GraphQL context of a request or websocket, and authenticating it."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from datastore.accounts.service import ClientInfo
from datastore.kit.errors import Unauthenticated
from datastore.loaders import Loaders
from datastore.services import Services
from resolvers.core.context import Context
from server.graphql.errors import OUTAGES, service_unavailable


def bearer_token(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return value.strip() if value.startswith("pps_") else None


async def build_context(
    services: Services,
    connection: HTTPConnection,
    request_id: str | None,
    *,
    authenticate: bool = True,
) -> Context:
    """A request's context, authenticated by its Authorization header (unless told not to).

    Raises TemporarilyUnavailable when the token cannot be checked (Redis is down)."""
    client = connection.client
    context = Context(
        services=services,
        request=connection,
        request_id=request_id,
        client=ClientInfo(
            ip=client.host if client else None, user_agent=connection.headers.get("user-agent")
        ),
        loaders=Loaders(services),
    )
    header = connection.headers.get("authorization")
    if header and authenticate:
        await authenticate_context(context, bearer_token(header) or "")
    return context


async def authenticate_context(context: Context, token: str) -> None:
    """Set the caller (or the reason there is none); raise TemporarilyUnavailable in an outage."""
    try:
        context.principal = await context.services.authenticator.authenticate(token)
    except Unauthenticated as error:
        context.auth_error = error
    except OUTAGES as error:
        # Runs before GraphQL execution, where no error formatter would see it.
        raise service_unavailable() from error
