"""The executor strawberry runs documents with: compiled plans for queries, graphql-core's
own execution for everything else.

Run-time behaviour follows graphql-core's `Executor` line by line where it is observable:
fields run in document order, sibling awaitables and list items are gathered concurrently
(dataloaders batch across them), errors are located with path and nodes, and a null in a
non-null position propagates to the nearest nullable parent.
"""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Generator, Iterable
from functools import partial
from types import CoroutineType
from typing import Any

from graphql import (
    ExecutionResult,
    GraphQLAbstractType,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    located_error,
)
from graphql.execution import Executor
from graphql.execution.collect_fields import collect_subfields
from graphql.execution.executor import collect_iterator_awaitables, invalid_return_type_error
from graphql.execution.values import get_argument_values
from graphql.language import FieldNode, OperationType
from graphql.pyutils import Path, gather_with_cancel

from server.graphql.acyclic import AcyclicExecutionContext
from server.graphql.compiled.cache import PlanCache
from server.graphql.compiled.crosscheck import Recording, crosschecked
from server.graphql.compiled.plan import FieldPlan, SelectionPlan, selection_plan

PLAN_CACHE_SIZE = 512


def step(coroutine: CoroutineType[Any, Any, Any]) -> Any:
    """A resolver's coroutine run up to its first wait: its value when it never waits (a
    primed dataloader answers at once), else an awaitable that continues it.

    Gathered unstarted, each such coroutine would cost a Task and a turn of the event
    loop; a page of 20 entries has 20 `tags` resolvers whose loader the page primed.
    Dataloaders still batch: a coroutine waiting on `load` suspends before the loader
    dispatches, which happens on the loop's next turn, after its siblings have asked.
    As in a Task, the coroutine runs in a copy of the context, so a context variable it
    sets (a tracing span) stays its own.
    """
    context = contextvars.copy_context()
    try:
        waiting_on = context.run(coroutine.send, None)
    except StopIteration as finished:
        return finished.value
    return Resumed(coroutine, context, taken(waiting_on))


def taken(waiting_on: Any) -> Any:
    """What a coroutine yielded, taken as a Task takes it: a sibling may await the same
    future (one cached load) before any Task has run, which asyncio refuses while the
    future is marked as blocking."""
    if getattr(waiting_on, "_asyncio_future_blocking", None):
        waiting_on._asyncio_future_blocking = False
    return waiting_on


class Resumed:
    """A started coroutine, awaitable as if it were not: the awaiting Task waits on what
    the coroutine waits on (a Task cancels that future to cancel it, which the coroutine
    then sees), and each step runs in the coroutine's own context, as a Task's would."""

    __slots__ = ("context", "coroutine", "waiting_on")

    def __init__(
        self, coroutine: CoroutineType[Any, Any, Any], context: contextvars.Context, waiting_on: Any
    ) -> None:
        self.coroutine = coroutine
        self.context = context
        self.waiting_on = waiting_on

    def __await__(self) -> Generator[Any, None, Any]:
        coroutine, run, waiting_on = self.coroutine, self.context.run, self.waiting_on
        while True:
            if getattr(waiting_on, "_asyncio_future_blocking", None) is not None:
                waiting_on._asyncio_future_blocking = True  # handed on, as Future.__await__ does
            try:
                yield waiting_on
            except GeneratorExit:
                coroutine.close()
                raise
            except BaseException as thrown:  # from the Task: passed on, as `yield from` does
                next_step = partial(coroutine.throw, thrown)
            else:
                next_step = partial(coroutine.send, None)
            try:
                waiting_on = taken(run(next_step))
            except StopIteration as finished:
                return finished.value
            finally:
                # A thrown-in exception's traceback holds this frame: no cycle through it.
                del next_step


