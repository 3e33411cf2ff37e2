"""Apollo's automatic persisted queries (APQ) over HTTP, GET and POST.

A request names its document by hash in `extensions.persistedQuery = {version: 1,
sha256Hash}`. Without `query`, the server runs the document it stored under that hash, or
answers PERSISTED_QUERY_NOT_FOUND (message `PersistedQueryNotFound`), and Apollo's link
sends the query with its hash, which is checked, run, and stored once it has parsed and
validated. Documents live in Redis (`apq:{sha256}`), shared by every server process, for
`PERSISTED_QUERIES_TTL_SECONDS` after their last use; larger than
`PERSISTED_QUERIES_MAX_BYTES`, they run but are not kept. When Redis is down a request
with its query still runs; a hash alone is the retryable SERVICE_UNAVAILABLE.

`PERSISTED_QUERIES=off` answers a hash alone with PERSISTED_QUERY_NOT_SUPPORTED (the link
then stops sending hashes); `allowlist` serves hashes from the manifest instead of Redis
(see `server.graphql.allowlist`, which also refuses every other document).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import structlog
from graphql import GraphQLError

from datastore.kit.clients import Clients
from datastore.kit.errors import ErrorCode
from server.graphql.allowlist import active_manifest, document_hash, not_allowed
from server.graphql.errors import OUTAGES, service_unavailable

log = structlog.get_logger("personalpod.persisted_queries")

KEY_PREFIX = "apq:"
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Answers that ask the client to send the query: HTTP 200 whatever the media type, as
# Apollo Server does, since older Apollo links stop using hashes after a 4xx or 5xx.
RETRY_WITH_QUERY = frozenset(
    {ErrorCode.PERSISTED_QUERY_NOT_FOUND.value, ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED.value}
)


class PersistedQueryError(Exception):
    """A persisted-query request answered before parsing; `error` is what the client sees."""

    def __init__(self, error: GraphQLError) -> None:
        super().__init__(error.message)
        self.error = error


def refusal(code: ErrorCode, message: str) -> PersistedQueryError:
    return PersistedQueryError(GraphQLError(message, extensions={"code": code.value}))


@dataclass(frozen=True)
class Document:
    """The text a request runs, and the hash to store it under once it has validated."""

    query: str
    store_as: str | None = None


def has_persisted_query(extensions: dict[str, Any] | None) -> bool:
    return extensions is not None and "persistedQuery" in extensions


def requested_hash(extensions: dict[str, Any] | None) -> str | None:
    """The sha256Hash of a request's `persistedQuery` extension; None without one."""
    if not has_persisted_query(extensions):
        return None
    persisted = extensions["persistedQuery"] if extensions else None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise refusal(
            ErrorCode.BAD_USER_INPUT, "Unsupported persisted query version: send version 1."
        )
    sha256_hash = persisted.get("sha256Hash")
    if not isinstance(sha256_hash, str) or not _SHA256.fullmatch(sha256_hash.lower()):
        raise refusal(ErrorCode.BAD_USER_INPUT, "persistedQuery.sha256Hash must be 64 hex digits.")
    return sha256_hash.lower()


class PersistedQueries:
    """Turns a request's `query` and `extensions` into the document it runs."""

    def __init__(self, clients: Clients) -> None:
        # Settings are read per request, as the other GraphQL policies are.
        self.clients = clients

    async def document(self, query: str | None, extensions: dict[str, Any] | None) -> Document:
        """The document to run; PersistedQueryError or TemporarilyUnavailable if none."""
        sha256_hash = requested_hash(extensions)
        if sha256_hash is None:
            assert query, "graphql_params lets no request through without one or the other"
            return Document(query)
        settings = self.clients.settings
        if query:
            if document_hash(query) != sha256_hash:
                raise refusal(ErrorCode.BAD_USER_INPUT, "provided sha does not match query")
            store = settings.persisted_queries == "automatic"
            return Document(query, sha256_hash if store else None)
        if settings.persisted_queries == "off":
            raise refusal(ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED, "PersistedQueryNotSupported")
        manifest = active_manifest(settings)
        if manifest is not None:
            body = manifest.body(sha256_hash)
            if body is None:
                raise PersistedQueryError(not_allowed())
            return Document(body)
        stored = await self.stored(sha256_hash)
        if stored is None:
            raise refusal(ErrorCode.PERSISTED_QUERY_NOT_FOUND, "PersistedQueryNotFound")
        return Document(stored)

    async def stored(self, sha256_hash: str) -> str | None:
        """The document stored under the hash, its lifetime renewed by the use."""
        ttl = self.clients.settings.persisted_queries_ttl_seconds
        try:
            value = await self.clients.redis.getex(KEY_PREFIX + sha256_hash, ex=ttl)
        except OUTAGES as error:
            raise service_unavailable() from error
        return value.decode() if isinstance(value, bytes) else value

    async def store(self, document: Document, client_ip: str | None) -> None:
        """Keep a document that has validated under its hash; an outage only skips it.

        Each client address may store so many new documents an hour: the store is shared
        and every distinct valid document is a new entry, so without a budget one client
        could fill Redis. Over budget the document still ran; it is just not kept."""
        settings = self.clients.settings
        if document.store_as is None:
            return
        if len(document.query.encode()) > settings.persisted_queries_max_bytes:
            return
        try:
            if await self.clients.redis.exists(KEY_PREFIX + document.store_as):
                return
            stored, _ = await self.clients.limiter.count(f"apq-store:{client_ip}", window=3600)
            if stored > settings.persisted_queries_stores_per_address:
                log.warning("persisted_query_store_budget_spent", client_ip=client_ip)
                return
            await self.clients.redis.set(
                KEY_PREFIX + document.store_as,
                document.query,
                ex=settings.persisted_queries_ttl_seconds,
            )
        except OUTAGES as error:
            log.warning("persisted_query_not_stored", hash=document.store_as, error=str(error))
