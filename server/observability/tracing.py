"""OpenTelemetry traces, exported over OTLP/HTTP, only when `OTEL_EXPORTER_OTLP_ENDPOINT`
is set: otherwise nothing of OpenTelemetry is imported and no call is wrapped.

A trace is an HTTP request's span (its `traceparent` honoured), the GraphQL operation's
span inside it (named "<type> <name>", with the operation's name and type, never its
document or variables), and the spans of the official instrumentations under that:
SQLAlchemy for PostgreSQL, redis-py for Redis and aiobotocore (the botocore package's
`AiobotocoreInstrumentor`) for DynamoDB.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from datastore.kit.request_id import current_request_id
from datastore.kit.settings import Settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from sqlalchemy.ext.asyncio import AsyncEngine

TRACER = "personalpod"
# Span names carry the route when it is one of these (bounded), else only the method.
ROUTES = frozenset({"/graphql", "/metrics", "/healthz", "/readyz"})
FLUSH_MILLIS = 5000


class Tracing:
    """The process's tracer provider, with the instrumentations it switched on."""

    def __init__(self, provider: TracerProvider) -> None:
        self.provider = provider

    async def shutdown(self) -> None:
        """Send what is still buffered, then stop (at worker exit)."""
        await asyncio.to_thread(self.provider.force_flush, FLUSH_MILLIS)
        await asyncio.to_thread(self.provider.shutdown)


def configure_tracing(settings: Settings, engine: AsyncEngine) -> Tracing | None:
    """Set up tracing for this process if an OTLP endpoint is configured; else None."""
    if not settings.otel_exporter_otlp_endpoint:
        return None
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.botocore import AiobotocoreInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: settings.otel_service_name}))
    provider.add_span_processor(
        BatchSpanProcessor(OTLPSpanExporter(endpoint=_traces_url(settings)))
    )
    trace.set_tracer_provider(provider)
    # The engine exists already, so it is instrumented itself (patching create_engine
    # would come too late); the others patch the client classes. The SQLAlchemy package
    # declares "sqlalchemy < 2.1" and would silently do nothing on our 2.1: the engine
    # events it listens to are unchanged, and tests/server/test_observability_processes.py
    # checks that its spans arrive.
    SQLAlchemyInstrumentor().instrument(
        engine=engine.sync_engine, tracer_provider=provider, skip_dep_check=True
    )
    RedisInstrumentor().instrument(tracer_provider=provider)
    AiobotocoreInstrumentor().instrument(tracer_provider=provider)
    return Tracing(provider)


def _traces_url(settings: Settings) -> str | None:
    """The traces URL of the base endpoint, as the OTLP spec builds it, unless the
    traces-only variable says otherwise (then the exporter reads that one)."""
    if os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        return None
    return settings.otel_exporter_otlp_endpoint.rstrip("/") + "/v1/traces"


class OperationSpans(SchemaExtension):
    """One span per GraphQL operation, current while it parses, validates and runs."""

    def on_operation(self) -> Iterator[None]:
        from opentelemetry import trace

        tracer = trace.get_tracer(TRACER)
        with tracer.start_as_current_span("graphql.operation") as span:
            self._span = span
            yield
            result = self.execution_context.result
            errors = (result.errors if result else None) or (
                self.execution_context.pre_execution_errors
            )
            if errors:
                span.set_status(trace.StatusCode.ERROR)
                span.set_attribute("graphql.errors", len(errors))

    def on_validate(self) -> Iterator[None]:
        yield
        context = self.execution_context
        if context.pre_execution_errors:
            return
        kind = context.operation_type.value
        name = (context.operation_name or "")[:100]
        self._span.update_name(f"{kind} {name}".strip())
        self._span.set_attribute("graphql.operation.type", kind)
        if name:
            self._span.set_attribute("graphql.operation.name", name)


class TraceRequests:
    """A span per HTTP request, continuing the caller's trace (W3C `traceparent`)."""

    def __init__(self, app: ASGIApp) -> None:
        from opentelemetry import propagate, trace

        self.app = app
        self.tracer = trace.get_tracer(TRACER)
        self.extract = propagate.extract
        self.server_kind = trace.SpanKind.SERVER

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        carrier = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        method, path = scope["method"], scope["path"]
        attributes: dict[str, Any] = {"http.request.method": method, "url.path": path}
        request_id = current_request_id.get()
        if request_id:
            attributes["personalpod.request_id"] = request_id
        with self.tracer.start_as_current_span(
            f"{method} {path}" if path in ROUTES else method,
            context=self.extract(carrier),
            kind=self.server_kind,
            attributes=attributes,
        ) as span:

            async def send_with_status(message: Message) -> None:
                if message["type"] == "http.response.start":
                    span.set_attribute("http.response.status_code", message["status"])
                await send(message)

            await self.app(scope, receive, send_with_status)
