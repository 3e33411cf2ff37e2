"""The ASGI application: GraphQL over HTTP and websockets at /graphql, GraphiQL, probes."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.routing import Mount, Route, WebSocketRoute

from datastore.kit.request_id import current_request_id
from datastore.kit.settings import Settings, get_settings
from datastore.pod.files import MAX_FILES_PER_REQUEST
from server.container import Container
from server.context import Context, build_context
from server.exports import ArchiveDownloads
from server.files import FileDownloads, UploadReceiver
from server.garbage import collect_less_often
from server.graphiql.page import ASSETS_PATH, GraphiQLAssets, GraphiQLPage
from server.graphql.allowlist import PersistedQueryAllowList, active_manifest
from server.graphql.compiled import executor_class
from server.graphql.disclosure import SchemaDisclosure
from server.graphql.errors import format_error
from server.graphql.http import GraphQLHTTP
from server.graphql.limits import limit_extensions
from server.graphql.multipart import UploadLimits
from server.graphql.persisted_queries import PersistedQueries
from server.health import healthz, readyz
from server.logging import configure_logging
from server.media_files import AttachmentThumbnails, ChatMediaDownloads
from server.middleware import GraphQLLane, RequestIdMiddleware
from server.observability import metrics, multiprocess
from server.observability.operations import OperationMetrics
from server.observability.tracing import OperationSpans, TraceRequests, configure_tracing
from server.schema import Schema, build_schema
from server.share_page import share_page
from server.websocket import GraphQLWebSocket

GRAPHQL_PATH = "/graphql"


def schema_for(settings: Settings, *, traced: bool = False) -> Schema:
    limits = limit_extensions(max_depth=settings.max_query_depth, max_cost=settings.max_query_cost)
    # First, so the operation's time and span cover the other extensions' work too.
    observed = [OperationMetrics, *([OperationSpans] if traced else [])]
    executor = (
        executor_class(crosscheck=settings.executor_crosscheck)
        if settings.executor == "compiled"
        else None
    )
    return build_schema(
        [*observed, *limits, SchemaDisclosure, PersistedQueryAllowList], executor=executor
    )


def create_app(settings: Settings | None = None, *, count_statements: bool = False) -> Starlette:
    """Build the app; services connect in the lifespan, so this does no I/O."""
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_format)
    active_manifest(settings)  # a bad manifest stops the server here, with the reason
    container = Container.build(settings, count_statements=count_statements)
    services = container.services
    tracing = configure_tracing(settings, container.clients.engine)
    schema = schema_for(settings, traced=tracing is not None)

    async def context_getter(request: Request) -> Context:
        return await build_context(services, request, current_request_id.get())

    def error_formatter(error: GraphQLError, _request: Any) -> dict[str, Any]:
        return format_error(error, request_id=current_request_id.get())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await container.start(run_workers=settings.run_workers_in_process)
        collect_less_often()
        try:
            yield
        finally:
            await container.stop()
            if tracing is not None:
                await tracing.shutdown()
            multiprocess.process_exiting()

    http = GraphQLHTTP(
        schema,
        context_getter=context_getter,
        error_formatter=error_formatter,
        graphiql=GraphiQLPage.load(),
        max_body_bytes=settings.max_request_bytes,
        persisted_queries=PersistedQueries(container.clients),
        uploads=upload_limits(settings),
    )
    websocket = GraphQLWebSocket(
        schema,
        services,
        init_timeout=timedelta(seconds=settings.ws_connection_init_timeout_seconds),
    )
    routes = [
        Route(GRAPHQL_PATH, http),
        WebSocketRoute(GRAPHQL_PATH, websocket),
        Mount(ASSETS_PATH, GraphiQLAssets()),
        # Bound methods: Starlette treats a callable object as an ASGI app, a method as
        # `endpoint(request) -> response`.
        Route("/files/{id}", FileDownloads(services).handle, methods=["GET"]),
        Route("/files/{id}/thumbnail", AttachmentThumbnails(services).__call__, methods=["GET"]),
        Route("/media/{id}", ChatMediaDownloads(services).__call__, methods=["GET"]),
        Route(
            "/media/{id}/thumbnail",
            ChatMediaDownloads(services, thumbnail=True).__call__,
            methods=["GET"],
        ),
        Route("/uploads/{token}", UploadReceiver(services).handle, methods=["PUT"]),
        Route("/exports/{id}", ArchiveDownloads(services).handle, methods=["GET"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/s/{token}", share_page),
    ]
    if settings.metrics_enabled:
        endpoint = metrics.metrics_endpoint(container.clients, token=settings.metrics_token)
        routes.append(Route("/metrics", endpoint))
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.container = container
    app.state.services = services
    app.state.schema = schema
    app.add_middleware(GraphQLLane, graphql=http, path=GRAPHQL_PATH)  # innermost: see its doc
    if tracing is not None:
        app.add_middleware(TraceRequests)
    app.add_middleware(RequestIdMiddleware)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, **cors_options(settings))
    return app


def upload_limits(settings: Settings) -> UploadLimits:
    """Multipart requests carry up to MAX_FILES_PER_REQUEST files of BLOB_MAX_BYTES each."""
    return UploadLimits(
        max_files=MAX_FILES_PER_REQUEST,
        max_body_bytes=MAX_FILES_PER_REQUEST * settings.blob_max_bytes + settings.max_request_bytes,
    )


def cors_options(settings: Settings) -> dict[str, Any]:
    """Browsers on the allowed origins may call /graphql; tokens go in Authorization."""
    return {
        "allow_origins": settings.cors_origins,
        "allow_credentials": settings.cors_allow_credentials,
        "allow_methods": ["GET", "POST", "PUT"],  # PUT: two-step uploads
        "allow_headers": ["Authorization", "Content-Type"],
        "expose_headers": ["Retry-After"],
        "max_age": 600,
    }


def create_app_from_env() -> Starlette:
    """Factory for uvicorn workers: each process reads the same environment."""
    return create_app()
