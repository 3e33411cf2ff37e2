"""The allow-list mode of persisted queries: only the documents of a manifest run.

With `PERSISTED_QUERIES=allowlist` the manifest named by `PERSISTED_QUERIES_MANIFEST`
(Apollo's persisted-query manifest format, as `generate-persisted-query-manifest` writes it)
lists every document the server runs; any other is refused with PERSISTED_QUERY_NOT_ALLOWED.
The check is a schema extension, so HTTP and both websocket protocols share it.

Introspection-only documents (every root field `__schema`, `__type` or `__typename`) are
not held to the list: who may introspect stays the `INTROSPECTION` setting's decision, so
GraphiQL and code generators work for the callers that setting lets in, and `off` still
closes the schema to everyone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
from graphql import DocumentNode, FieldNode, GraphQLError, OperationDefinitionNode, OperationType
from strawberry.extensions import SchemaExtension

from datastore.kit.errors import ErrorCode
from datastore.kit.settings import ConfigurationError, Settings

MANIFEST_FORMAT = "apollo-persisted-query-manifest"
INTROSPECTION_ROOT_FIELDS = frozenset({"__schema", "__type", "__typename"})


def not_allowed() -> GraphQLError:
    """The refusal of a document that is not in the manifest (a request error, 400)."""
    return GraphQLError(
        "This server only runs the operations of its persisted-query list.",
        extensions={"code": ErrorCode.PERSISTED_QUERY_NOT_ALLOWED.value},
    )


def document_hash(query: str) -> str:
    """The id of a document, as Apollo computes it: the hex sha256 of its UTF-8 text."""
    return hashlib.sha256(query.encode()).hexdigest()


@dataclass(frozen=True)
class Manifest:
    """The allowed documents, by hash."""

    bodies: dict[str, str]

    def body(self, sha256_hash: str) -> str | None:
        return self.bodies.get(sha256_hash)

    def allows(self, query: str) -> bool:
        return document_hash(query) in self.bodies


@lru_cache(maxsize=8)
def load_manifest(path: str) -> Manifest:
    """The manifest at `path`, read once; a ConfigurationError says what is wrong with it."""
    where = f"PERSISTED_QUERIES_MANIFEST {path}"
    try:
        raw = orjson.loads(Path(path).read_bytes())
    except OSError as error:
        raise ConfigurationError(f"{where} cannot be read: {error.strerror}") from None
    except orjson.JSONDecodeError:
        raise ConfigurationError(f"{where} is not valid JSON") from None
    if not isinstance(raw, dict) or raw.get("format") != MANIFEST_FORMAT:
        raise ConfigurationError(f'{where} is not an {MANIFEST_FORMAT} (its "format")')
    if raw.get("version") != 1:
        raise ConfigurationError(f"{where} has version {raw.get('version')!r}; 1 is supported")
    operations = raw.get("operations")
    if not isinstance(operations, list):
        raise ConfigurationError(f'{where} has no "operations" list')
    bodies: dict[str, str] = {}
    for index, operation in enumerate(operations):
        body = operation.get("body") if isinstance(operation, dict) else None
        if not isinstance(body, str) or not body:
            raise ConfigurationError(f"{where}: operation {index} has no body")
        if operation.get("id") != document_hash(body):
            raise ConfigurationError(f"{where}: operation {index}'s id is not its body's sha256")
        bodies[operation["id"]] = body
    return Manifest(bodies)


def active_manifest(settings: Settings) -> Manifest | None:
    """The manifest in force: None unless `PERSISTED_QUERIES=allowlist`."""
    if settings.persisted_queries != "allowlist":
        return None
    return load_manifest(settings.persisted_queries_manifest)


class PersistedQueryAllowList(SchemaExtension):
    """Refuses, in allowlist mode, every document that is not in the manifest."""

    # Listed after DocumentLimits and SchemaDisclosure: their validation sets the errors
    # first, and a refusal here replaces them, so a refused document learns nothing more.
    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        context: Any = execution.context
        manifest = active_manifest(context.services.clients.settings)
        document, query = execution.graphql_document, execution.query
        if (
            manifest is not None
            and document is not None
            and query is not None
            and not manifest.allows(query)
            and not introspection_only(document)
        ):
            execution.pre_execution_errors = [not_allowed()]
        yield


def introspection_only(document: DocumentNode) -> bool:
    """True when every operation is a query whose root fields are all introspection."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return bool(operations) and all(
        operation.operation is OperationType.QUERY
        and all(
            isinstance(selection, FieldNode) and selection.name.value in INTROSPECTION_ROOT_FIELDS
            for selection in operation.selection_set.selections
        )
        for operation in operations
    )
