"""Observability of real `personalpod serve` processes: metrics summed over two workers,
a trace reaching an OTLP/HTTP collector, and one JSON log stream on stderr."""

from __future__ import annotations

import asyncio
import json
import secrets
import subprocess
import sys
from pathlib import Path

import httpx
import uvicorn
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from prometheus_client.mmap_dict import MmapedDict
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.support.client import SIGN_UP, GraphQLClient
from tests.support.metrics import scrape
from tests.support.ports import free_port
from tests.support.processes import ROOT, server_process
from tests.support.uvicorn_server import running

OPERATIONS = "personalpod_graphql_operations_total"


def _counting_pids(folder: Path, operation: str) -> set[int]:
    """The worker processes whose own file counts `operation`."""
    pids = set()
    for file in folder.glob("counter_*.db"):
        for key, value, _timestamp, _pos in MmapedDict.read_all_values_from_file(str(file)):
            _metric, name, labels, _help = json.loads(key)
            if name == OPERATIONS and labels.get("operation") == operation and value > 0:
                pids.add(int(file.stem.split("_")[-1]))
    return pids


async def test_two_workers_metrics_add_up_in_one_scrape(
    service_env, migrated, tmp_path: Path
) -> None:
    # given: two workers sharing a multiprocess folder
    env = {**service_env, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    (tmp_path / "counter_1.db").write_bytes(b"stale")  # a former run's, emptied at start
    operation = "TwoWorkers"
    async with server_process(env, workers=2) as url:
        # when: requests on fresh connections, until both workers have served some
        sent = 0
        while sent < 300 and len(_counting_pids(tmp_path, operation)) < 2:
            for _ in range(10):
                async with httpx.AsyncClient() as http:
                    await http.post(
                        f"{url}/graphql", json={"query": f"query {operation} {{ __typename }}"}
                    )
                sent += 1
        metrics = await scrape(url)
        again = await scrape(url)  # served by either worker: the same sums
    # then
    assert len(_counting_pids(tmp_path, operation)) == 2
    assert not (tmp_path / "counter_1.db").exists()
    labels = {"operation": operation, "type": "query", "outcome": "ok"}
    assert metrics.value(OPERATIONS, **labels) == sent
    assert again.value(OPERATIONS, **labels) == sent
    # each worker's pool has its own maximum; the live sum has both
    assert metrics.value("personalpod_db_pool_connections_max") == 40


class Collector:
    """A tiny OTLP/HTTP trace receiver: what arrives at /v1/traces, decoded."""

    def __init__(self) -> None:
        self.spans: list = []
        self.app = Starlette(routes=[Route("/v1/traces", self.receive, methods=["POST"])])

    async def receive(self, request: Request) -> Response:
        export = ExportTraceServiceRequest()
        export.ParseFromString(await request.body())
        for resource_spans in export.resource_spans:
            for scope_spans in resource_spans.scope_spans:
                self.spans.extend(scope_spans.spans)
        return Response(b"", 200, media_type="application/x-protobuf")


def _attributes(span) -> dict[str, object]:
    values = {}
    for attribute in span.attributes:
        value = attribute.value
        values[attribute.key] = getattr(value, value.WhichOneof("value"))
    return values


async def test_an_operation_trace_reaches_an_otlp_collector(service_env, migrated) -> None:
    # given: a server exporting to a collector of the test's
    collector = Collector()
    port = free_port()
    config = uvicorn.Config(collector.app, host="127.0.0.1", port=port, log_level="warning")
    env = {
        **service_env,
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{port}",
        "OTEL_BSP_SCHEDULE_DELAY": "100",
    }
    lines: list[str] = []
    async with (
        running(config),
        server_process(env, stderr=lines) as url,
        GraphQLClient(url) as client,
    ):
        # when: a sign-up, which writes PostgreSQL and DynamoDB and counts in Redis
        body = await client.execute(SIGN_UP, _sign_up_variables())
        assert "errors" not in body, (body, lines)
        for _ in range(100):
            if any(s.name == "mutation SignUp" for s in collector.spans):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)  # its children finished first; let the batch arrive whole
    # then: the operation's span, inside the request's, with the stores' spans under it
    by_id = {span.span_id: span for span in collector.spans}
    (operation,) = [s for s in collector.spans if s.name == "mutation SignUp"]
    attributes = _attributes(operation)
    assert attributes["graphql.operation.name"] == "SignUp"
    assert attributes["graphql.operation.type"] == "mutation"
    assert not any("variables" in key or "document" in key for key in attributes)
    assert by_id[operation.parent_span_id].name == "POST /graphql"

    def under_operation(span) -> bool:
        while span.parent_span_id in by_id:
            span = by_id[span.parent_span_id]
            if span.span_id == operation.span_id:
                return True
        return False

    children = [_attributes(s) for s in collector.spans if under_operation(s)]
    systems = {a.get(key) for a in children for key in ("db.system", "rpc.system")}
    names = sorted(s.name for s in collector.spans)
    assert {"postgresql", "redis", "dynamodb", "aws-api"} <= systems, (systems, names)
    assert any(a.get("rpc.service") == "DynamoDB" for a in children)
    assert all(s.trace_id == operation.trace_id for s in collector.spans if under_operation(s))


