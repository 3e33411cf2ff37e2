"""Plans cached by document text and operation, bounded (least recently used goes first).

A plan depends on the document and on the values of the variables that @skip/@include
read, so each cached operation keeps a few plans, one per such set of values.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from graphql import (
    DirectiveNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    VariableNode,
)
from graphql.execution import Executor
from graphql.execution.collect_fields import collect_fields
from graphql.language import Visitor, visit

from server.graphql.compiled.plan import SelectionPlan, selection_plan

# Introspection is rare and graphql-core's own resolvers serve it: not worth a plan.
INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
CONDITIONS = frozenset({"skip", "include"})
# Plans kept per operation for different @skip/@include variable values.
PLANS_PER_OPERATION = 8


class OperationPlans:
    """The plans of one operation, or the fact that it is not compiled."""

    __slots__ = ("compiled", "condition_variables", "roots")

    def __init__(self, compiled: bool, condition_variables: tuple[str, ...]) -> None:
        self.compiled = compiled
        self.condition_variables = condition_variables
        self.roots: dict[tuple[Any, ...], SelectionPlan | None] = {}


class PlanCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self.operations: OrderedDict[tuple[str, int], OperationPlans] = OrderedDict()

    def root(self, executor: Executor) -> SelectionPlan | None:
        """The root plan of the executor's query, built on first use; None when graphql-core
        must run it."""
        operation = executor.operation
        assert operation.loc is not None
        key = (operation.loc.source.body, operation.loc.start)
        operations = self.operations
        entry = operations.get(key)
        if entry is None:
            entry = operations[key] = examine(operation, executor)
            if len(operations) > self.size:
                operations.popitem(last=False)
        else:
            operations.move_to_end(key)
        if not entry.compiled:
            return None
        coerced = executor.variable_values.coerced
        conditions = tuple(coerced.get(name) for name in entry.condition_variables)
        roots = entry.roots
        if conditions in roots:
            return roots[conditions]
        try:
            root = root_plan(executor)
        except (RecursionError, GraphQLError):
            return None  # graphql-core reports it (too deep, or a bad @skip/@include value)
        if len(roots) < PLANS_PER_OPERATION:
            roots[conditions] = root
        return root


def examine(operation: OperationDefinitionNode, executor: Executor) -> OperationPlans:
    """Whether the compiler handles this operation, and which variables its plan reads."""
    if operation.directives:
        return OperationPlans(False, ())  # e.g. @experimental_disable_error_propagation
    fragments = [details.definition for details in executor.fragments.values()]
    if any(fragment.variable_definitions for fragment in fragments):
        return OperationPlans(False, ())
    variables: list[str] = []
    supported = True

    class Conditions(Visitor):
        def enter_directive(self, node: DirectiveNode, *_args: Any) -> None:
            nonlocal supported
            if node.name.value not in CONDITIONS:
                supported = False  # @defer, @stream or a schema directive
                return
            for argument in node.arguments or ():
                if isinstance(argument.value, VariableNode):
                    name = argument.value.name.value
                    if name not in variables:
                        variables.append(name)

    definitions: list[OperationDefinitionNode | FragmentDefinitionNode] = [operation, *fragments]
    for definition in definitions:
        visit(definition.selection_set, Conditions())
    return OperationPlans(supported, tuple(variables))


def root_plan(executor: Executor) -> SelectionPlan | None:
    root_type = executor.schema.query_type
    if root_type is None:
        return None
    collected = collect_fields(
        executor.schema,
        executor.fragments,
        executor.variable_values,
        root_type,
        executor.operation,
        executor.hide_suggestions,
    )
    grouped = collected.grouped_field_set
    if any(details[0].node.name.value in INTROSPECTION_FIELDS for details in grouped.values()):
        return None
    return selection_plan(executor.schema, root_type, grouped)
