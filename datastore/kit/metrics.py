"""Every Prometheus metric of the process, in one place, so any floor can record them.

prometheus-client picks its storage when it is first imported: with
`PROMETHEUS_MULTIPROC_DIR` set (`personalpod serve` sets it for several workers) each
process writes its values to files there and `/metrics` sums them. Gauges say how their
processes' values combine (`multiprocess_mode`): `livesum` for what each live process holds.

Labels are bounded: operation names are admitted by `server/observability/operations.py`
(a capped set of names of valid documents), codes and kinds come from fixed lists, and
no label ever carries a user id.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# Latency buckets for requests and deliveries: 1 ms to 10 s.
SECONDS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Lags that can grow to minutes when a relay or worker is down.
LAG_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)

# GraphQL, over HTTP and websockets.
OPERATIONS = Counter(
    "personalpod_graphql_operations",
    "GraphQL operations finished, by operation name, type and outcome (ok or an error code).",
    ["operation", "type", "outcome"],
)
OPERATION_SECONDS = Histogram(
    "personalpod_graphql_operation_duration_seconds",
    "Time to parse, validate and execute a query or mutation.",
    ["operation", "type"],
    buckets=SECONDS,
)
ERRORS = Counter("personalpod_graphql_errors", "GraphQL errors sent to clients, by code.", ["code"])
SUBSCRIPTIONS = Gauge(
    "personalpod_graphql_subscriptions",
    "Subscriptions open now.",
    multiprocess_mode="livesum",
)
SUBSCRIPTIONS_STARTED = Counter(
    "personalpod_graphql_subscriptions_started", "Subscriptions started.", ["operation"]
)
WEBSOCKETS = Gauge(
    "personalpod_websocket_connections", "Websockets open now.", multiprocess_mode="livesum"
)
WEBSOCKETS_OPENED = Counter(
    "personalpod_websocket_connections_opened", "Websocket connections started."
)

# Redis pub/sub (datastore/kit/pubsub.py).
PUBSUB_LAG = Histogram(
    "personalpod_pubsub_delivery_lag_seconds",
    "From the pub/sub reader taking a message off Redis to its subscriber taking it.",
    buckets=SECONDS,
)
PUBSUB_RECONNECTS = Counter(
    "personalpod_pubsub_reconnects", "Times the pub/sub reader reconnected to Redis."
)
PUBSUB_OVERFLOWS = Counter(
    "personalpod_pubsub_subscriber_overflows", "Subscribers dropped for falling behind."
)

# The outbox relay (datastore/outbox/relay.py); backlog and job queues are read at scrape.
OUTBOX_RELAYED = Counter("personalpod_outbox_relayed_events", "Outbox events relayed.")
OUTBOX_RELAY_LAG = Histogram(
    "personalpod_outbox_relay_lag_seconds",
    "From an outbox event's commit to the relay handing it to every sink.",
    buckets=LAG_SECONDS,
)

# PostgreSQL's connection pool (datastore/kit/postgres.py).
DB_POOL_IN_USE = Gauge(
    "personalpod_db_pool_connections_in_use",
    "PostgreSQL connections checked out of the pool now.",
    multiprocess_mode="livesum",
)
DB_POOL_OPEN = Gauge(
    "personalpod_db_pool_connections_open",
    "PostgreSQL connections the pool holds now (in use or idle).",
    multiprocess_mode="livesum",
)
DB_POOL_MAX = Gauge(
    "personalpod_db_pool_connections_max",
    "Most PostgreSQL connections the pools may open (pool size plus overflow).",
    multiprocess_mode="livesum",
)

# DynamoDB (datastore/kit/dynamodb.py).
DYNAMODB_THROTTLES = Counter(
    "personalpod_dynamodb_throttles",
    "DynamoDB requests throttled (each attempt; botocore retries them), by API operation.",
    ["operation"],
)