def test_tracing_imports_nothing_when_not_configured(service_env) -> None:
    # given: no OTEL_EXPORTER_OTLP_ENDPOINT
    env = {k: v for k, v in service_env.items() if not k.startswith("OTEL_")}
    probe = (
        "import sys\n"
        "from server.app import create_app\n"
        "import redis.asyncio, aiobotocore.client\n"
        "create_app()\n"
        "tracing = ('opentelemetry.sdk.trace', 'opentelemetry.instrumentation', "
        "'opentelemetry.exporter')\n"
        "print(sorted(m for m in sys.modules if m.startswith(tracing)))\n"
        "from wrapt import ObjectProxy\n"
        "print(isinstance(redis.asyncio.Redis.execute_command, ObjectProxy))\n"
        "print(isinstance(aiobotocore.client.AioBaseClient._make_api_call, ObjectProxy))\n"
    )
    # when
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**_plain_env(), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    # then: none of the tracing machinery, and no call wrapped (redis-py itself imports
    # opentelemetry's metrics SDK when it is installed, for its own optional metrics)
    assert result.stdout.split() == ["[]", "False", "False"], result.stdout


def _plain_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}


SECRET_PASSWORD = "correct horse battery staple"


async def test_one_json_log_stream_with_operation_user_and_request_id(
    service_env, migrated
) -> None:
    # given
    lines: list[str] = []
    env = {**service_env, "LOG_LEVEL": "info"}
    async with server_process(env, stderr=lines) as url, GraphQLClient(url) as client:
        # when: a sign-up (a password among its variables), then a signed-in query
        body = await client.execute(SIGN_UP, _sign_up_variables())
        assert "errors" not in body, (body, lines)
        signed_up = body["data"]
        token = signed_up["signUp"]["token"]
        user_id = signed_up["signUp"]["user"]["id"]
        await client.execute(
            "query LogsMe { me { id } }", token=token, headers={"x-request-id": "logs-request-1"}
        )
    # then: every line is one JSON object, uvicorn's own included
    records = [json.loads(line) for line in lines if line.strip()]
    assert any(r.get("logger", "").startswith("uvicorn") for r in records), records
    assert not [r for r in records if r.get("logger") == "uvicorn.access"]  # one line each
    assert all({"event", "level", "timestamp"} <= r.keys() for r in records)
    mine = [r for r in records if r.get("request_id") == "logs-request-1"]
    (me,) = [r for r in mine if r["event"] == "request"]
    assert me["path"] == "/graphql" and me["status"] == 200
    assert me["operation"] == "LogsMe"
    assert me["user_id"] and me["user_id"] in _decoded(user_id)
    # never a token or a variable's value
    stream = "\n".join(lines)
    assert token not in stream
    assert SECRET_PASSWORD not in stream


def _sign_up_variables() -> dict[str, object]:
    tag = secrets.token_hex(5)
    return {
        "input": {
            "email": f"obs-{tag}@example.com",
            "username": f"obs_{tag}",
            "password": SECRET_PASSWORD,
            "deviceName": "observability",
        }
    }


def _decoded(global_id: str) -> str:
    import base64

    return base64.b64decode(global_id).decode()
