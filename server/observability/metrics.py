"""`/metrics` in Prometheus' text format, summed over every worker process.

In multiprocess mode (see `server/observability/multiprocess.py`) a scrape of any worker
reads the files of all of them; otherwise the values are this process's, in memory. The
queue gauges are read from PostgreSQL at scrape time (`queues.py`).
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Awaitable, Callable

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response

from datastore.kit.clients import Clients
from server.observability.multiprocess import MULTIPROC_ENV, forget_dead_processes
from server.observability.queues import Families, queue_gauges


def _process_values() -> Collector:
    path = os.environ.get(MULTIPROC_ENV)
    if not path:
        return REGISTRY
    forget_dead_processes(path)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path)
    return registry


def _authorized(request: Request, token: str) -> bool:
    if not token:
        return True
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and secrets.compare_digest(given.strip(), token)


def metrics_endpoint(
    clients: Clients, *, token: str = ""
) -> Callable[[Request], Awaitable[Response]]:
    """The `/metrics` handler: every process's values plus the queue gauges."""

    async def metrics(request: Request) -> Response:
        if not _authorized(request, token):
            return Response("Unauthorized\n", 401, {"WWW-Authenticate": "Bearer"})
        extra = await queue_gauges(clients)
        registry = CollectorRegistry(auto_describe=False)
        registry.register(Families(_process_values(), extra=extra))
        # Reading every worker's files is file I/O: off the event loop.
        body = await asyncio.to_thread(generate_latest, registry)
        return Response(body, 200, media_type=CONTENT_TYPE_LATEST)

    return metrics
