"""The GraphQL lane: only HTTP requests to /graphql skip the router; the rest reach it."""

from __future__ import annotations

from typing import Any

import pytest

from server.middleware import GraphQLLane


def _recording(name: str, reached: list[str]) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(name)

    return app


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ({"type": "http", "path": "/graphql"}, "graphql"),
        ({"type": "http", "path": "/graphql", "root_path": ""}, "graphql"),
        ({"type": "websocket", "path": "/graphql"}, "router"),
        ({"type": "http", "path": "/graphql/"}, "router"),
        ({"type": "http", "path": "/healthz"}, "router"),
        ({"type": "http", "path": "/graphql", "root_path": "/api"}, "router"),
        ({"type": "lifespan"}, "router"),
    ],
)
async def test_only_http_requests_to_graphql_take_the_lane(
    scope: dict[str, Any], expected: str
) -> None:
    reached: list[str] = []
    lane = GraphQLLane(
        _recording("router", reached), graphql=_recording("graphql", reached), path="/graphql"
    )
    await lane(scope, None, None)
    assert reached == [expected]
