"""Resolver coroutines stepped at once (server.graphql.compiled.executor.step) behave as
the Tasks they replace: values, batching, shared futures, errors, cancellation, context."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import gc

import pytest
from strawberry.dataloader import DataLoader

from server.graphql.compiled.executor import Resumed, step

SPAN: contextvars.ContextVar[str] = contextvars.ContextVar("span", default="root")


async def test_a_coroutine_that_never_waits_gives_its_value_without_a_task() -> None:
    async def primed() -> int:
        return 7

    assert step(primed()) == 7


async def test_siblings_waiting_on_one_loader_still_share_a_batch() -> None:
    # given
    batches: list[list[int]] = []

    async def load(keys: list[int]) -> list[int]:
        batches.append(keys)
        return [k * 10 for k in keys]

    loader = DataLoader(load_fn=load)

    async def resolver(key: int) -> int:
        return await loader.load(key) + 1

    # when: three resolvers stepped one after another, one key asked twice
    stepped = [step(resolver(k)) for k in (1, 2, 1)]

    # then: none finished alone, and one batch answered them all
    assert all(isinstance(s, Resumed) for s in stepped)
    assert await asyncio.gather(*(_awaited(s) for s in stepped)) == [11, 21, 11]
    assert batches == [[1, 2]]


async def test_an_error_after_the_wait_reaches_the_awaiting_caller() -> None:
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def failing() -> int:
        await future
        raise ValueError("after the wait")

    stepped = step(failing())
    future.set_result(1)
    with pytest.raises(ValueError, match="after the wait"):
        await _awaited(stepped)


async def test_cancelling_the_awaiting_task_cancels_the_coroutine_where_it_waits() -> None:
    # given
    seen: list[str] = []
    never: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def waiting() -> int:
        try:
            return await never
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise

    task = asyncio.ensure_future(_awaited(step(waiting())))
    await asyncio.sleep(0)

    # when
    task.cancel()

    # then
    with pytest.raises(asyncio.CancelledError):
        await task
    assert seen == ["cancelled"]


async def test_a_context_variable_set_by_a_resolver_stays_its_own() -> None:
    # given: a resolver that sets a variable (as a tracing span does) around a wait
    gate: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def traced(name: str) -> str:
        token = SPAN.set(name)
        try:
            await gate
            return SPAN.get()
        finally:
            SPAN.reset(token)  # fails if the coroutine moved to another context

    # when
    first, second = step(traced("a")), step(traced("b"))
    outside = SPAN.get()
    gate.set_result(None)
    results = await asyncio.gather(_awaited(first), _awaited(second))

    # then
    assert outside == "root"
    assert results == ["a", "b"]


async def _awaited(stepped: object) -> object:
    return await stepped  # type: ignore[misc]


@pytest.mark.parametrize("handled", [True, False])
async def test_an_exception_thrown_in_leaves_nothing_for_the_garbage_collector(
    handled: bool,
) -> None:
    # given: a stepped coroutine waiting, which recovers from a cancellation or not
    never: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def waiting() -> int:
        try:
            return await never
        except asyncio.CancelledError:
            if handled:
                return -1
            raise

    task = asyncio.ensure_future(_awaited(step(waiting())))
    await asyncio.sleep(0)
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        # when
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        del task
        gc.collect()
        # then: no frame, exception or context of the step is left in a reference cycle
        kinds = {type(o).__name__ for o in gc.garbage}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert not kinds & {"Resumed", "Context", "CancelledError", "frame", "partial"}, kinds
