"""A small schema served by the real GraphQL-over-HTTP endpoint, on a real uvicorn.

The transport tests and the conformance audit need an endpoint whose fields fail, nest
and cost on demand, without the app's database behind it.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import strawberry
import uvicorn
from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from strawberry.extensions import SchemaExtension

from datastore.kit.errors import NotFound
from server.graphiql.page import GraphiQLPage
from server.graphql.errors import format_error
from server.graphql.http import GraphQLHTTP
from server.graphql.limits import limit_extensions

MAX_DEPTH = 5
MAX_COST = 500


@strawberry.type(description="A node of a tree of lists, to measure cost and depth.")
class Item:
    id: strawberry.ID = strawberry.field(description="The item's id.")

    @strawberry.field(description="The first `first` (or last `last`) children.")
    def items(self, first: int | None = None, last: int | None = None) -> list[Item]:
        return [Item(id=strawberry.ID(f"{self.id}.{n}")) for n in range(first or last or 2)]


@strawberry.type
class Query:
    @strawberry.field(description="A greeting.")
    def hello(self, name: str) -> str:
        return f"Hello, {name}!"

    @strawberry.field(description="Always NOT_FOUND.")
    def missing(self) -> str | None:
        raise NotFound("No such note.")

    @strawberry.field(description="Always fails unexpectedly.")
    def broken(self) -> str | None:
        raise RuntimeError("secret stack detail")

    @strawberry.field(description="Fails unexpectedly and is non-null.")
    def broken_required(self) -> str:
        raise RuntimeError("secret stack detail")

    @strawberry.field(description="The first `first` items.")
    def items(self, first: int | None = None) -> list[Item]:
        return [Item(id=strawberry.ID(str(n))) for n in range(first or 2)]

    @strawberry.field(description="Echoes an id.")
    def node(self, id: strawberry.ID) -> strawberry.ID:
        return id


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Echoes its text.")
    def echo(self, text: str) -> str:
        return text


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Counts to three.")
    async def count(self) -> AsyncIterator[int]:
        for n in range(3):
            yield n


class CrashOnRequest(SchemaExtension):
    """Fails before execution for operations named Crash, like an extension whose store is down."""

    def on_validate(self) -> Iterator[None]:
        if self.execution_context.operation_name == "Crash":
            raise RuntimeError("secret outage detail")
        yield


schema = strawberry.Schema(
    Query,
    Mutation,
    Subscription,
    extensions=[*limit_extensions(max_depth=MAX_DEPTH, max_cost=MAX_COST), CrashOnRequest],
)


async def context_getter(request: Request) -> dict[str, Any]:
    return {"request": request}


def error_formatter(error: GraphQLError, request: Request) -> dict[str, Any]:
    return format_error(error, request_id=request.headers.get("x-request-id"))


def build_app() -> Starlette:
    endpoint = GraphQLHTTP(
        schema,
        context_getter=context_getter,
        error_formatter=error_formatter,
        graphiql=GraphiQLPage.load(),
    )
    return Starlette(routes=[Route("/graphql", endpoint)])


@asynccontextmanager
async def serve(app: Starlette) -> AsyncIterator[str]:
    """Run `app` on a real uvicorn on a free local port; yield its base URL."""
    # Binding the socket here rather than passing a port leaves no race for the port.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()
