"""GraphQL over HTTP on Starlette, following the GraphQL-over-HTTP spec.

GET and POST, content negotiation between `application/graphql-response+json` and
`application/json`, spec status codes, Apollo's persisted queries, and GraphiQL for browsers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

import orjson
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry import Schema
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.types.graphql import OperationType

from datastore.kit.errors import DomainError, ErrorCode
from server.graphiql.page import GraphiQLPage
from server.graphql.multipart import MultipartError, UploadLimits, is_multipart, read_multipart
from server.graphql.persisted_queries import (
    RETRY_WITH_QUERY,
    Document,
    PersistedQueries,
    PersistedQueryError,
    has_persisted_query,
    refusal,
)
from server.observability.operations import record_rejected

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
CONTENT_TYPES = {
    GRAPHQL_RESPONSE_JSON: f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8",
    JSON: f"{JSON}; charset=utf-8",
}
MAX_BODY_BYTES = 1_000_000

QUERIES = frozenset({OperationType.QUERY})
QUERIES_AND_MUTATIONS = frozenset({OperationType.QUERY, OperationType.MUTATION})

ContextGetter = Callable[[Request], Awaitable[Any]]
ErrorFormatter = Callable[[GraphQLError, Request], dict[str, Any]]


class GraphQLParams(NamedTuple):
    query: str | None  # None only with a persisted-query hash in `extensions`
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None


class BadRequest(Exception):
    """A request that is not a well-formed GraphQL-over-HTTP request."""

    def __init__(self, message: str, status: int = 400, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.headers = headers


class GraphQLHTTP:
    """The ASGI endpoint serving one strawberry schema over HTTP (mount it with a `Route`)."""

    def __init__(
        self,
        schema: Schema,
        *,
        context_getter: ContextGetter,
        error_formatter: ErrorFormatter,
        allow_get_mutations: bool = False,
        graphiql: GraphiQLPage | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
        persisted_queries: PersistedQueries | None = None,
        uploads: UploadLimits | None = None,
    ) -> None:
        self.schema = schema
        self.context_getter = context_getter
        self.error_formatter = error_formatter
        self.get_operations = QUERIES_AND_MUTATIONS if allow_get_mutations else QUERIES
        self.graphiql = graphiql
        self.max_body_bytes = max_body_bytes
        self.persisted_queries = persisted_queries
        # Multipart requests (file uploads) are accepted only when this is set.
        self.uploads = uploads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            response = await self.handle(request)
            await response(scope, receive, send)
        finally:
            form = getattr(request.state, "upload_form", None)
            if form is not None:
                await form.close()  # deletes the spooled upload files

    async def handle(self, request: Request) -> Response:
        """The response to one HTTP request."""
        method = request.method
        if method not in ("GET", "POST"):
            return self.bad_request(
                request,
                JSON,
                BadRequest(
                    f"{method} is not supported: use GET or POST.", 405, {"Allow": "GET, POST"}
                ),
            )
        accept = request.headers.get("accept")
        if self.graphiql is not None and method == "GET" and wants_html(request, accept):
            return self.graphiql.response()
        media_type = negotiate(accept)
        if media_type is None:
            return self.bad_request(
                request, JSON, BadRequest(f"Accept {GRAPHQL_RESPONSE_JSON} or {JSON}.", 406)
            )
        try:
            if method == "GET":
                params, operations = params_from_query(request), self.get_operations
            else:
                params, operations = await self.params_from_body(request), QUERIES_AND_MUTATIONS
        except BadRequest as error:
            return self.bad_request(request, media_type, error)
        return await self.execute(request, params, media_type, operations)

    async def params_from_body(self, request: Request) -> GraphQLParams:
        """The parameters of a POST: a JSON object in an `application/json` body, or a
        multipart request carrying files."""
        content_type = request.headers.get("content-type")
        if self.uploads is not None and is_multipart(content_type):
            try:
                raw, request.state.upload_form = await read_multipart(request, self.uploads)
            except MultipartError as error:
                raise BadRequest(error.message, error.status) from None
            return graphql_params(raw)
        if not is_json_content_type(content_type):
            raise BadRequest(f"POST a body of Content-Type {JSON}.", 415)
        body = await read_body(request, self.max_body_bytes)
        if not body:
            raise BadRequest("The request body is empty.")
        try:
            return graphql_params(orjson.loads(body))
        except orjson.JSONDecodeError as error:
            raise BadRequest("The request body is not valid JSON.") from error

    async def execute(
        self,
        request: Request,
        params: GraphQLParams,
        media_type: str,
        operations: frozenset[OperationType],
    ) -> Response:
        """Run the operation and map its outcome to a status code."""
        try:
            document = await self.document(params)
            context = await self.context_getter(request)
        except PersistedQueryError as refused:
            return self.result_response(request, request_error(refused.error), media_type)
        except DomainError as error:
            # No document (Redis is down), or the token could not be checked: no execution.
            return self.context_error(request, media_type, error)
        try:
            result = await self.schema.execute(
                document.query,
                variable_values=params.variables,
                context_value=context,
                operation_name=params.operation_name,
                allowed_operation_types=operations,
                operation_extensions=params.extensions,
            )
        except InvalidOperationTypeError as error:
            if error.operation_type is OperationType.MUTATION:
                return self.bad_request(
                    request,
                    media_type,
                    BadRequest("Mutations are only accepted over POST.", 405, {"Allow": "POST"}),
                )
            result = request_error("Subscriptions are served over WebSocket at this URL.")
        except CannotGetOperationTypeError as error:
            # An unknown operationName, or a document without operations: a request error.
            result = request_error(error.as_http_error_reason())
        except MissingQueryError:
            result = request_error("The 'query' parameter is missing.")
        else:
            if self.persisted_queries is not None and not is_request_error(result):
                # once it has parsed and validated
                await self.persisted_queries.store(document, context.client.ip)
            return self.result_response(request, result, media_type)
        # Refused before any extension saw it: counted here.
        record_rejected(ErrorCode.BAD_USER_INPUT.value)
        return self.result_response(request, result, media_type)

    async def document(self, params: GraphQLParams) -> Document:
        """The document a request runs: its query, or the one its persisted-query hash names."""
        if self.persisted_queries is not None:
            return await self.persisted_queries.document(params.query, params.extensions)
        if not params.query:
            raise refusal(ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED, "PersistedQueryNotSupported")
        return Document(params.query)

    def result_response(
        self, request: Request, result: ExecutionResult, media_type: str
    ) -> Response:
        errors = result.errors
        body: dict[str, Any] = {}
        if errors:
            body["errors"] = [self.error_formatter(error, request) for error in errors]
        status = 200
        if is_request_error(result):
            # No `data` at all: the operation never started (parse, validation, coercion).
            if media_type == GRAPHQL_RESPONSE_JSON and not asks_for_query(result):
                status = 400 if all(map(is_client_error, errors or ())) else 500
        else:
            body["data"] = result.data
        if result.extensions:
            body["extensions"] = result.extensions
        return json_response(body, status, media_type)

    def context_error(self, request: Request, media_type: str, error: DomainError) -> Response:
        """A request that failed before execution: 503 with Retry-After when retryable."""
        record_rejected(error.code.value)
        body = {
            "errors": [
                self.error_formatter(GraphQLError(error.message, original_error=error), request)
            ]
        }
        if error.code is ErrorCode.SERVICE_UNAVAILABLE:
            retry_after = str(error.extensions.get("retryAfter", 1))
            return json_response(body, 503, media_type, {"Retry-After": retry_after})
        return json_response(body, 500, media_type)

    def bad_request(self, request: Request, media_type: str, error: BadRequest) -> Response:
        record_rejected(ErrorCode.BAD_USER_INPUT.value)
        body = {"errors": [self.error_formatter(GraphQLError(error.message), request)]}
        return json_response(body, error.status, media_type, error.headers)


def wants_html(request: Request, accept: str | None) -> bool:
    """A browser navigating to the endpoint, not a GET carrying an operation."""
    return accept is not None and "text/html" in accept and "query" not in request.query_params


def json_response(
    body: dict[str, Any],
    status: int,
    media_type: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    return Response(orjson.dumps(body), status, headers, CONTENT_TYPES[media_type])


def request_error(error: str | GraphQLError) -> ExecutionResult:
    if isinstance(error, str):
        error = GraphQLError(error)
    return PreExecutionError(data=None, errors=[error])


def asks_for_query(result: ExecutionResult) -> bool:
    """True for the persisted-query answers that ask the client to send its query."""
    codes = {(error.extensions or {}).get("code") for error in result.errors or ()}
    return bool(codes) and codes <= RETRY_WITH_QUERY


def is_request_error(result: ExecutionResult) -> bool:
    """True when the operation failed before execution, so the response has no `data`."""
    if isinstance(result, PreExecutionError):
        return True
    # graphql-core reports variable coercion failures as a result without data whose
    # errors have no path; every field error has one.
    errors = result.errors
    return result.data is None and bool(errors) and all(e.path is None for e in errors or ())


def is_client_error(error: GraphQLError) -> bool:
    """False for a crash before execution (an extension failing), raw or already masked."""
    original = error.original_error
    if original is not None and not isinstance(original, GraphQLError):
        return False
    return (error.extensions or {}).get("code") != ErrorCode.INTERNAL


def params_from_query(request: Request) -> GraphQLParams:
    """The parameters of a GET: `variables` and `extensions` are JSON in the query string."""
    raw: dict[str, Any] = dict(request.query_params)
    for name in ("variables", "extensions"):
        value = raw.get(name)
        if value:
            try:
                raw[name] = orjson.loads(value)
            except orjson.JSONDecodeError as error:
                raise BadRequest(f"The '{name}' parameter is not valid JSON.") from error
        else:
            raw[name] = None
    return graphql_params(raw)


def graphql_params(raw: Any) -> GraphQLParams:
    """Check the request parameters' types, as the spec requires."""
    if not isinstance(raw, dict):
        raise BadRequest("The request body must be a JSON object.")
    query, variables = raw.get("query"), raw.get("variables")
    operation_name, extensions = raw.get("operationName"), raw.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        raise BadRequest("The 'extensions' parameter must be an object.")
    hashed = query is None and has_persisted_query(extensions)  # the hash names the document
    if not hashed and (not isinstance(query, str) or not query):
        raise BadRequest("The 'query' parameter must be a non-empty string.")
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest("The 'variables' parameter must be an object.")
    if operation_name is not None and not isinstance(operation_name, str):
        raise BadRequest("The 'operationName' parameter must be a string.")
    return GraphQLParams(query, variables, operation_name, extensions)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing more than `limit` bytes before holding them."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise BadRequest(f"The request body is over {limit} bytes.", 413)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BadRequest(f"The request body is over {limit} bytes.", 413)
        chunks.append(chunk)
    return b"".join(chunks)


