"""Refuse NUL bytes in every string an operation sends, before any resolver runs.

PostgreSQL cannot store U+0000 in text, so a NUL that reached a query would fail deep in
a repository as a server error. One check over the document's literals and the request's
variables covers every String and ID argument and input field, on every transport.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    ExecutableDefinitionNode,
    FieldNode,
    GraphQLError,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
)
from strawberry.extensions import SchemaExtension

from datastore.kit.errors import ErrorCode

NUL = "\x00"
MESSAGE = "Text may not contain NUL bytes (\\u0000)."


class RejectNulBytes(SchemaExtension):
    """BAD_USER_INPUT naming the first argument or input field that holds a NUL byte."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            field = nul_byte_field(context.graphql_document, context.variables or {})
            if field is not None:
                # A GraphQLError without an original error is the client's, like a
                # coercion error: HTTP answers 400, and nothing executes.
                raise GraphQLError(
                    MESSAGE, extensions={"code": ErrorCode.BAD_USER_INPUT.value, "field": field}
                )
        yield


def nul_byte_field(document: DocumentNode, variables: Mapping[str, Any]) -> str | None:
    """The path (`input.tags[0]`) of the first argument value holding a NUL, or None."""
    # Each variable is walked once, however many times the document uses it.
    in_variables = {
        name: inner for name, value in variables.items() if (inner := _in_python(value)) is not None
    }
    for definition in document.definitions:
        if isinstance(definition, ExecutableDefinitionNode):
            found = _in_selections(definition.selection_set, in_variables)
            if found is not None:
                return found
    return None


def _in_selections(selections: SelectionSetNode | None, variables: Mapping[str, str]) -> str | None:
    for selection in selections.selections if selections else ():
        if isinstance(selection, FieldNode):
            for argument in selection.arguments or ():
                found = _in_literal(argument.value, argument.name.value, variables)
                if found is not None:
                    return found
        if isinstance(selection, (FieldNode, InlineFragmentNode)):
            found = _in_selections(selection.selection_set, variables)
            if found is not None:
                return found
    return None


def _in_literal(value: ValueNode, path: str, variables: Mapping[str, str]) -> str | None:
    if isinstance(value, StringValueNode):
        return path if NUL in value.value else None
    if isinstance(value, VariableNode):
        inner = variables.get(value.name.value)
        return None if inner is None else path + inner
    if isinstance(value, ListValueNode):
        items = ((f"{path}[{i}]", item) for i, item in enumerate(value.values or ()))
    elif isinstance(value, ObjectValueNode):
        items = ((f"{path}.{field.name.value}", field.value) for field in value.fields or ())
    else:
        return None
    for item_path, item in items:
        found = _in_literal(item, item_path, variables)
        if found is not None:
            return found
    return None


def _in_python(value: Any) -> str | None:
    """Where inside a variable's JSON value a NUL is ("" for the value itself), or None."""
    if isinstance(value, str):
        return "" if NUL in value else None
    if isinstance(value, list):
        items = ((f"[{i}]", item) for i, item in enumerate(value))
    elif isinstance(value, dict):
        for key in value:
            if NUL in key:
                return f".{key.replace(NUL, '')}"
        items = ((f".{key}", item) for key, item in value.items())
    else:
        return None
    for item_path, item in items:
        inner = _in_python(item)
        if inner is not None:
            return item_path + inner
    return None
