"""Requests generated from the schema: every argument position of a kind, filled with
attack values, every other required argument with a harmless valid value.

A position is an argument of a root field (Query, Mutation, Subscription) or of a field
of a node type (`Entry.tags(after:)`), reached through `node(id: $node)` on an object of
that type the caller owns.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    OperationType,
    get_named_type,
    is_composite_type,
    is_leaf_type,
)
from graphql.pyutils import Undefined

from server.schema import build_schema

if TYPE_CHECKING:
    from tests.support.client import Account, GraphQLClient
    from tests.support.ws import WebSocketClient

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
ROOTS = ("query", "mutation")
# The variable a nested position's document reads its node's id from.
NODE = "node"
FRAGMENT = "Probe"
ME = "{ me { id } }"


def graphql_schema() -> GraphQLSchema:
    return build_schema()._schema


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@dataclass(frozen=True)
class Position:
    """One place a value goes: `path` inside the arguments of `parent`.`field`."""

    operation: str  # "query", "mutation" or "subscription"
    field: GraphQLField
    field_name: str
    path: tuple[str | int, ...]  # argument name, then input field names and list indexes
    type: GraphQLInputType  # the named scalar type at the position
    parent: str = ""  # the object type of a nested field; "" for a root field

    @property
    def dotted(self) -> str:
        """The path as `extensions.field` names it: `input.tags[0]`."""
        text = str(self.path[0])
        for part in self.path[1:]:
            text += f"[{part}]" if isinstance(part, int) else f".{part}"
        return text

    @property
    def name(self) -> str:
        """`Type.field(path)` for a nested position, `field(path)` for a root one."""
        owner = f"{self.parent}." if self.parent else ""
        return f"{owner}{self.field_name}({self.dotted})"

    def arguments(self, value: Any, own_id: str) -> dict[str, Any]:
        """Every required argument filled, and `value` at this position."""
        values: dict[str, Any] = {}
        for name, argument in self.field.args.items():
            if _required(argument) or name == self.path[0]:
                values[name] = fill(argument.type)
        values[str(self.path[0])] = _set(values[str(self.path[0])], self.path[1:], value)
        return _replace_own_id(values, own_id)

    def variables_request(
        self, value: Any, own_id: str, node_id: str = "", *, named: bool = False
    ) -> tuple[str, dict[str, Any]]:
        """The operation with every argument as a variable, and its variables."""
        values = self.arguments(value, own_id)
        definitions = [f"${n}: {self.field.args[n].type}" for n in values]
        uses = ", ".join(f"{n}: ${n}" for n in values)
        call = f"{self.field_name}({uses}) {self.selection()}"
        return self.document(call, definitions, named=named), self.variables(values, node_id)

    def literal_request(
        self, values: Sequence[Any], own_id: str, node_id: str = "", *, named: bool = False
    ) -> tuple[str, dict[str, Any]]:
        """One operation with an aliased call of the field per value, written inline. A
        nested field gets an aliased `node` per value: a refused value nulls its own
        node, and its siblings still answer."""
        if self.parent and not named:
            # Only the nodes are aliased: an alias on the field too would count twice
            # against the server's limit on aliases.
            nodes = " ".join(
                f"a{i}: {NODE}(id: ${NODE}) {{ ... on {self.parent} {{ {call} }} }}"
                for i, call in enumerate(self.literal_field(v, own_id) for v in values)
            )
            return f"query(${NODE}: ID!) {{ {nodes} }}", self.variables({}, node_id)
        calls = [self.literal_field(value, own_id, f"a{i}") for i, value in enumerate(values)]
        return self.document(" ".join(calls), [], named=named), self.variables({}, node_id)

    def literal_field(self, value: Any, own_id: str, alias: str = "") -> str:
        """`alias: field(...)` (or the field alone) with every argument written inline."""
        values = self.arguments(value, own_id)
        uses = ", ".join(f"{n}: {literal(v, self.field.args[n].type)}" for n, v in values.items())
        head = f"{alias}: {self.field_name}" if alias else self.field_name
        return f"{head}({uses}) {self.selection()}"

    def document(self, selections: str, definitions: list[str], *, named: bool = False) -> str:
        """An operation running `selections` where the field lives: on the root, or on
        the node `$node`; inside a named fragment when `named` (checks that walk the
        document must follow fragment spreads too)."""
        parent = self.parent or _root_type_name(self.operation)
        inner = f"...{FRAGMENT}" if named else selections
        if self.parent:
            definitions = [f"${NODE}: ID!", *definitions]
            spread = inner if named else f"... on {parent} {{ {inner} }}"
            inner = f"{NODE}(id: ${NODE}) {{ {spread} }}"
        head = f"{self.operation}({', '.join(definitions)})" if definitions else self.operation
        fragment = f" fragment {FRAGMENT} on {parent} {{ {selections} }}" if named else ""
        return f"{head} {{ {inner} }}{fragment}"

    def selection(self) -> str:
        # A nested field's answer is read for leaks; root fields only show they answered.
        return probe_selection(self.field) if self.parent else selection(self.field)

    def variables(self, values: dict[str, Any], node_id: str) -> dict[str, Any]:
        return {NODE: node_id, **values} if self.parent else values


def positions(
    schema: GraphQLSchema,
    accept: Callable[[tuple[str | int, ...], GraphQLScalarType], bool],
    operations: Sequence[str] = ROOTS,
) -> Iterator[Position]:
    """Every argument position of every field of the `operations`' roots that `accept`
    takes."""
    for operation in operations:
        root = _root_type(schema, operation)
        for field_name, field in root.fields.items():
            yield from _field_positions(operation, field_name, field, "", accept)


def nested_positions(
    schema: GraphQLSchema, accept: Callable[[tuple[str | int, ...], GraphQLScalarType], bool]
) -> Iterator[Position]:
    """Every argument position, that `accept` takes, of every field of every object type
    other than the roots and introspection's (`Entry.tags(after:)`)."""
    for type_ in nested_types(schema):
        for field_name, field in type_.fields.items():
            yield from _field_positions("query", field_name, field, type_.name, accept)