@lru_cache(maxsize=256)
def is_json_content_type(header: str | None) -> bool:
    """`application/json`, with no charset or utf-8: the only body the spec requires."""
    if header is None:
        return False
    media, *params = header.split(";")
    if media.strip().lower() != JSON:
        return False
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip(' "').lower() not in (
            "utf-8",
            "utf8",
        ):
            return False
    return True


@lru_cache(maxsize=256)
def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header, or None when nothing fits (406)."""
    if not accept:
        return JSON  # The spec's default for clients that do not say.
    ranges = [parsed for part in accept.split(",") if (parsed := media_range(part))]
    best, best_rank = None, (0.0, 0, False)
    for offer in (GRAPHQL_RESPONSE_JSON, JSON):
        quality, specificity = match(offer, ranges)
        # Named explicitly, graphql-response+json wins a tie; a wildcard means plain JSON,
        # which every client understands.
        preferred = offer == (GRAPHQL_RESPONSE_JSON if specificity == 3 else JSON)
        rank = (quality, specificity, preferred)
        if quality > 0 and rank > best_rank:
            best, best_rank = offer, rank
    return best


def media_range(part: str) -> tuple[str, float] | None:
    """A `type/subtype` with its q-value; None for ranges we can never satisfy."""
    media, *params = part.split(";")
    media = media.strip().lower()
    quality = 1.0
    for param in params:
        name, _, value = param.partition("=")
        name, value = name.strip().lower(), value.strip(' "').lower()
        if name == "q":
            try:
                quality = float(value)
            except ValueError:
                return None
        elif name == "charset" and value not in ("utf-8", "utf8"):
            return None
    return (media, quality) if "/" in media else None


def match(offer: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """The q-value of the most specific range matching `offer`, with that specificity."""
    kind = offer.split("/")[0]
    quality, specificity = 0.0, 0
    for media, range_quality in ranges:
        if media == offer:
            level = 3
        elif media == f"{kind}/*":
            level = 2
        elif media == "*/*":
            level = 1
        else:
            continue
        if level > specificity:
            quality, specificity = range_quality, level
    return quality, specificity
