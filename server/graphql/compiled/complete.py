"""Completers: one function per return type, built once, doing what graphql-core's
`complete_value` decides again for every value (non-null, list, leaf, object, abstract).

A completer is called as `complete(executor, field, info, path, result)`; `info` is None
when nothing in the completion can read it. Errors are raised, as graphql-core raises
them, for the field (or list item) being completed to locate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from graphql import (
    GraphQLAbstractType,
    GraphQLError,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.pyutils import Path, Undefined, inspect, is_iterable


class Runtime(Protocol):
    """What completers need of the executor running them."""

    type_resolver: Any

    def is_awaitable(self, value: Any) -> bool: ...
    def is_async_iterable(self, value: Any) -> bool: ...
    def ensure_valid_runtime_type(
        self,
        runtime_type_name: Any,
        return_type: GraphQLAbstractType,
        field_details_list: Any,
        info: Any,
        result: Any,
    ) -> GraphQLObjectType: ...
    def core_list(
        self, return_type: GraphQLList[Any], field: Any, info: Any, path: Path, result: Any
    ) -> Any: ...
    def complete_items(
        self,
        complete: Any,
        item_type: GraphQLOutputType,
        item_non_null: bool,
        field: Any,
        info: Any,
        path: Path,
        items: Any,
    ) -> Any: ...
    def complete_object(
        self, runtime_type: GraphQLObjectType, field: Any, info: Any, path: Path, result: Any
    ) -> Any: ...
    def complete_abstract_later(
        self,
        return_type: GraphQLAbstractType,
        field: Any,
        info: Any,
        path: Path,
        result: Any,
        name: Any,
    ) -> Any: ...


# `field` is the FieldPlan being completed (plan.py), passed through to the runtime.
Completer = Callable[[Runtime, Any, GraphQLResolveInfo | None, Path, Any], Any]

# Lists and tuples are iterable and never async iterables: skip both checks for them.
PLAIN_SEQUENCES = (list, tuple)


def completer_for(return_type: GraphQLOutputType, coordinate: str) -> Completer:
    """The completer of `return_type` for the field at `coordinate` ("Type.field")."""
    if is_non_null_type(return_type):
        assert isinstance(return_type, GraphQLNonNull)
        return non_null(completer_for(return_type.of_type, coordinate), coordinate)
    if is_list_type(return_type):
        assert isinstance(return_type, GraphQLList)
        return list_of(return_type, completer_for(return_type.of_type, coordinate), coordinate)
    if is_leaf_type(return_type):
        return leaf(return_type)
    if is_abstract_type(return_type):
        return abstract(return_type)
    if is_object_type(return_type):
        return object_of(return_type)
    raise TypeError(f"Cannot complete value of unexpected output type: '{return_type}'.")


def non_null(inner: Completer, coordinate: str) -> Completer:
    message = f"Cannot return null for non-nullable field {coordinate}."

    def complete(ex: Runtime, field: Any, info: Any, path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        completed = inner(ex, field, info, path, result)
        if completed is None:
            raise TypeError(message)
        return completed

    return complete


def leaf(return_type: GraphQLLeafType) -> Completer:
    coerce = return_type.coerce_output_value

    def complete(_ex: Runtime, _field: Any, _info: Any, _path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            return None
        coerced = coerce(result)
        if coerced is Undefined or coerced is None:
            raise TypeError(
                f"Expected `{inspect(return_type)}.coerce_output_value("
                f"{inspect(result)})` to return non-nullable value, returned:"
                f" {inspect(coerced)}"
            )
        return coerced

    return complete


def list_of(return_type: GraphQLList[Any], item: Completer, coordinate: str) -> Completer:
    item_type = return_type.of_type
    item_non_null = is_non_null_type(item_type)
    message = f"Expected Iterable, but did not find one for field '{coordinate}'."

    def complete(ex: Runtime, field: Any, info: Any, path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            return None
        if type(result) not in PLAIN_SEQUENCES:
            if ex.is_async_iterable(result):
                return ex.core_list(return_type, field, info, path, result)
            if not is_iterable(result):
                raise GraphQLError(message)
        return ex.complete_items(item, item_type, item_non_null, field, info, path, result)

    return complete


def object_of(return_type: GraphQLObjectType) -> Completer:
    def complete(ex: Runtime, field: Any, info: Any, path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            return None
        return ex.complete_object(return_type, field, info, path, result)

    return complete


def abstract(return_type: GraphQLAbstractType) -> Completer:
    # Runtime type names already checked against this abstract type (schema facts).
    checked: dict[str, GraphQLObjectType] = {}

    def complete(ex: Runtime, field: Any, info: Any, path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            return None
        resolve_type = return_type.resolve_type or ex.type_resolver
        name = resolve_type(result, info, return_type)
        if ex.is_awaitable(name):
            return ex.complete_abstract_later(return_type, field, info, path, result, name)
        runtime_type = checked.get(name) if isinstance(name, str) else None
        if runtime_type is None:
            runtime_type = ex.ensure_valid_runtime_type(
                name, return_type, field.details, info, result
            )
            checked[runtime_type.name] = runtime_type
        return ex.complete_object(runtime_type, field, info, path, result)

    return complete


def plain_is_type_of(is_type_of: Callable[..., Any]) -> bool:
    """True for the is_type_of strawberry generates (an isinstance check that ignores
    Info), which the executor may call without building an Info."""
    return (
        getattr(is_type_of, "__module__", None) == "strawberry.schema.schema_converter"
        and getattr(is_type_of, "__name__", None) == "is_type_of"
    )
