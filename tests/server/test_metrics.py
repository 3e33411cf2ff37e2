"""`/metrics`: every listed family, with values that move when real traffic goes through."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
import redis.asyncio as redis
import uvicorn
from botocore.exceptions import ClientError
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from datastore.kit.dynamodb import Dynamo
from datastore.kit.errors import EventsMayBeMissed
from datastore.kit.pubsub import Broker
from datastore.outbox.repository import OutboxRepository
from tests.support.client import GraphQLClient
from tests.support.metrics import scrape
from tests.support.outbox import relay_paused
from tests.support.ports import free_port
from tests.support.uvicorn_server import running
from tests.support.ws import WebSocketClient, received_after, subscribed

FAMILIES = {
    "personalpod_graphql_operations",
    "personalpod_graphql_operation_duration_seconds",
    "personalpod_graphql_errors",
    "personalpod_graphql_subscriptions",
    "personalpod_graphql_subscriptions_started",
    "personalpod_websocket_connections",
    "personalpod_websocket_connections_opened",
    "personalpod_pubsub_delivery_lag_seconds",
    "personalpod_pubsub_reconnects",
    "personalpod_pubsub_subscriber_overflows",
    "personalpod_outbox_relayed_events",
    "personalpod_outbox_relay_lag_seconds",
    "personalpod_outbox_backlog_events",
    "personalpod_outbox_oldest_pending_seconds",
    "personalpod_job_queue_depth",
    "personalpod_db_pool_connections_in_use",
    "personalpod_db_pool_connections_open",
    "personalpod_db_pool_connections_max",
    "personalpod_dynamodb_throttles",
}
ME = "query MetricsMe { me { id } }"
SESSION_EVENTS = "subscription MetricsSessions { sessionEvents { kind } }"
SIGN_IN = "mutation($input: SignInInput!) { signIn(input: $input) { token } }"
OPERATIONS = "personalpod_graphql_operations_total"
DURATION_COUNT = "personalpod_graphql_operation_duration_seconds_count"


async def test_metrics_lists_every_family(server) -> None:
    # when
    metrics = await scrape(server.url)
    # then
    assert metrics.families >= FAMILIES, FAMILIES - metrics.families


async def test_an_operation_is_counted_and_timed_by_name_type_and_outcome(
    client: GraphQLClient, server
) -> None:
    # given
    account = await client.sign_up()
    before = await scrape(server.url)
    # when: two successful queries, one unparsable document and one bad body
    for _ in range(2):
        await client.data(ME, token=account.token)
    await client.execute("query Broken { me { id }")
    await client.http.post("/graphql", content=b"{", headers={"content-type": "application/json"})
    after = await scrape(server.url)
    # then
    ok = {"operation": "MetricsMe", "type": "query"}

    def delta(name: str, **labels: str) -> float:
        return after.value(name, **labels) - before.value(name, **labels)

    assert delta(OPERATIONS, **ok, outcome="ok") == 2
    assert delta(DURATION_COUNT, **ok) == 2
    assert after.value("personalpod_graphql_operation_duration_seconds_sum", **ok) > 0
    invalid = {"operation": "invalid", "type": "unknown", "outcome": "BAD_USER_INPUT"}
    assert delta(OPERATIONS, **invalid) == 2  # the document and the body, names unrecorded
    assert ("personalpod_graphql_operations_total", "Broken") not in {
        (name, dict(labels).get("operation")) for name, labels in after.samples
    }
    assert delta("personalpod_graphql_errors_total", code="BAD_USER_INPUT") == 2


async def test_an_error_is_counted_by_its_code(client: GraphQLClient, server) -> None:
    # given
    before = await scrape(server.url)
    # when: `me` without a token
    body = await client.execute("query MetricsAnonymousMe { me { id } }")
    after = await scrape(server.url)
    # then
    code = body["errors"][0]["extensions"]["code"]
    assert code == "UNAUTHENTICATED"
    labels = {"operation": "MetricsAnonymousMe", "type": "query", "outcome": code}
    assert after.value(OPERATIONS, **labels) - before.value(OPERATIONS, **labels) == 1
    errors = "personalpod_graphql_errors_total"
    assert after.value(errors, code=code) - before.value(errors, code=code) == 1


async def test_operation_names_are_capped(client: GraphQLClient, server, monkeypatch) -> None:
    # given: room for no new name
    from server.observability import operations

    monkeypatch.setattr(operations, "MAX_OPERATION_NAMES", len(operations._admitted))
    name = f"Unseen{uuid.uuid4().hex}"
    before = await scrape(server.url)
    # when
    await client.execute(f"query {name} {{ __typename }}")
    after = await scrape(server.url)
    # then: counted as "other", the name nowhere
    labels = {"operation": "other", "type": "query", "outcome": "ok"}
    assert after.value(OPERATIONS, **labels) - before.value(OPERATIONS, **labels) == 1
    assert all(dict(labels).get("operation") != name for _, labels in after.samples)


async def test_websockets_subscriptions_and_pubsub_lag_move(client: GraphQLClient, server) -> None:
    # given
    account = await client.sign_up()
    login = {"login": account.email, "password": account.password, "deviceName": "metrics"}
    before = await scrape(server.url)
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {account.token}"})
        await subscribed(ws, "1", SESSION_EVENTS, {})
        # when: an event goes committed -> outbox relay -> Redis -> the subscriber
        await received_after(ws, lambda: client.data(SIGN_IN, {"input": login}))
        during = await scrape(server.url)
    after = await _settled(server.url, "personalpod_graphql_subscriptions", before)

    # then
    def delta(name: str, scrape_=during, **labels: str) -> float:
        return scrape_.value(name, **labels) - before.value(name, **labels)

    assert delta("personalpod_websocket_connections") == 1
    assert delta("personalpod_websocket_connections_opened_total") == 1
    assert delta("personalpod_graphql_subscriptions") == 1
    started = "personalpod_graphql_subscriptions_started_total"
    assert delta(started, operation="MetricsSessions") == 1
    assert delta("personalpod_pubsub_delivery_lag_seconds_count") >= 1
    assert delta("personalpod_outbox_relayed_events_total") >= 1
    assert delta("personalpod_outbox_relay_lag_seconds_count") >= 1
    # and the gauges come back down once the socket has gone
    assert delta("personalpod_graphql_subscriptions", after) == 0
    assert delta("personalpod_websocket_connections", after) == 0


async def _settled(url: str, gauge: str, baseline, *, seconds: float = 5.0):
    """A scrape once `gauge` is back at its baseline (the server notices a close a moment
    after the client made it)."""
    for _ in range(int(seconds / 0.05)):
        current = await scrape(url)
        if current.value(gauge) == baseline.value(gauge):
            return current
        await asyncio.sleep(0.05)
    return current


async def test_outbox_backlog_and_job_queue_depth_are_read_at_scrape(
    client: GraphQLClient, server
) -> None:
    # given: an event committed while the relay is stopped, and an AI job not yet due
    user = uuid.UUID((await client.sign_up()).uuid)
    clients = server.services.clients
    before = await scrape(server.url)
    async with relay_paused(server):
        async with clients.db() as session, session.begin():
            await OutboxRepository(session).append(user, "test.metrics", {})
            job = await session.execute(
                text(
                    "INSERT INTO ai_jobs (kind, target_id, user_id, run_after) "
                    "VALUES ('embed_topic', :target, :user, now() + interval '1 hour') "
                    "RETURNING id"
                ),
                {"target": uuid.uuid4(), "user": user},
            )
            job_id = job.scalar_one()
        await asyncio.sleep(0.2)
        # when
        paused = await scrape(server.url)
    relayed = await _until(server.url, lambda s: s.value("personalpod_outbox_backlog_events") == 0)
    async with clients.db() as session, session.begin():
        await session.execute(text("DELETE FROM ai_jobs WHERE id = :id"), {"id": job_id})
    # then
    assert paused.value("personalpod_outbox_backlog_events") >= 1
    assert paused.value("personalpod_outbox_oldest_pending_seconds") >= 0.2
    depth = "personalpod_job_queue_depth"
    assert paused.value(depth, kind="embed_topic") - before.value(depth, kind="embed_topic") == 1
    assert "embed_journal" in {dict(labels).get("kind") for _, labels in paused.samples}
    assert paused.value(depth, kind="reminder") >= 0
    # the relay caught up, and its lag histogram saw an event at least as old as the pause
    assert relayed.value("personalpod_outbox_oldest_pending_seconds") == 0
    lag = "personalpod_outbox_relay_lag_seconds_bucket"
    assert relayed.value(lag, le="0.1") < relayed.value(lag, le="+Inf")


async def _until(url: str, condition, *, seconds: float = 10.0):
    for _ in range(int(seconds / 0.1)):
        current = await scrape(url)
        if condition(current):
            return current
        await asyncio.sleep(0.1)
    raise AssertionError("the metrics never reached the expected state")


async def test_db_pool_gauges_follow_checked_out_connections(server) -> None:
    # given
    engine = server.services.clients.engine
    in_use = "personalpod_db_pool_connections_in_use"
    # Background workers check connections out for a moment now and then: a measurement
    # that overlapped one is taken again.
    for _ in range(30):
        before = await scrape(server.url)
        # when: a connection is held during a scrape
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            held = await scrape(server.url)
        after = await scrape(server.url)
        quiet = before.value(in_use) == after.value(in_use)
        if quiet and held.value(in_use) == before.value(in_use) + 1:
            break
        await asyncio.sleep(0.05)
    # then
    assert held.value(in_use) == before.value(in_use) + 1
    assert after.value(in_use) == before.value(in_use)
    assert held.value("personalpod_db_pool_connections_open") >= 1
    assert after.value("personalpod_db_pool_connections_max") == 20


async def test_pubsub_reconnects_are_counted(server) -> None:
    # given: a broker of its own, subscribed, whose pub/sub connection Redis then drops
    url = server.services.clients.settings.redis_url
    name = f"metrics-{uuid.uuid4().hex[:8]}"
    publisher = redis.Redis.from_url(url)
    listener = redis.Redis.from_url(url, client_name=name, retry=Retry(NoBackoff(), retries=0))
    broker = Broker(publisher, listener=listener)
    await broker.start()
    before = await scrape(server.url)
    try:
        async with broker.subscribe(f"{name}:channel") as subscription:
            # when
            (own,) = [c for c in await publisher.client_list(_type="pubsub") if c["name"] == name]
            await publisher.client_kill_filter(_id=own["id"])
            with pytest.raises(EventsMayBeMissed):
                for _ in range(100):
                    await subscription.next(timeout=0.1)
    finally:
        await broker.stop()
        await publisher.aclose()
        await listener.aclose()
    after = await scrape(server.url)
    # then
    reconnects = "personalpod_pubsub_reconnects_total"
    assert after.value(reconnects) - before.value(reconnects) >= 1


async def test_dynamodb_throttles_are_counted_per_attempt(server) -> None:
    # given: an endpoint that throttles every request, as DynamoDB does at its limits
    # (DynamoDB Local never throttles, so this one stands in for it)
    attempts = 0

    async def throttle(_request: Request) -> Response:
        nonlocal attempts
        attempts += 1
        return Response(
            b'{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException",'
            b'"message":"Rate of requests exceeds the allowed throughput."}',
            400,
            media_type="application/x-amz-json-1.0",
        )

    port = free_port()
    app = Starlette(routes=[Route("/", throttle, methods=["POST"])])
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    before = await scrape(server.url)
    async with running(config):
        dynamo = Dynamo(endpoint=f"http://127.0.0.1:{port}", region="us-east-1", prefix="x_")
        await dynamo.start()
        try:
            # when
            with pytest.raises(ClientError):
                await dynamo.ping()
        finally:
            await dynamo.stop()
    after = await scrape(server.url)
    # then: every attempt botocore made, retries included
    throttles = "personalpod_dynamodb_throttles_total"
    assert attempts >= 2
    assert (
        after.value(throttles, operation="ListTables")
        - before.value(throttles, operation="ListTables")
        == attempts
    )


async def test_metrics_can_require_a_token(server) -> None:
    # given: an app whose METRICS_TOKEN is set
    from server.app import create_app

    settings = server.services.clients.settings.model_copy(update={"metrics_token": "s3cret"})
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            # when
            refused = await http.get("/metrics")
            wrong = await http.get("/metrics", headers={"authorization": "Bearer nope"})
            right = await http.get("/metrics", headers={"authorization": "Bearer s3cret"})
    finally:
        await app.state.container.clients.engine.dispose()
    # then
    assert refused.status_code == 401 and wrong.status_code == 401
    assert right.status_code == 200 and "personalpod_outbox_backlog_events" in right.text
