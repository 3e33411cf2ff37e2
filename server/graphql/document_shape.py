"""The shape of a GraphQL document: depth, aliases and fields, after fragment expansion.

Measured in one pass over the document, each fragment once however often it is spread,
so the work is linear in the document's size (fragment fan-out would make a naive walk
exponential). Nothing here depends on a request's variables, so a shape is cached per text.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import dataclass, field, replace

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)


class WorkCounter:
    """How many nodes the limit checks have visited since the process started."""

    visited: int = 0


# Exposed so tests can prove the checks' work is linear, without timing anything.
work = WorkCounter()


@dataclass(frozen=True)
class Shape:
    """What a selection set (or a whole operation) selects, fragments expanded."""

    depth: int  # fields with selections on the deepest path, introspection ignored
    aliases: int
    fields: int
    # The most fields sharing one response name in any selection set: graphql-core's
    # OverlappingFieldsCanBeMerged compares each such group pairwise.
    duplicates: int = 0
    names: Counter[str] = field(default_factory=Counter, compare=False)


class TooManyFields(Exception):
    """A selection set past the field limit: measuring stops there, the work bounded."""

    def __init__(self, shape: Shape) -> None:
        super().__init__(shape.fields)
        self.shape = shape


EMPTY = Shape(0, 0, 0)


@dataclass(frozen=True)
class RootShape:
    """The shape of one operation or fragment definition, named as errors show it."""

    name: str
    node: OperationDefinitionNode | FragmentDefinitionNode
    shape: Shape


def fragment_definitions(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    """The document's fragments by name."""
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def spread_names(selection_set: SelectionSetNode | None) -> list[str]:
    """The fragments a selection set spreads, at any nesting."""
    names: list[str] = []
    pending = [selection_set] if selection_set else []
    while pending:
        current = pending.pop()
        for selection in current.selections:
            work.visited += 1
            if isinstance(selection, FragmentSpreadNode):
                names.append(selection.name.value)
            elif isinstance(selection, (FieldNode, InlineFragmentNode)) and selection.selection_set:
                pending.append(selection.selection_set)
    return names


def dependency_order(fragments: dict[str, FragmentDefinitionNode]) -> list[str]:
    """Fragment names, each after every fragment it spreads (cycles broken anywhere)."""
    # Iterative, so a long chain of fragments cannot exhaust Python's recursion limit.
    order: list[str] = []
    state: dict[str, bool] = {}  # False while on the stack, True once ordered
    for root in fragments:
        if root in state:
            continue
        state[root] = False
        stack = [(root, iter(spread_names(fragments[root].selection_set)))]
        while stack:
            name, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                state[name] = True
                order.append(name)
            elif child in fragments and child not in state:
                state[child] = False
                stack.append((child, iter(spread_names(fragments[child].selection_set))))
    return order


class ShapeMeter:
    """Measures selection sets, reusing each fragment's shape once it is known."""

    def __init__(self, max_fields: int) -> None:
        self.max_fields = max_fields
        self.fragments: dict[str, Shape] = {}

    def selection_set(self, selection_set: SelectionSetNode | None) -> Shape:
        if selection_set is None:
            return EMPTY
        depth = aliases = fields = duplicates = 0
        names: Counter[str] = Counter()
        spread: set[str] = set()
        for selection in selection_set.selections:
            work.visited += 1
            if isinstance(selection, FieldNode):
                child = self.selection_set(selection.selection_set)
                fields += 1
                aliases += selection.alias is not None
                names[(selection.alias or selection.name).value] += 1
                # Introspection is ignored for depth: GraphiQL's own query nests deeply.
                if selection.selection_set and not selection.name.value.startswith("__"):
                    depth = max(depth, 1 + child.depth)
            else:
                if isinstance(selection, InlineFragmentNode):
                    child = self.selection_set(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    # Unknown or cyclic spreads count nothing: the standard rules refuse them.
                    child = self.fragments.get(selection.name.value, EMPTY)
                else:
                    continue
                depth = max(depth, child.depth)
                # graphql-core compares a fragment spread twice in one set only once.
                if (
                    not isinstance(selection, FragmentSpreadNode)
                    or selection.name.value not in spread
                ):
                    names.update(child.names)
                if isinstance(selection, FragmentSpreadNode):
                    spread.add(selection.name.value)
            aliases += child.aliases
            fields += child.fields
            duplicates = max(duplicates, child.duplicates)
            if fields > self.max_fields:
                # Stop before merging more: every merge above is paid for by counted fields.
                raise TooManyFields(Shape(depth, aliases, fields, duplicates))
        duplicates = max(duplicates, max(names.values(), default=0))
        return Shape(depth, aliases, fields, duplicates, names)


def measure_document(document: DocumentNode, max_fields: int) -> list[RootShape]:
    """The shape of every operation and fragment definition, up to the first too large."""
    fragments = fragment_definitions(document)
    meter = ShapeMeter(max_fields)
    roots: list[RootShape] = []
    pending: list[tuple[str, OperationDefinitionNode | FragmentDefinitionNode]] = [
        (name, fragments[name]) for name in dependency_order(fragments)
    ]
    pending += [
        (d.name.value if d.name else "anonymous", d)
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    ]
    for name, definition in pending:
        try:
            shape = meter.selection_set(definition.selection_set)
        except TooManyFields as error:
            roots.append(RootShape(name, definition, error.shape))
            break
        if isinstance(definition, FragmentDefinitionNode):
            meter.fragments[name] = shape
        # The names were needed only while measuring; cached shapes keep the counts.
        roots.append(RootShape(name, definition, replace(shape, names=Counter())))
    return roots


class ShapeCache:
    """A bounded LRU of document shapes keyed by the query text."""

    def __init__(self, maxsize: int, max_fields: int) -> None:
        self.maxsize, self.max_fields = maxsize, max_fields
        self.entries: OrderedDict[str, list[RootShape]] = OrderedDict()

    def get(self, query: str, document: DocumentNode) -> list[RootShape]:
        """The document's shapes, measured once per text."""
        shapes = self.entries.get(query)
        if shapes is None:
            shapes = self.entries[query] = measure_document(document, self.max_fields)
            if len(self.entries) > self.maxsize:
                self.entries.popitem(last=False)
        else:
            self.entries.move_to_end(query)
        return shapes
