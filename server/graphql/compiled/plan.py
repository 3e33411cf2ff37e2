"""What a compiled query is made of: per selection set and runtime type, the merged fields.

A `FieldPlan` holds everything graphql-core works out again for every field of every
object: the field definition, its nodes, its resolver (or the attribute a default
resolver reads), its arguments when they are constant, and a completer for its type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    FieldNode,
    GraphQLBoolean,
    GraphQLError,
    GraphQLField,
    GraphQLID,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    VariableNode,
    get_argument_values,
    get_named_type,
    is_abstract_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.language import Visitor, visit

from server.graphql.compiled.complete import Completer, completer_for, plain_is_type_of
from server.graphql.compiled.direct import STRAWBERRY_FIELD, direct_resolver


class FieldPlan:
    """One response key of a selection set on one runtime type."""

    __slots__ = (
        "args",
        "attr",
        "complete",
        "details",
        "field_def",
        "needs_info",
        "node",
        "nodes",
        "non_null",
        "parent_type",
        "plain",
        "resolve",
        "response_name",
        "return_type",
        "selections",
        "typename",
    )

    def __init__(
        self,
        schema: GraphQLSchema,
        response_name: str,
        parent_type: GraphQLObjectType,
        field_def: GraphQLField,
        details: FieldDetailsList,
    ) -> None:
        self.response_name = response_name
        self.parent_type = parent_type
        self.field_def = field_def
        self.details = details
        self.nodes: list[FieldNode] = [detail.node for detail in details]
        self.node = self.nodes[0]
        self.return_type: GraphQLOutputType = field_def.type
        self.non_null = is_non_null_type(self.return_type)
        name = self.node.name.value
        # __typename is the parent's name: no resolver, no completion.
        self.typename = parent_type.name if name == "__typename" else None
        self.attr = default_attribute(field_def)
        resolve = direct_resolver(schema, field_def) if self.attr is None else None
        self.resolve: Callable[..., Any] | None = resolve or field_def.resolve
        self.args = constant_arguments(field_def, self.node)
        self.complete: Completer = completer_for(self.return_type, f"{parent_type.name}.{name}")
        self.needs_info = self.attr is None or completion_needs_info(self.return_type)
        self.plain = plain_types(self.return_type) if self.attr is not None else None
        # The selection plans of this field's value, per runtime type, built when first met.
        self.selections: dict[GraphQLObjectType, SelectionPlan] = {}


class SelectionPlan:
    """The merged fields of one selection set for one runtime object type."""

    __slots__ = ("fields", "type_name")

    def __init__(self, runtime_type: GraphQLObjectType, fields: list[FieldPlan]) -> None:
        self.type_name = runtime_type.name
        self.fields = fields


def selection_plan(
    schema: GraphQLSchema, runtime_type: GraphQLObjectType, grouped: GroupedFieldSet
) -> SelectionPlan:
    fields = []
    for response_name, details in grouped.items():
        field_def = schema.get_field(runtime_type, details[0].node.name.value)
        if field_def is not None:  # graphql-core skips unknown fields too
            fields.append(FieldPlan(schema, response_name, runtime_type, field_def, details))
    return SelectionPlan(runtime_type, fields)


def default_attribute(field_def: GraphQLField) -> str | None:
    """The attribute strawberry's default resolver reads for this field, if it has no other.

    Strawberry marks the resolver of a field with no resolver, permission or extension
    `_is_default`; with the default `getattr` it reads `python_name` and needs no Info."""
    resolve = field_def.resolve
    if resolve is None or not getattr(resolve, "_is_default", False):
        return None
    field = (field_def.extensions or {}).get(STRAWBERRY_FIELD)
    if field is None or field.base_resolver is not None or field.default_resolver is not getattr:
        return None
    name: str = field.python_name
    return name


def constant_arguments(field_def: GraphQLField, node: FieldNode) -> dict[str, Any] | None:
    """The coerced arguments when no variable feeds them (computed once), else None.

    Only flat values are shared between requests: input objects and lists are coerced
    again each time, so a resolver changing its argument cannot change the next one's."""
    if not field_def.args and not node.arguments:
        return {}
    if any(uses_variables(argument.value) for argument in node.arguments or ()):
        return None
    try:
        values = get_argument_values(field_def, node)
    except GraphQLError:
        return None  # raised again, at its place, when the field runs
    if any(isinstance(value, (dict, list)) for value in values.values()):
        return None
    return values


def uses_variables(value: Any) -> bool:
    found = False

    class Finder(Visitor):
        def enter_variable(self, _node: VariableNode, *_args: Any) -> None:
            nonlocal found
            found = True

    visit(value, Finder())
    return found


# Built-in scalars whose serialisation returns values of these types unchanged.
PLAIN_SCALARS: dict[GraphQLScalarType, tuple[type, ...]] = {
    GraphQLString: (str,),
    GraphQLID: (str,),
    GraphQLBoolean: (bool,),
}


def plain_types(return_type: GraphQLOutputType) -> tuple[type, ...] | None:
    """For a field of a built-in scalar type (not a list), the value types it returns as
    they are, which the executor stores without calling the completer."""
    named = get_named_type(return_type)
    if not isinstance(named, GraphQLScalarType):
        return None
    non_null_named = isinstance(return_type, GraphQLNonNull) and return_type.of_type is named
    if return_type is not named and not non_null_named:
        return None  # a list
    return PLAIN_SCALARS.get(named)


def completion_needs_info(return_type: GraphQLOutputType) -> bool:
    """True when completing the value calls code that may read Info: an abstract type's
    resolve_type, or an is_type_of that is not strawberry's own isinstance check."""
    named = get_named_type(return_type)
    if is_abstract_type(named):
        return True
    if is_object_type(named):
        is_type_of = named.is_type_of
        return is_type_of is not None and not plain_is_type_of(is_type_of)
    return False
