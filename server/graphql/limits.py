"""Bounds on what one GraphQL document may ask for: tokens, depth, aliases, fields, lists, cost.

`DocumentLimits` checks them before graphql-core's standard rules, in work linear in the
document's size, and stops at the first refusal: the standard rules (some of them
quadratic, such as OverlappingFieldsCanBeMerged) only ever see documents within bounds.
The same schema extensions serve HTTP and websockets.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
)
from strawberry.extensions import MaxTokensLimiter, ParserCache, SchemaExtension
from strawberry.extensions.validation_cache import _get_validate_cache

from server.graphql.document_shape import RootShape, ShapeCache, fragment_definitions
from server.graphql.query_cost import CostMeter, ListTooLong

CACHE_SIZE = 1024

ExtensionFactory = Callable[[], SchemaExtension]


def limit_extensions(
    *,
    max_depth: int,
    max_cost: int,
    max_aliases: int = 30,
    max_tokens: int = 5000,
    max_fields: int = 500,
    max_duplicates: int = 10,
    max_list_length: int = 100,
) -> list[ExtensionFactory]:
    """Schema extensions (as per-request factories) that cache and bound every document."""
    bounds = Bounds(max_depth, max_aliases, max_fields, max_duplicates, max_cost, max_list_length)
    return [
        partial(MaxTokensLimiter, max_token_count=max_tokens),
        partial(ParserCache, maxsize=CACHE_SIZE),
        partial(DocumentLimits, bounds),
        OperationNameRequired,
    ]


# What each counted limit says when a document goes over it.
_OVER = {
    "aliases": "{n} aliases found in {label}. Allowed: {max}",
    "fields": "{label} selects {n} fields (fragments expanded), over the limit of {max}.",
    "duplicates": (
        "{label} selects one field {n} times in one selection set, over the limit of {max}."
    ),
}


class Bounds:
    """The limits, and the shapes of documents already measured against them."""

    def __init__(
        self,
        max_depth: int,
        max_aliases: int,
        max_fields: int,
        max_duplicates: int,
        max_cost: int,
        max_list: int,
    ) -> None:
        self.max_depth, self.max_aliases, self.max_fields = max_depth, max_aliases, max_fields
        self.max_duplicates, self.max_cost, self.max_list_length = (
            max_duplicates,
            max_cost,
            max_list,
        )
        self.shapes = ShapeCache(CACHE_SIZE, max_fields)
        # Verdicts on operations without variables, whose cost no request can change.
        self.constant_costs: OrderedDict[tuple[str, int], GraphQLError | None] = OrderedDict()

    def shape_error(self, root: RootShape) -> GraphQLError | None:
        """The first limit a root's shape breaks, if any."""
        shape, label = root.shape, f"'{root.name}'"
        # Depth is an operation's (introspection ignored): a fragment's own depth depends on
        # where it is spread, and GraphiQL's TypeRef fragment nests `ofType` deeply.
        is_operation = isinstance(root.node, OperationDefinitionNode)
        if is_operation and shape.depth > self.max_depth:
            return GraphQLError(
                f"{label} exceeds maximum operation depth of {self.max_depth}", root.node
            )
        counts = {
            "aliases": (shape.aliases, self.max_aliases),
            "fields": (shape.fields, self.max_fields),
            "duplicates": (shape.duplicates, self.max_duplicates),
        }
        for what, (n, maximum) in counts.items():
            if n > maximum:
                text = _OVER[what].format(n=n, label=label, max=maximum)
                extensions = {what: n, f"max{what.capitalize()}": maximum}
                return GraphQLError(text, root.node, extensions=extensions)
        return None

    def cost_error(
        self,
        schema: GraphQLSchema,
        query: str,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: dict[str, Any],
    ) -> GraphQLError | None:
        """An error when the operation, with these variables, costs too much or lists too long."""
        if operation.variable_definitions or operation.loc is None:
            return self.measure_cost(schema, document, operation, variables)
        key = (query, operation.loc.start)
        costs = self.constant_costs
        if key in costs:
            costs.move_to_end(key)
            return costs[key]
        error = costs[key] = self.measure_cost(schema, document, operation, {})
        if len(costs) > CACHE_SIZE:
            costs.popitem(last=False)
        return error

    def measure_cost(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: dict[str, Any],
    ) -> GraphQLError | None:
        fragments: dict[str, FragmentDefinitionNode] = fragment_definitions(document)
        meter = CostMeter(schema, operation, variables, self.max_list_length)
        try:
            cost = meter.operation_cost(operation, fragments)
        except ListTooLong as error:
            return error.graphql_error(operation)
        if cost <= self.max_cost:
            return None
        name = operation.name.value if operation.name else "anonymous"
        return GraphQLError(
            f"Operation '{name}' has a cost of {cost}, over the limit of {self.max_cost}.",
            operation,
            extensions={"cost": cost, "maxCost": self.max_cost},
        )


class DocumentLimits(SchemaExtension):
    """Validation: the limits first, then graphql-core's rules (cached) only if all hold."""

    def __init__(self, bounds: Bounds) -> None:
        super().__init__()
        self.bounds = bounds
        self.validate = _get_validate_cache(CACHE_SIZE)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.query is not None:
            error = self.limit_error(document, context.query)
            if error is not None:
                context.pre_execution_errors = [error]
            else:
                # Setting the errors (even none) tells strawberry validation is done.
                context.pre_execution_errors = self.validate(
                    context.schema._schema, document, context.validation_rules
                )
        yield

    def limit_error(self, document: DocumentNode, query: str) -> GraphQLError | None:
        """The first limit the request breaks: shape (cached per text), then cost."""
        for root in self.bounds.shapes.get(query, document):
            if error := self.bounds.shape_error(root):
                return error
        operation = selected_operation(document, self.execution_context.operation_name)
        if operation is None:
            return None
        schema = self.execution_context.schema._schema
        variables = self.execution_context.variables
        if not isinstance(variables, dict):
            variables = {}  # not an object: graphql-core refuses it when coercing
        return self.bounds.cost_error(schema, query, document, operation, variables)


def selected_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    """The operation a request runs: the one named, or the first (as strawberry picks)."""
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            name is None or (definition.name is not None and definition.name.value == name)
        ):
            return definition
    return None


class OperationNameRequired(SchemaExtension):
    """Refuse a document of several operations sent without `operationName`."""

    # Strawberry silently runs the first operation instead (GraphQL spec: GetOperation).
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if context._provided_operation_name is None and document is not None:
            operations = sum(isinstance(d, OperationDefinitionNode) for d in document.definitions)
            if operations > 1:
                error = GraphQLError(
                    "Must provide operation name if query contains multiple operations."
                )
                context.result = ExecutionResult(data=None, errors=[error])
        yield