def nested_types(schema: GraphQLSchema) -> list[GraphQLObjectType]:
    """The object types, other than the roots and introspection's, with a field that takes
    arguments."""
    roots = {_root_type(schema, operation).name for operation in (*ROOTS, "subscription")}
    return [
        type_
        for name, type_ in schema.type_map.items()
        if isinstance(type_, GraphQLObjectType)
        and name not in roots
        and not name.startswith("__")
        and any(field.args for field in type_.fields.values())
    ]


def _field_positions(
    operation: str,
    field_name: str,
    field: GraphQLField,
    parent: str,
    accept: Callable[[tuple[str | int, ...], GraphQLScalarType], bool],
) -> Iterator[Position]:
    for name, argument in field.args.items():
        for path, named in _scalar_paths(argument.type, (name,), 0):
            if accept(path, named):
                yield Position(operation, field, field_name, path, named, parent)


def _root_type(schema: GraphQLSchema, operation: str) -> GraphQLObjectType:
    root = schema.get_root_type(OperationType(operation))
    assert root is not None, operation
    return root


def _root_type_name(operation: str) -> str:
    return operation.title()


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


def probe_selection(field: GraphQLField) -> str:
    """What to select of a field's answer to see whose data came back: its argument-free
    leaves, and those of a connection's edges' nodes, with the `id` of their objects."""
    named = get_named_type(field.type)
    if not isinstance(named, GraphQLObjectType):
        return selection(field)
    return "{ " + " ".join(["__typename", *_probe_fields(named, 2)]) + " }"


def _probe_fields(type_: GraphQLObjectType, depth: int) -> Iterator[str]:
    for name, field in type_.fields.items():
        if field.args:
            continue
        named = get_named_type(field.type)
        if is_leaf_type(named):
            yield name
        elif isinstance(named, GraphQLObjectType) and name in ("edges", "node") and depth:
            yield f"{name} {{ {' '.join(_probe_fields(named, depth - 1))} }}"
        elif isinstance(named, GraphQLObjectType) and "id" in named.fields:
            yield f"{name} {{ id }}"


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


async def assert_still_answers(client: GraphQLClient, account: Account) -> None:
    """After an attack: the server answers a normal request, with the caller's own data."""
    body = await client.execute(ME, token=account.token)
    assert body == {"data": {"me": {"id": account.user_id}}}, body


async def assert_socket_still_answers(ws: WebSocketClient, account: Account) -> None:
    """After an attack on a socket signed in as `account`: the same socket answers a
    normal query (frames of the attack's operations may still come first)."""
    await ws.subscribe("still-answers", f"query {ME}")
    while (frame := await ws.receive()).get("id") != "still-answers":
        pass
    expected = {"data": {"me": {"id": account.user_id}}}
    assert frame == {"id": "still-answers", "type": "next", "payload": expected}, frame
