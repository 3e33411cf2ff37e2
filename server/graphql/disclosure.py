"""Who may learn the schema: introspection and "Did you mean" suggestions.

Per the OWASP GraphQL cheat sheet both map the API for an attacker, so they follow one
setting, `INTROSPECTION`: `public` (anyone; what `personalpod run` uses for GraphiQL),
`signed_in` (the default: callers with a valid token) or `off` (nobody). A caller who may
not introspect gets FORBIDDEN for `__schema` and `__type` (`__typename` stays: clients
need it), and error messages without suggestions. The setting is read per request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from graphql import DocumentNode, FieldNode, GraphQLError, Node
from strawberry.extensions import SchemaExtension

from datastore.kit.errors import ErrorCode

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
# graphql-core appends suggestions as a last sentence: " Did you mean 'x' or 'y'?"
_SUGGESTION = re.compile(r"\s*Did you mean .*\?$", re.DOTALL)


class SchemaDisclosure(SchemaExtension):
    """Refuses introspection and strips suggestions for callers the setting does not allow."""

    # Runs after DocumentLimits has validated (or refused) the document, before strawberry
    # turns the errors into the response. Validation errors are cached and shared between
    # requests, so they are replaced by copies, never edited.
    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if not self._may_introspect() and context.graphql_document is not None:
            field = introspection_field(context.graphql_document)
            if field is not None:
                context.pre_execution_errors = [refusal(field)]
            elif context.pre_execution_errors:
                context.pre_execution_errors = without_suggestions(context.pre_execution_errors)
        yield

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors and not self._may_introspect():
            result.errors = without_suggestions(result.errors)

    def _may_introspect(self) -> bool:
        context: Any = self.execution_context.context
        policy = context.services.clients.settings.introspection
        if policy == "public":
            return True
        return policy == "signed_in" and context.principal is not None


def introspection_field(document: DocumentNode) -> FieldNode | None:
    """The first `__schema` or `__type` field anywhere in the document (each node once)."""
    stack: list[Node] = list(document.definitions)
    while stack:
        node = stack.pop()
        if isinstance(node, FieldNode) and node.name.value in INTROSPECTION_FIELDS:
            return node
        selection_set = getattr(node, "selection_set", None)
        if selection_set is not None:
            stack.extend(selection_set.selections)
    return None


def refusal(field: FieldNode) -> GraphQLError:
    return GraphQLError(
        "Introspection is not open to this caller on this server (INTROSPECTION setting).",
        field,
        extensions={"code": ErrorCode.FORBIDDEN.value},
    )


def without_suggestions(errors: Iterable[GraphQLError]) -> list[GraphQLError]:
    return [_without_suggestion(error) for error in errors]


def _without_suggestion(error: GraphQLError) -> GraphQLError:
    message = _SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(
        message,
        error.nodes,
        error.source,
        error.positions,
        error.path,
        error.original_error,
        error.extensions,
    )
