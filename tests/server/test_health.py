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


async def test_readiness_names_the_service_that_is_down(migrated) -> None:
    # given: the same services, but Redis pointed at a port nobody listens on
    from server.container import Container
    from tests.support.ports import free_port

    settings = migrated.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    services = Container.build(settings)
    await services.clients.dynamo.start()
    try:
        # when
        checks = await services.readiness()
    finally:
        await services.clients.dynamo.stop()
        await services.clients.redis.aclose()
        await services.clients.engine.dispose()
    # then
    assert checks["postgres"] == checks["dynamodb"] == "ok"
    assert checks["redis"].startswith("ConnectionError")
