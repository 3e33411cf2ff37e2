"""What one request's operation costs, with its variables, and how long its lists are.

Each field costs 1, plus the items of its list arguments, plus its selections times its
page size (`first`/`last`) or, for a field returning a list, the length of its list
argument (`nodes(ids:)`). Each fragment is costed once, so the work is linear.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_input_type,
    is_list_type,
    value_from_ast_untyped,
)
from graphql.utilities import type_from_ast

from server.graphql.document_shape import dependency_order, work

# What `first: $n` counts as at least when $n has no default: the document's verdict must
# hold for any request, and resolvers treat a missing page size as a full page.
DEFAULT_PAGE_SIZE = 100
PAGE_ARGUMENTS = ("first", "last")


class ListTooLong(Exception):
    """A list argument (or a list inside an input argument) over the length limit."""

    def __init__(self, path: str, length: int, limit: int) -> None:
        super().__init__(path)
        self.path, self.length, self.limit = path, length, limit

    def graphql_error(self, node: Any) -> GraphQLError:
        return GraphQLError(
            f"'{self.path}' has {self.length} items, over the limit of {self.limit}.",
            node,
            extensions={"field": self.path, "length": self.length, "maxLength": self.limit},
        )


@dataclass
class Variable:
    """A declared variable: its type, its request value (if sent) and its default."""

    type: GraphQLInputType | None
    value: Any
    default_page: int  # its integer default, or DEFAULT_PAGE_SIZE


class CostMeter:
    """Costs one operation of a document against the schema and the request's variables."""

    def __init__(
        self,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        variables: dict[str, Any],
        max_list_length: int,
    ) -> None:
        self.schema = schema
        self.max_list_length = max_list_length
        self.variables = declared_variables(schema, operation, variables)
        self.variable_items: dict[str, int] = {}
        self.fragments: dict[str, int] = {}

    def operation_cost(
        self, operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
    ) -> int:
        """The operation's cost; raises ListTooLong on the first over-long list."""
        for name in dependency_order(fragments):
            fragment = fragments[name]
            parent = self.schema.get_type(fragment.type_condition.name.value)
            self.fragments[name] = self.selection_set(fragment.selection_set, parent)
        root = self.schema.get_root_type(operation.operation)
        return self.selection_set(operation.selection_set, root)

    def selection_set(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None
    ) -> int:
        if selection_set is None:
            return 0
        cost = 0
        for selection in selection_set.selections:
            work.visited += 1
            if isinstance(selection, FieldNode):
                cost += self.field_cost(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                cost += self.selection_set(selection.selection_set, inner)
            elif isinstance(selection, FragmentSpreadNode):
                cost += self.fragments.get(selection.name.value, 0)
        return cost

    def field_cost(self, field: FieldNode, parent: GraphQLNamedType | None) -> int:
        definition = None
        if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
            definition = parent.fields.get(field.name.value)
        items, page, lengths = 0, None, []
        for argument in field.arguments or ():
            name = argument.name.value
            argument_def = definition.args.get(name) if definition else None
            arg_type = argument_def.type if argument_def else None
            items += self.value_items(argument.value, arg_type, name)
            if name in PAGE_ARGUMENTS:
                page = self.page_size(argument.value)
            elif arg_type is not None and is_list_type(get_nullable_type(arg_type)):
                lengths.append(self.list_length(argument.value))
        child_type = get_named_type(definition.type) if definition else None
        children = self.selection_set(field.selection_set, child_type)
        if page is None:
            # `nodes(ids:)` returns one item per id: its list is its page.
            returns_list = definition is not None and is_list_type(
                get_nullable_type(definition.type)
            )
            page = max(lengths) if returns_list and lengths else 1
        return 1 + items + page * children

    def page_size(self, value: ValueNode) -> int:
        """A page argument's size: a literal, or a variable's value or default, the larger."""
        if isinstance(value, IntValueNode):
            return max(int(value.value), 0)
        if isinstance(value, VariableNode):
            variable = self.variables.get(value.name.value)
            if variable is None:
                return DEFAULT_PAGE_SIZE
            sent = variable.value if is_int(variable.value) else 0
            return max(sent, variable.default_page, 0)
        return 1

    def list_length(self, value: ValueNode) -> int:
        if isinstance(value, ListValueNode):
            return len(value.values)
        if isinstance(value, VariableNode):
            variable = self.variables.get(value.name.value)
            if variable is not None and isinstance(variable.value, list):
                return len(variable.value)
        return 1

    def value_items(self, value: ValueNode, type_: GraphQLInputType | None, path: str) -> int:
        """The list items within an argument's value, refusing any list over the limit."""
        work.visited += 1
        if isinstance(value, VariableNode):
            return self.variable_value_items(value.name.value, path)
        nullable = get_nullable_type(type_) if type_ is not None else None
        if isinstance(value, ListValueNode):
            if nullable is not None and not isinstance(nullable, GraphQLList):
                return 0  # a list literal for a scalar (JSON) is not a GraphQL list
            self.check_length(path, len(value.values))
            item_type = nullable.of_type if isinstance(nullable, GraphQLList) else None
            return len(value.values) + sum(
                self.value_items(item, item_type, path) for item in value.values
            )
        if isinstance(value, ObjectValueNode):
            fields = nullable.fields if isinstance(nullable, GraphQLInputObjectType) else {}
            return sum(
                self.value_items(
                    f.value,
                    fields[f.name.value].type if f.name.value in fields else None,
                    f"{path}.{f.name.value}",
                )
                for f in value.fields
            )
        return 0

    def variable_value_items(self, name: str, path: str) -> int:
        """A variable's list items, counted once however often it is used."""
        if name not in self.variable_items:
            variable = self.variables.get(name)
            items = 0
            if variable is not None and variable.type is not None:
                try:
                    items = self.json_items(variable.value, variable.type, "")
                except ListTooLong as error:
                    raise ListTooLong(path + error.path, error.length, error.limit) from None
            self.variable_items[name] = items
        return self.variable_items[name]

    def json_items(self, value: Any, type_: GraphQLInputType, path: str) -> int:
        """The list items within a variable's JSON value, walked along its declared type."""
        work.visited += 1
        nullable = get_nullable_type(type_)
        if isinstance(nullable, GraphQLList):
            if not isinstance(value, list):
                return 0  # null, or one item that GraphQL coerces to a list of one
            self.check_length(path, len(value))
            return len(value) + sum(self.json_items(v, nullable.of_type, path) for v in value)
        if isinstance(nullable, GraphQLInputObjectType) and isinstance(value, dict):
            fields = nullable.fields
            return sum(
                self.json_items(v, fields[k].type, f"{path}.{k}")
                for k, v in value.items()
                if k in fields
            )
        return 0

    def check_length(self, path: str, length: int) -> None:
        if length > self.max_list_length:
            raise ListTooLong(path, length, self.max_list_length)


def declared_variables(
    schema: GraphQLSchema, operation: OperationDefinitionNode, values: dict[str, Any]
) -> dict[str, Variable]:
    """The operation's variables with the value this request gives each (or its default)."""
    declared: dict[str, Variable] = {}
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        default = definition.default_value
        type_ = type_from_ast(schema, definition.type)
        value = values.get(name)
        if name not in values and default is not None:
            value = value_from_ast_untyped(default)
        declared[name] = Variable(
            type=type_ if is_input_type(type_) else None,
            value=value,
            default_page=(
                int(default.value) if isinstance(default, IntValueNode) else DEFAULT_PAGE_SIZE
            ),
        )
    return declared


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
