"""Requests generated from the schema: every argument position of a kind, filled with
attack values, every other required argument with a harmless valid value."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
    is_composite_type,
)
from graphql.pyutils import Undefined

from server.schema import build_schema

# A placeholder the caller swaps for a real id of theirs (see `Position.variables`).
OWN_ID = "<own id>"
SCALAR_FILLERS: dict[str, Any] = {
    "String": "x",
    "ID": OWN_ID,
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "DateTime": "2030-01-01T00:00:00+00:00",
    "Date": "2030-01-01",
    "JSON": {},
}
CURSOR_ARGUMENTS = ("after", "before", "since")
MAX_INPUT_DEPTH = 4


def graphql_schema() -> GraphQLSchema:
    return build_schema()._schema


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@dataclass(frozen=True)
class Position:
    """One place a value goes: `path` inside the arguments of `root`.`field`."""

    operation: str  # "query" or "mutation"
    field: GraphQLField
    field_name: str
    path: tuple[str | int, ...]  # argument name, then input field names and list indexes
    type: GraphQLInputType  # the named scalar type at the position

    @property
    def dotted(self) -> str:
        """The path as `extensions.field` names it: `input.tags[0]`."""
        text = str(self.path[0])
        for part in self.path[1:]:
            text += f"[{part}]" if isinstance(part, int) else f".{part}"
        return text

    def arguments(self, value: Any, own_id: str) -> dict[str, Any]:
        """Every required argument filled, and `value` at this position."""
        values: dict[str, Any] = {}
        for name, argument in self.field.args.items():
            if _required(argument) or name == self.path[0]:
                values[name] = fill(argument.type)
        values[str(self.path[0])] = _set(values[str(self.path[0])], self.path[1:], value)
        return _replace_own_id(values, own_id)

    def variables_request(self, value: Any, own_id: str) -> tuple[str, dict[str, Any]]:
        """The operation with every argument as a variable, and its variables."""
        values = self.arguments(value, own_id)
        definitions = ", ".join(f"${n}: {self.field.args[n].type}" for n in values)
        uses = ", ".join(f"{n}: ${n}" for n in values)
        head = f"{self.operation}({definitions})" if values else self.operation
        return f"{head} {{ {self.field_name}({uses}) {selection(self.field)} }}", values

    def literal_field(self, value: Any, own_id: str, alias: str) -> str:
        """`alias: field(...)` with every argument written inline."""
        values = self.arguments(value, own_id)
        uses = ", ".join(f"{n}: {literal(v, self.field.args[n].type)}" for n, v in values.items())
        return f"{alias}: {self.field_name}({uses}) {selection(self.field)}"


def positions(
    schema: GraphQLSchema, accept: Callable[[tuple[str | int, ...], GraphQLScalarType], bool]
) -> Iterator[Position]:
    """Every argument position of every Query and Mutation field that `accept` takes."""
    roots = (("query", schema.query_type), ("mutation", schema.mutation_type))
    for operation, root in roots:
        assert root is not None
        for field_name, field in root.fields.items():
            for name, argument in field.args.items():
                for path, named in _scalar_paths(argument.type, (name,), 0):
                    if accept(path, named):
                        yield Position(operation, field, field_name, path, named)


def fill(type_: GraphQLInputType) -> Any:
    """A valid value of `type_`, with only its required input fields."""
    if isinstance(type_, GraphQLNonNull):
        return fill(type_.of_type)
    if isinstance(type_, GraphQLList):
        return [fill(type_.of_type)]
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return {
            name: fill(field.type)
            for name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
        }
    assert isinstance(type_, GraphQLScalarType)
    return SCALAR_FILLERS.get(type_.name, "x")


def literal(value: Any, type_: GraphQLInputType) -> str:
    """`value` written as a GraphQL literal of `type_`."""
    if isinstance(type_, GraphQLNonNull):
        return literal(value, type_.of_type)
    if isinstance(type_, GraphQLList):
        items = value if isinstance(value, list) else [value]
        return "[" + ", ".join(literal(v, type_.of_type) for v in items) + "]"
    if isinstance(type_, GraphQLInputObjectType):
        fields = type_.fields
        return "{" + ", ".join(f"{k}: {literal(v, fields[k].type)}" for k, v in value.items()) + "}"
    if isinstance(type_, GraphQLEnumType):
        return str(value)
    return json.dumps(value)


def selection(field: GraphQLField) -> str:
    return "{ __typename }" if is_composite_type(get_named_type(field.type)) else ""


def _scalar_paths(
    type_: GraphQLInputType, path: tuple[str | int, ...], depth: int
) -> Iterator[tuple[tuple[str | int, ...], GraphQLScalarType]]:
    if isinstance(type_, GraphQLNonNull):
        yield from _scalar_paths(type_.of_type, path, depth)
    elif isinstance(type_, GraphQLList):
        yield from _scalar_paths(type_.of_type, (*path, 0), depth)
    elif isinstance(type_, GraphQLInputObjectType):
        if depth < MAX_INPUT_DEPTH:
            for name, field in type_.fields.items():
                yield from _scalar_paths(field.type, (*path, name), depth + 1)
    elif isinstance(type_, GraphQLScalarType):
        yield path, type_


def _set(container: Any, path: tuple[str | int, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        return [_set(container[0] if container else None, rest, value)]
    inner = dict(container or {})
    inner[head] = _set(inner.get(head), rest, value)
    return inner


def _replace_own_id(value: Any, own_id: str) -> Any:
    if value == OWN_ID:
        return own_id
    if isinstance(value, list):
        return [_replace_own_id(v, own_id) for v in value]
    if isinstance(value, dict):
        return {k: _replace_own_id(v, own_id) for k, v in value.items()}
    return value


def _required(argument: GraphQLArgument) -> bool:
    return isinstance(argument.type, GraphQLNonNull) and argument.default_value is Undefined


def codes(body: dict[str, Any]) -> list[str]:
    return [(e.get("extensions") or {}).get("code", "") for e in body.get("errors") or ()]
