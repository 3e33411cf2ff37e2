"""Cross-check: run graphql-core's executor on the same request and compare the results.

Turned on by EXECUTOR_CROSSCHECK=1 (the test suite does). The compiled run calls the
resolvers and records what each answered (value or exception, and the arguments it got),
by response path. graphql-core's executor then runs the same operation on the same
context with a middleware that answers every recorded field from the recording instead
of calling its resolver again, and checks that it computed the same arguments; fields the
compiled run read as plain attributes are read again by graphql-core's default resolver.

So no resolver runs twice: queries with side effects (share links counting their uses,
SECRET_VIEWED) count once, statement counts see one execution, and background work
changing rows between the two runs (an export going from PENDING to RUNNING) cannot make
them differ. What is compared is what the executor is responsible for: which fields run
with which arguments, and how data, errors, paths and locations are assembled from what
the resolvers answered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import orjson
from graphql import (
    ExecutionResult,
    GraphQLError,
    GraphQLResolveInfo,
    MiddlewareManager,
    OperationDefinitionNode,
    print_ast,
)
from graphql.execution import Executor
from graphql.pyutils import Path
from strawberry.utils.await_maybe import await_maybe

from datastore.kit.request_id import current_request_id

# Every disagreement seen in this process (the test suite fails a test that caused one).
MISMATCHES: list[str] = []

PathKey = tuple[str | int, ...]


class Raised:
    """A resolver's exception, as recorded."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error


class Recording:
    """What each resolver of the compiled run answered, by response path: its arguments,
    its value or exception, and for an awaitable answer, its place in completion order."""

    def __init__(self, is_awaitable: Callable[[Any], bool]) -> None:
        self.is_awaitable = is_awaitable
        self.answers: dict[PathKey, tuple[dict[str, Any], Any, int | None]] = {}
        self.completed = 0

    def call(
        self,
        resolve: Callable[..., Any],
        source: Any,
        info: GraphQLResolveInfo | None,
        args: dict[str, Any],
        path: Path,
    ) -> Any:
        key = tuple(path.as_list())
        answers = self.answers
        try:
            result = resolve(source, info, **args)
        except Exception as error:
            answers[key] = (args, Raised(error), None)
            raise
        if not self.is_awaitable(result):
            answers[key] = (args, result, None)
            return result

        async def awaited() -> Any:
            try:
                value = await result
            except Exception as error:
                self.keep(key, args, Raised(error))
                raise
            self.keep(key, args, value)
            return value

        return awaited()

    def keep(self, key: PathKey, args: dict[str, Any], answer: Any) -> None:
        self.answers[key] = (args, answer, self.completed)
        self.completed += 1


class Replay:
    """graphql-core middleware answering recorded fields from the recording.

    An awaitable answer is given as an awaitable again, finishing after as many turns of
    the event loop as answers finished before it: siblings racing to null one parent
    (the first error wins) finish in the order they did in the compiled run."""

    def __init__(self, recording: Recording) -> None:
        self.answers = recording.answers
        self.differences: list[str] = []

    def resolve(self, next_: Any, source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        answer = self.answers.get(tuple(info.path.as_list()))
        if answer is None:
            return next_(source, info, **args)
        recorded_args, value, finished = answer
        if recorded_args != args:
            self.differences.append(
                f"arguments at {info.path.as_list()}: {recorded_args} != {args}"
            )
        if finished is None:
            return give(value)
        return give_later(value, finished)


def give(value: Any) -> Any:
    if isinstance(value, Raised):
        raise value.error
    return value


async def give_later(value: Any, turns: int) -> Any:
    for _ in range(turns):
        await asyncio.sleep(0)
    return give(value)


async def crosschecked(
    result: Any,
    recording: Recording,
    reference_executor: Executor,
    operation: OperationDefinitionNode,
) -> ExecutionResult:
    """The compiled result, once graphql-core's executor has given the same."""
    compiled: ExecutionResult = await await_maybe(result)
    replay = Replay(recording)
    reference_executor.middleware_manager = MiddlewareManager(replay)
    # Fields nobody recorded run for real: their statements are not the request's.
    token = current_request_id.set(None)
    try:
        reference = await await_maybe(reference_executor.execute_operation())
    finally:
        current_request_id.reset(token)
    assert isinstance(reference, ExecutionResult)  # no @defer/@stream in a compiled query
    difference = "; ".join(replay.differences) or compare(compiled, reference)
    if difference:
        document = print_ast(operation)
        message = f"compiled executor disagrees with graphql-core: {difference}\n{document}"
        MISMATCHES.append(message)
        raise AssertionError(message)
    return compiled


def compare(compiled: ExecutionResult, reference: ExecutionResult) -> str | None:
    if compiled.data != reference.data:
        return f"data {dump(compiled.data)} != {dump(reference.data)}"
    # Errors of concurrent fields arrive in scheduling order: compare them sorted.
    mine, theirs = error_list(compiled), error_list(reference)
    if mine != theirs:
        return f"errors {mine} != {theirs}"
    return None


def error_list(result: ExecutionResult) -> list[str]:
    return sorted(error_key(error) for error in result.errors or ())


def error_key(error: GraphQLError) -> str:
    original = error.original_error
    return dump(
        {
            **error.formatted,
            "original": type(original).__name__ if original is not None else None,
        }
    )


def dump(value: Any) -> str:
    return orjson.dumps(value, default=repr, option=orjson.OPT_SORT_KEYS).decode()
