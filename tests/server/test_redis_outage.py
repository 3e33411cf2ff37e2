"""Redis trouble answers with a retryable GraphQL error, never a bare HTTP 500.

Stops the suite's own Redis (same port and data dir on restart), so it lives in its own
module.
"""

from __future__ import annotations

import secrets

import redis.asyncio as redis

from tests.support.background import background_down
from tests.support.client import GraphQLClient, error_codes
from tests.support.redis_server import redis_stopped

ME = "query { me { id username } }"
SIGN_UP = """
mutation($input: SignUpInput!) { signUp(input: $input) { token } }
"""


async def test_a_request_while_redis_is_down_is_service_unavailable(
    server, client: GraphQLClient
) -> None:
    # given
    account = await client.sign_up()
    redis_url = server.container.clients.settings.redis_url
    tag = secrets.token_hex(5)
    # when: Redis is down, for a signed-in and an anonymous request
    async with redis_stopped(redis_url):
        signed_in = await client.post(ME, token=account.token)
        anonymous = await client.post(
            SIGN_UP,
            {
                "input": {
                    "email": f"outage-{tag}@example.com",
                    "username": f"outage_{tag}",
                    "password": "correct horse battery",
                    "deviceName": "test device",
                }
            },
        )
    # and right after it is back
    recovered = await client.execute(ME, token=account.token)
    # then
    for response in (signed_in, anonymous):
        assert response.headers["content-type"].startswith("application/graphql-response+json")
        body = response.json()
        assert error_codes(body) == ["SERVICE_UNAVAILABLE"], body
        assert body["errors"][0]["extensions"]["retryAfter"] >= 1
    assert signed_in.status_code == 503
    assert "errors" not in recovered, recovered
    assert recovered["data"]["me"]["username"] == account.username


async def test_a_request_while_the_redis_pool_is_exhausted_is_service_unavailable(
    server, client: GraphQLClient
) -> None:
    # given: every connection of the server's bounded Redis pool is busy, as under a load
    account = await client.sign_up()
    pool = server.container.clients.redis.connection_pool
    held = []
    try:
        for _ in range(server.container.clients.settings.redis_max_connections):
            try:
                held.append(await pool.get_connection())
            except redis.ConnectionError:
                break  # the rest are in the server's own hands
        # when
        busy = await client.post(ME, token=account.token)
    finally:
        for connection in held:
            await pool.release(connection)
    # and once connections are free again
    recovered = await client.execute(ME, token=account.token)
    # then
    assert busy.status_code == 503
    assert busy.headers["content-type"].startswith("application/graphql-response+json")
    assert error_codes(busy.json()) == ["SERVICE_UNAVAILABLE"]
    assert "errors" not in recovered, recovered


async def test_the_first_subscription_after_an_idle_outage_hears_events(server) -> None:
    # given: the broker's pub/sub connection was used, then left idle while Redis restarted
    # (the in-process export worker, which listens all along, stopped meanwhile)
    broker = server.services.clients.broker
    exports = server.services.exports
    is_export_worker = lambda task: task.get_name() == "export-worker"  # noqa: E731
    async with background_down(server, is_export_worker, exports.run, "export-worker"):
        async with broker.subscribe("test:idle-outage"):
            pass
        async with redis_stopped(server.container.clients.settings.redis_url):
            pass
        # when
        async with broker.subscribe("test:idle-outage") as subscription:
            await broker.publish("test:idle-outage", b"after the outage")
            got = await subscription.next(timeout=5)
    # then
    assert got == ("test:idle-outage", b"after the outage")
