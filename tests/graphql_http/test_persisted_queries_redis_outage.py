"""Persisted queries while Redis is down: a full query still runs, a hash alone is retryable.

Stops the suite's own Redis, so it lives in its own module (as tests/server/test_redis_outage).
"""

from __future__ import annotations

from tests.support.client import GraphQLClient, error_codes
from tests.support.persisted_queries import fresh_query, post_persisted, sha256
from tests.support.redis_server import redis_stopped


async def test_while_redis_is_down_a_query_with_its_hash_runs_and_a_hash_alone_is_retryable(
    server, client: GraphQLClient
) -> None:
    # given: a stored document
    stored = fresh_query()
    assert (await post_persisted(client, sha256(stored), stored)).json()["data"]
    new = fresh_query()
    # when
    async with redis_stopped(server.container.clients.settings.redis_url):
        with_query = await post_persisted(client, sha256(new), new)
        hash_only = await post_persisted(client, sha256(stored))
    recovered = await post_persisted(client, sha256(stored))
    # then
    assert with_query.status_code == 200
    assert with_query.json() == {"data": {"__typename": "Query"}}
    assert hash_only.status_code == 503
    assert int(hash_only.headers["retry-after"]) >= 1
    assert error_codes(hash_only.json()) == ["SERVICE_UNAVAILABLE"]
    assert hash_only.json()["errors"][0]["extensions"]["retryAfter"] >= 1
    # Redis back: served by hash again, or (killed before it saved) asked for the query
    assert recovered.status_code == 200
    assert recovered.json().get("data") == {"__typename": "Query"} or error_codes(
        recovered.json()
    ) == ["PERSISTED_QUERY_NOT_FOUND"]
