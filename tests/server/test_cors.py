"""CORS for browser frontends: only the configured origins, credentials off by default."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from datastore.kit.settings import Settings
from server.app import create_app
from tests.support.graphql_http import serve

ALLOWED = "https://app.example.com"
OTHER = "https://evil.example.net"
PREFLIGHT = {
    "access-control-request-method": "POST",
    "access-control-request-headers": "authorization, content-type",
}
TYPENAME = {"query": "{ __typename }"}


async def served(settings: Settings, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update={"run_workers_in_process": False, **overrides}))
    async with serve(app) as url, httpx.AsyncClient(base_url=url) as http:
        yield http


@pytest.fixture
async def cors_client(migrated: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async for http in served(migrated, cors_allowed_origins=f"{ALLOWED}, https://other.example"):
        yield http


async def test_preflight_from_an_allowed_origin_allows_post_with_authorization(
    cors_client: httpx.AsyncClient,
) -> None:
    # when
    response = await cors_client.options("/graphql", headers={"origin": ALLOWED, **PREFLIGHT})
    # then
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED
    methods = set(response.headers["access-control-allow-methods"].split(", "))
    assert methods == {"GET", "POST", "PUT"}  # PUT: the two-step uploads
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed_headers
    assert "content-type" in allowed_headers
    assert "access-control-allow-credentials" not in response.headers


async def test_preflight_from_another_origin_is_refused(cors_client: httpx.AsyncClient) -> None:
    # when
    response = await cors_client.options("/graphql", headers={"origin": OTHER, **PREFLIGHT})
    # then
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_a_request_from_an_allowed_origin_carries_the_cors_headers(
    cors_client: httpx.AsyncClient,
) -> None:
    # when
    allowed = await cors_client.post("/graphql", json=TYPENAME, headers={"origin": ALLOWED})
    other = await cors_client.post("/graphql", json=TYPENAME, headers={"origin": OTHER})
    # then: the server answers both, but a browser only hands the allowed origin the answer
    assert allowed.json() == other.json() == {"data": {"__typename": "Query"}}
    assert allowed.headers["access-control-allow-origin"] == ALLOWED
    assert "retry-after" in allowed.headers["access-control-expose-headers"].lower()
    assert "access-control-allow-credentials" not in allowed.headers
    assert "access-control-allow-origin" not in other.headers


async def test_credentials_are_allowed_only_when_configured(migrated: Settings) -> None:
    async for http in served(migrated, cors_allowed_origins=ALLOWED, cors_allow_credentials=True):
        # when
        response = await http.options("/graphql", headers={"origin": ALLOWED, **PREFLIGHT})
        # then
        assert response.headers["access-control-allow-credentials"] == "true"


async def test_no_cors_headers_without_configured_origins(client, server) -> None:
    # when: the suite's server has no CORS_ALLOWED_ORIGINS
    response = await client.http.options("/graphql", headers={"origin": ALLOWED, **PREFLIGHT})
    posted = await client.http.post("/graphql", json=TYPENAME, headers={"origin": ALLOWED})
    # then
    assert response.status_code == 405
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-origin" not in posted.headers