class CompiledExecutor(AcyclicExecutionContext):
    """Runs queries from cached plans; `executor_class()` gives each schema its own cache."""

    plans: PlanCache = PlanCache(PLAN_CACHE_SIZE)
    crosscheck: bool = False
    # What the resolvers answered, kept for the cross-check's replay (None: not checking).
    recording: Recording | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The reference run of the cross-check is built from the same arguments.
        self.init_arguments = (args, kwargs)

    def execute_operation(self, serially: bool | None = None) -> Any:
        root = self.root_plan() if serially is None else None
        if root is None:
            return super().execute_operation(serially)
        if not self.crosscheck:
            return self.execute_root(root)
        self.recording = Recording(self.is_awaitable)
        result = self.execute_root(root)
        args, kwargs = self.init_arguments
        reference = AcyclicExecutionContext(*args, **kwargs)
        return crosschecked(result, self.recording, reference, self.operation)

    def root_plan(self) -> SelectionPlan | None:
        """The plan of this query for these variables, or None to run it on graphql-core."""
        operation = self.operation
        if operation.operation is not OperationType.QUERY or operation.loc is None:
            return None
        if self.middleware_manager is not None and self.middleware_manager.middlewares:
            return None  # middleware wraps every resolver, default ones included
        if self.abort_signal is not None or self.hooks is not None:
            return None
        return self.plans.root(self)

    def execute_root(self, root: SelectionPlan) -> Any:
        """graphql-core's `execute_operation` for a query, from the plan. The base class's
        `build_response` is the one that applies: a compiled query has no incremental work."""
        try:
            result = self.run_fields(root, self.root_value, None)
            if self.is_awaitable(result):
                return self.finish_later(result)
        except Exception as error:
            return self.response_without_data(error)
        return Executor.build_response(self, result)

    async def finish_later(self, result: Awaitable[dict[str, Any]]) -> ExecutionResult:
        try:
            data = await result
        except Exception as error:
            return self.response_without_data(error)
        return Executor.build_response(self, data)  # type: ignore[return-value]

    def response_without_data(self, error: Exception) -> ExecutionResult:
        """A null propagated to the root: no data (anything but a field error is a bug)."""
        if not isinstance(error, GraphQLError):
            raise error
        self.collected_errors.add(error, None)
        return Executor.build_response(self, None)  # type: ignore[return-value]

    def run_fields(self, plan: SelectionPlan, source: Any, path: Path | None) -> Any:
        """graphql-core's `execute_fields`: each field in order, awaitables gathered."""
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        pending: list[str] = []
        type_name = plan.type_name
        try:
            for field in plan.fields:
                name = field.response_name
                if field.typename is not None:
                    results[name] = field.typename
                    continue
                if field.plain is not None:
                    # An attribute of a built-in scalar type: a str or bool is its own
                    # serialisation, and nothing needs a path unless it fails.
                    try:
                        value = getattr(source, field.attr)  # type: ignore[arg-type]
                    except Exception as raw_error:
                        field_path = Path(path, name, type_name)
                        self.field_error(raw_error, field.return_type, field.nodes, field_path)
                        results[name] = None
                        continue
                    if type(value) in field.plain:
                        results[name] = value
                        continue
                    result = self.complete_field(field, None, Path(path, name, type_name), value)
                else:
                    result = self.run_field(field, source, Path(path, name, type_name))
                results[name] = result
                if is_awaitable(result):
                    pending.append(name)
        except Exception:
            if pending:
                self.settle_in_background([results[name] for name in pending])
            raise
        if not pending:
            return results
        return gather_fields(results, pending)

    def run_field(self, field: FieldPlan, source: Any, path: Path) -> Any:
        """graphql-core's `execute_field`, reading plain attributes without Info."""
        info = (
            self.build_resolve_info(field.field_def, field.nodes, field.parent_type, path)
            if field.needs_info
            else None
        )
        try:
            if field.attr is not None:
                result = getattr(source, field.attr)
            else:
                args = field.args
                if args is None:
                    args = get_argument_values(
                        field.field_def,
                        field.node,
                        self.variable_values,
                        field.details[0].fragment_variable_values,
                        self.hide_suggestions,
                    )
                resolve = field.resolve or self.field_resolver
                if self.recording is None:
                    result = resolve(source, info, **args)
                else:
                    result = self.recording.call(resolve, source, info, args, path)
        except Exception as raw_error:
            self.field_error(raw_error, field.return_type, field.nodes, path)
            return None
        return self.complete_field(field, info, path, result)

    def complete_field(
        self, field: FieldPlan, info: GraphQLResolveInfo | None, path: Path, result: Any
    ) -> Any:
        """The rest of `execute_field` once the resolver has answered."""
        try:
            if type(result) is CoroutineType:
                result = step(result)
            if self.is_awaitable(result):
                return self.complete_later(field, info, path, result)
            completed = field.complete(self, field, info, path, result)
            if self.is_awaitable(completed):
                return self.await_completed(field.return_type, field, path, completed)
        except Exception as raw_error:
            self.field_error(raw_error, field.return_type, field.nodes, path)
            return None
        return completed

    async def complete_later(
        self, field: FieldPlan, info: GraphQLResolveInfo | None, path: Path, result: Any
    ) -> Any:
        try:
            completed = field.complete(self, field, info, path, await result)
            if self.is_awaitable(completed):
                completed = await completed
        except Exception as raw_error:
            self.field_error(raw_error, field.return_type, field.nodes, path)
            return None
        return completed

    async def await_completed(
        self, return_type: GraphQLOutputType, field: FieldPlan, path: Path, completed: Any
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.field_error(raw_error, return_type, field.nodes, path)
            return None

    def field_error(
        self,
        raw_error: Exception,
        return_type: GraphQLOutputType,
        nodes: list[FieldNode],
        path: Path,
    ) -> None:
        """graphql-core's `handle_field_error`: raise past a non-null position, else record."""
        error = located_error(raw_error, nodes, path.as_list())
        if self.error_propagation and isinstance(return_type, GraphQLNonNull):
            raise error
        self.collected_errors.add(error, path)

    def complete_items(
        self,
        complete: Any,
        item_type: GraphQLOutputType,
        item_non_null: bool,
        field: FieldPlan,
        info: GraphQLResolveInfo | None,
        path: Path,
        items: Iterable[Any],
    ) -> Any:
        """graphql-core's `complete_iterable_value` (no @stream: those documents fall back)."""
        is_awaitable = self.is_awaitable
        completed: list[Any] = []
        append = completed.append
        pending: list[int] = []
        iterator = iter(items)
        index = 0
        try:
            for item in iterator:
                item_path = Path(path, index, None)
                if is_awaitable(item):
                    append(
                        self.complete_item_later(complete, item_type, field, info, item_path, item)
                    )
                    pending.append(index)
                else:
                    try:
                        value = complete(self, field, info, item_path, item)
                        if is_awaitable(value):
                            append(self.await_completed(item_type, field, item_path, value))
                            pending.append(index)
                        else:
                            append(value)
                    except Exception as raw_error:
                        self.field_error(raw_error, item_type, field.nodes, item_path)
                        append(None)
                index += 1
        except Exception:
            awaitables = [completed[i] for i in pending]
            awaitables.extend(collect_iterator_awaitables(iterator, is_awaitable))
            if awaitables:
                self.settle_in_background(awaitables)
            raise
        if not pending:
            return completed
        return gather_items(completed, pending)

    async def complete_item_later(
        self,
        complete: Any,
        item_type: GraphQLOutputType,
        field: FieldPlan,
        info: GraphQLResolveInfo | None,
        path: Path,
        item: Any,
    ) -> Any:
        try:
            value = complete(self, field, info, path, await item)
            if self.is_awaitable(value):
                value = await value
        except Exception as raw_error:
            self.field_error(raw_error, item_type, field.nodes, path)
            return None
        return value

    def complete_object(
        self,
        runtime_type: GraphQLObjectType,
        field: FieldPlan,
        info: GraphQLResolveInfo | None,
        path: Path,
        result: Any,
    ) -> Any:
        """graphql-core's `complete_object_value`, with the sub-selection planned once."""
        is_type_of = runtime_type.is_type_of
        if is_type_of is not None:
            matches = is_type_of(result, info)  # type: ignore[arg-type]  # None: plain check
            if self.is_awaitable(matches):
                return self.complete_object_later(runtime_type, field, path, result, matches)
            if not matches:
                raise invalid_return_type_error(runtime_type, result, field.details)
        plan = field.selections.get(runtime_type) or self.selection(field, runtime_type)
        return self.run_fields(plan, result, path)

    async def complete_object_later(
        self,
        runtime_type: GraphQLObjectType,
        field: FieldPlan,
        path: Path,
        result: Any,
        matches: Awaitable[bool],
    ) -> Any:
        if not await matches:
            raise invalid_return_type_error(runtime_type, result, field.details)
        plan = field.selections.get(runtime_type) or self.selection(field, runtime_type)
        value = self.run_fields(plan, result, path)
        return await value if self.is_awaitable(value) else value

    async def complete_abstract_later(
        self,
        return_type: GraphQLAbstractType,
        field: FieldPlan,
        info: GraphQLResolveInfo | None,
        path: Path,
        result: Any,
        name: Awaitable[Any],
    ) -> Any:
        runtime_type = self.ensure_valid_runtime_type(
            await name,
            return_type,
            field.details,
            info,  # type: ignore[arg-type]
            result,
        )
        value = self.complete_object(runtime_type, field, info, path, result)
        return await value if self.is_awaitable(value) else value

    def selection(self, field: FieldPlan, runtime_type: GraphQLObjectType) -> SelectionPlan:
        """The sub-selection plan of `field` on `runtime_type`, collected as graphql-core
        does, kept on the field for every later value of that type."""
        collected = collect_subfields(
            self.schema,
            self.fragments,
            self.variable_values,
            self.operation,
            runtime_type,
            field.details,
            self.hide_suggestions,
        )
        plan = selection_plan(self.schema, runtime_type, collected.grouped_field_set)
        field.selections[runtime_type] = plan
        return plan

    def core_list(
        self,
        return_type: GraphQLList[Any],
        field: FieldPlan,
        info: GraphQLResolveInfo | None,
        path: Path,
        result: Any,
    ) -> Any:
        """An async iterable for a list field: graphql-core completes it."""
        if info is None:
            info = self.build_resolve_info(field.field_def, field.nodes, field.parent_type, path)
        return self.complete_list_value(return_type, field.details, info, path, result, None)


async def gather_fields(results: dict[str, Any], pending: list[str]) -> dict[str, Any]:
    if len(pending) == 1:
        name = pending[0]
        results[name] = await results[name]
    else:
        values = await gather_with_cancel(*(results[name] for name in pending))
        results.update(zip(pending, values, strict=True))
    return results


async def gather_items(completed: list[Any], pending: list[int]) -> list[Any]:
    if len(pending) == 1:
        index = pending[0]
        completed[index] = await completed[index]
    else:
        values = await gather_with_cancel(*(completed[index] for index in pending))
        for index, value in zip(pending, values, strict=True):
            completed[index] = value
    return completed


def executor_class(
    *, crosscheck: bool = False, cache_size: int = PLAN_CACHE_SIZE
) -> type[CompiledExecutor]:
    """A CompiledExecutor subclass with its own plan cache (one per schema)."""
    return type(
        "CompiledExecutor",
        (CompiledExecutor,),
        {"plans": PlanCache(cache_size), "crosscheck": crosscheck},
    )
