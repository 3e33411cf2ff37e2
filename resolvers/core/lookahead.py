"""Look-ahead: whether a query asks, below a field, for a path of fields, so a resolver
can load in one statement what a nested field would otherwise load in another."""

from __future__ import annotations

from collections.abc import Iterable

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)

from resolvers.core.context import Info


def selects(info: Info, *path: str) -> bool:
    """True when the field being resolved selects `path` (field names, through aliases,
    fragments and inline fragments). @skip and @include are not evaluated: a field they
    drop counts as selected, which costs a load nobody reads, never a missing one."""
    raw = info._raw_info
    level = [node.selection_set for node in raw.field_nodes if node.selection_set is not None]
    *parents, leaf = path
    for name in parents:
        level = [
            field.selection_set
            for field in _fields(level, raw.fragments)
            if field.name.value == name and field.selection_set is not None
        ]
    return any(field.name.value == leaf for field in _fields(level, raw.fragments))


def _fields(
    sets: Iterable[SelectionSetNode], fragments: dict[str, FragmentDefinitionNode]
) -> Iterable[FieldNode]:
    """The fields of these selection sets, fragments spread (each fragment once)."""
    seen: set[str] = set()
    pending = list(sets)
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is not None and name not in seen:
                    seen.add(name)
                    pending.append(fragment.selection_set)
