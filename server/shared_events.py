"""Subscriptions: one event executed once per (document, variables, viewer-visible data).

A conversation event reaches every socket subscribed to it, and each socket's subscription
runs the same document over it. The per-socket part (membership, filtering, when to end)
stays per socket; the execution of the selection set over one event object is shared: the
first socket's result is kept for the others with the same document and variables.

Viewer-visible data: a document whose fields never see the request context (no `info`, no
permission or field extensions; relay ids, which encode only the node) gives the same
result for every viewer, so it is keyed without one. Any other document is keyed by the
viewer's user and session, so nobody is served a result computed for someone else.
Results with errors are never shared.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from typing import Any

import orjson
from graphql import (
    ExecutionResult,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    visit,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

from server.graphql.acyclic import AcyclicExecutionContext

# Recent events x documents; an event is done with once every socket executed it.
RESULTS_KEPT = 512
DOCUMENTS_KEPT = 256
DEFINITION = "strawberry-definition"


def _viewer_neutral_field(parent: GraphQLObjectType, name: str, schema: GraphQLSchema) -> bool:
    if name.startswith("__"):
        return True
    field = parent.fields.get(name)
    definition = field.extensions.get(DEFINITION) if field is not None else None
    if not isinstance(definition, StrawberryField):
        return False
    if parent is schema.subscription_type:
        # Per event, a subscription's root field only hands the event on.
        return True
    if name == "id" and any(i.name == "Node" for i in parent.interfaces):
        return True  # a global id encodes the type and the node's own id
    if definition.permission_classes or definition.extensions:
        return False
    resolver = definition.base_resolver
    return resolver is None or resolver.info_parameter is None


class _NeutralCheck(Visitor):
    def __init__(self, schema: GraphQLSchema, type_info: TypeInfo) -> None:
        super().__init__()
        self.schema, self.type_info, self.neutral = schema, type_info, True

    def enter_field(self, node: Any, *_args: Any) -> None:
        parent = self.type_info.get_parent_type()
        if not isinstance(parent, GraphQLObjectType) or not _viewer_neutral_field(
            parent, node.name.value, self.schema
        ):
            # Interfaces and unions resolve per object: counted as viewer-dependent.
            self.neutral = self.neutral and node.name.value.startswith("__")


_neutral_documents: dict[tuple[str, str | None], bool] = {}


def _document_is_viewer_neutral(
    schema: GraphQLSchema, source: str, operation: OperationDefinitionNode, fragments: list[Any]
) -> bool:
    name = operation.name.value if operation.name else None
    known = _neutral_documents.get((source, name))
    if known is None:
        type_info = TypeInfo(schema)
        check = _NeutralCheck(schema, type_info)
        for node in (operation, *fragments):
            visit(node, TypeInfoVisitor(type_info, check))
        known = _neutral_documents[(source, name)] = check.neutral
        if len(_neutral_documents) > DOCUMENTS_KEPT:
            _neutral_documents.pop(next(iter(_neutral_documents)))
    return known


def _viewer_of(context: Any) -> tuple[str, str] | None:
    principal = getattr(context, "principal", None)
    if principal is None:
        return None
    return (str(principal.user_id), str(principal.session_id))


class SharedEventExecutor(AcyclicExecutionContext):
    """graphql-core's executor, with subscription events executed once per share key."""

    # key -> (the event object, its result or the task computing it)
    _results: OrderedDict[tuple[Any, ...], tuple[Any, Any]] = OrderedDict()
    _per_event = False

    def build_per_event_executor(self, payload: Any) -> Any:
        executor = super().build_per_event_executor(payload)
        executor._per_event = True  # type: ignore[attr-defined]
        return executor

    def execute_operation(self, serially: bool | None = None) -> Any:
        key = self._share_key() if self._per_event else None
        if key is None:
            return super().execute_operation(serially)
        kept = self._results.get(key)
        if kept is not None and kept[0] is self.root_value:
            if isinstance(kept[1], asyncio.Future):
                return self._shared_when_done(kept[1], serially)
            return kept[1]
        result = super().execute_operation(serially)
        if self.is_awaitable(result):
            task = asyncio.ensure_future(result)
            self._keep(key, task)
            task.add_done_callback(lambda done: self._settle(key, done))
            return asyncio.shield(task)
        if _shareable(result):
            self._keep(key, result)
        return result

    async def _shared_when_done(self, task: asyncio.Future[Any], serially: bool | None) -> Any:
        result = await asyncio.shield(task)
        if _shareable(result):
            return result
        # Errors carry this request's id once masked: this socket gets its own.
        own = super().execute_operation(serially)
        return await own if self.is_awaitable(own) else own

    def _keep(self, key: tuple[Any, ...], value: Any) -> None:
        results = self._results
        # The event is kept with its result, so its id cannot be reused meanwhile.
        results[key] = (self.root_value, value)
        while len(results) > RESULTS_KEPT:
            results.popitem(last=False)

    def _settle(self, key: tuple[Any, ...], task: asyncio.Future[Any]) -> None:
        kept = self._results.get(key)
        if kept is None or kept[1] is not task:
            return
        if task.cancelled() or task.exception() is not None or not _shareable(task.result()):
            self._results.pop(key, None)
        else:
            self._results[key] = (kept[0], task.result())

    def _share_key(self) -> tuple[Any, ...] | None:
        operation = self.operation
        if operation.loc is None:
            return None
        source = operation.loc.source.body
        fragments = list(self.fragment_definitions.values())
        neutral = _document_is_viewer_neutral(self.schema, source, operation, fragments)
        try:
            variables = orjson.dumps(
                self.variable_values.coerced, option=orjson.OPT_SORT_KEYS, default=str
            )
        except TypeError:
            return None
        viewer = None if neutral else ("viewer", _viewer_of(self.context_value))
        name = operation.name.value if operation.name else None
        return (id(self.root_value), source, name, variables, viewer)


def with_shared_events(
    executor: type[Any] | None,
) -> type[StrawberryGraphQLCoreExecutionContext]:
    """SharedEventExecutor over `executor` (the one that runs queries), or on its own."""
    if executor is None:
        return SharedEventExecutor
    return type(f"Shared{executor.__name__}", (SharedEventExecutor, executor), {})


def _shareable(result: Any) -> bool:
    return isinstance(result, ExecutionResult) and not result.errors


class EncodedPayloads:
    """The JSON of recent `next` payloads, by their data object: a result shared by many
    sockets is encoded once, and each socket's frame only wraps it with its own id."""

    def __init__(self, kept: int = RESULTS_KEPT) -> None:
        self.kept = kept
        self._encoded: OrderedDict[int, tuple[object, orjson.Fragment]] = OrderedDict()

    def frame(self, message: Any) -> Any:
        """`message`, with a shareable `next` payload replaced by its encoded JSON."""
        payload = message.get("payload") if message.get("type") == "next" else None
        if not isinstance(payload, dict) or payload.keys() != {"data"}:
            return message
        data = payload["data"]
        found = self._encoded.get(id(data))
        if found is None or found[0] is not data:
            # The data object is kept with its JSON, so its id cannot be reused meanwhile.
            found = (data, orjson.Fragment(orjson.dumps(payload)))
            self._encoded[id(data)] = found
            if len(self._encoded) > self.kept:
                self._encoded.popitem(last=False)
        return {**message, "payload": found[1]}
