"""Liveness and readiness probes."""

from __future__ import annotations

import httpx


async def test_healthz_says_the_process_is_alive(server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_checks_every_backing_service(server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"postgres": "ok", "dynamodb": "ok", "redis": "ok"},
    }


async def test_responses_carry_the_request_id(server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        given = await http.get("/healthz", headers={"x-request-id": "trace-12345678"})
        made = await http.get("/healthz")
    assert given.headers["x-request-id"] == "trace-12345678"
    assert len(made.headers["x-request-id"]) == 32
