"""Cross-check: run graphql-core's executor on the same request and compare the results.

Turned on by EXECUTOR_CROSSCHECK=1 (the test suite does). The compiled result is computed
first, on the request's own context, so statement counts and caches see exactly one
execution; graphql-core then runs on the same context, whose dataloaders already hold
every batch. That makes the reference run free of repeated side effects that loaders
perform (recording views, SECRET_VIEWED): it compares how the two executors assemble
data, errors, paths and locations from the same resolver results.
"""

from __future__ import annotations

from typing import Any

import orjson
from graphql import ExecutionResult, GraphQLError, OperationDefinitionNode, print_ast
from graphql.execution import Executor
from strawberry.utils.await_maybe import await_maybe

from datastore.kit.request_id import current_request_id

# Every disagreement seen in this process (the test suite fails a test that caused one).
MISMATCHES: list[str] = []


async def crosschecked(
    result: Any, reference_executor: Executor, operation: OperationDefinitionNode
) -> ExecutionResult:
    """The compiled result, once graphql-core's executor has given the same."""
    compiled: ExecutionResult = await await_maybe(result)
    # The reference run's statements are not the request's (tests count those).
    token = current_request_id.set(None)
    try:
        reference = await await_maybe(reference_executor.execute_operation())
    finally:
        current_request_id.reset(token)
    assert isinstance(reference, ExecutionResult)  # no @defer/@stream in a compiled query
    difference = compare(compiled, reference)
    if difference is not None:
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
