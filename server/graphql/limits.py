"""Bounds on what one GraphQL document may ask for: size, depth, aliases and cost.

Every limit is a validation rule or a parse option, so an oversized document fails before
any resolver runs, and its verdict is cached with the rest of validation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
)
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

CACHE_SIZE = 1024
# What `first: $n` counts as when the document gives $n no default: validation is cached
# per document, so the request's own variables must not decide it (resolvers cap pages).
DEFAULT_PAGE_SIZE = 100
PAGE_ARGUMENTS = ("first", "last")

ExtensionFactory = Callable[[], SchemaExtension]


def limit_extensions(
    *, max_depth: int, max_cost: int, max_aliases: int = 30, max_tokens: int = 5000
) -> list[ExtensionFactory]:
    """Schema extensions (as per-request factories) that cache and bound every document."""
    # The limiters build a new rule class per instance; built once here, the rule tuple
    # stays identical across requests, which is what ValidationCache keys on.
    rules = [
        *QueryDepthLimiter(max_depth=max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
        query_cost_rule(max_cost),
    ]
    return [
        partial(MaxTokensLimiter, max_token_count=max_tokens),
        partial(ParserCache, maxsize=CACHE_SIZE),
        partial(AddValidationRules, rules),
        partial(ValidationCache, maxsize=CACHE_SIZE),
        OperationNameRequired,
    ]


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


def query_cost_rule(max_cost: int) -> type[ValidationRule]:
    """A validation rule failing any operation whose cost exceeds `max_cost`."""

    class QueryCostRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            definitions = context.document.definitions
            fragments = {
                d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)
            }
            for operation in definitions:
                if not isinstance(operation, OperationDefinitionNode):
                    continue
                defaults = variable_defaults(operation)
                cost = selection_cost(operation.selection_set, fragments, defaults, {})
                if cost > max_cost:
                    name = operation.name.value if operation.name else "anonymous"
                    context.report_error(
                        GraphQLError(
                            f"Operation '{name}' has a cost of {cost}, "
                            f"over the limit of {max_cost}.",
                            operation,
                            extensions={"cost": cost, "maxCost": max_cost},
                        )
                    )

        def enter_document(self, *_args: Any) -> Any:
            # All the work is done from the document in __init__.
            return self.BREAK

    return QueryCostRule


def variable_defaults(operation: OperationDefinitionNode) -> dict[str, int]:
    """The integer default values the operation declares for its variables."""
    return {
        d.variable.name.value: int(d.default_value.value)
        for d in operation.variable_definitions or ()
        if isinstance(d.default_value, IntValueNode)
    }


def selection_cost(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    defaults: dict[str, int],
    fragment_costs: dict[str, int | None],
) -> int:
    """Each field costs 1, plus its selections times its page size."""
    if selection_set is None:
        return 0
    cost = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            children = selection_cost(selection.selection_set, fragments, defaults, fragment_costs)
            cost += 1 + page_size(selection, defaults) * children
        elif isinstance(selection, InlineFragmentNode):
            cost += selection_cost(selection.selection_set, fragments, defaults, fragment_costs)
        elif isinstance(selection, FragmentSpreadNode):
            cost += fragment_cost(selection.name.value, fragments, defaults, fragment_costs)
    return cost


def fragment_cost(
    name: str,
    fragments: dict[str, FragmentDefinitionNode],
    defaults: dict[str, int],
    fragment_costs: dict[str, int | None],
) -> int:
    """A fragment's cost, computed once per operation however often it is spread."""
    if name in fragment_costs:
        # None marks a fragment still being computed: a cycle, reported by the standard rules.
        return fragment_costs[name] or 0
    fragment = fragments.get(name)
    if fragment is None:
        return 0
    fragment_costs[name] = None
    cost = selection_cost(fragment.selection_set, fragments, defaults, fragment_costs)
    fragment_costs[name] = cost
    return cost


def page_size(field: FieldNode, defaults: dict[str, int]) -> int:
    """The `first`/`last` argument of a field, or 1 when it has none."""
    for argument in field.arguments or ():
        if argument.name.value not in PAGE_ARGUMENTS:
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return max(int(value.value), 0)
        if isinstance(value, VariableNode):
            return max(defaults.get(value.name.value, DEFAULT_PAGE_SIZE), 0)
    return 1
