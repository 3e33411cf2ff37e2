"""The lean extension phases behave as strawberry's (contextlib's) would: order, errors,
suppression; and the schema's extensions still see every request."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import strawberry
from strawberry.extensions import SchemaExtension

from server.graphql.extension_hooks import LeanExtensionsRunner, Phase, hook_kind


class Boom(Exception):
    pass


def recorder(name: str, log: list[str], *, swallow: bool = False, fail_exit: bool = False):
    class Recorder(SchemaExtension):
        def on_execute(self) -> Iterator[None]:
            log.append(f"{name} in")
            try:
                yield
            except Boom as error:
                log.append(f"{name} saw {error}")
                if not swallow:
                    raise
                return
            if fail_exit:
                raise Boom(f"{name} failed")
            log.append(f"{name} out")

    return Recorder()


class AsyncRecorder(SchemaExtension):
    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    async def on_execute(self) -> AsyncIterator[None]:
        self.log.append("async in")
        yield
        self.log.append("async out")


class Plain(SchemaExtension):
    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    def on_execute(self) -> None:
        self.log.append("plain")


async def test_hooks_enter_in_order_and_exit_in_reverse() -> None:
    log: list[str] = []
    extensions = [recorder("a", log), Plain(log), AsyncRecorder(log), recorder("b", log)]
    async with Phase(extensions, "on_execute"):
        log.append("body")
    assert log == ["a in", "plain", "async in", "b in", "body", "b out", "async out", "a out"]


async def test_an_error_in_the_phase_reaches_every_hook_and_propagates() -> None:
    log: list[str] = []
    with pytest.raises(Boom, match="body"):
        async with Phase([recorder("a", log), recorder("b", log)], "on_execute"):
            raise Boom("body")
    assert log == ["a in", "b in", "b saw body", "a saw body"]


async def test_a_hook_may_swallow_the_error_and_outer_hooks_then_exit_normally() -> None:
    log: list[str] = []
    async with Phase([recorder("a", log), recorder("b", log, swallow=True)], "on_execute"):
        raise Boom("body")
    assert log == ["a in", "b in", "b saw body", "a out"]


async def test_an_error_raised_on_exit_replaces_the_outcome_for_outer_hooks() -> None:
    log: list[str] = []
    with pytest.raises(Boom, match="b failed"):
        async with Phase([recorder("a", log), recorder("b", log, fail_exit=True)], "on_execute"):
            log.append("body")
    assert log == ["a in", "b in", "body", "a saw b failed"]


async def test_a_hook_failing_on_entry_unwinds_the_hooks_before_it() -> None:
    log: list[str] = []

    class FailsOnEntry(SchemaExtension):
        def on_execute(self) -> Iterator[None]:
            raise Boom("entry")
            yield  # a generator hook

    with pytest.raises(Boom, match="entry"):
        async with Phase([recorder("a", log), FailsOnEntry()], "on_execute"):
            log.append("body")
    assert log == ["a in", "a saw entry"]


def test_sync_use_runs_generator_hooks_and_refuses_async_ones() -> None:
    log: list[str] = []
    with Phase([recorder("a", log)], "on_execute"):
        log.append("body")
    assert log == ["a in", "body", "a out"]

    class Closes(SchemaExtension):
        def on_execute(self) -> Iterator[None]:
            try:
                yield
            finally:
                log.append("closed")

    refused = pytest.raises(RuntimeError, match="failed to complete synchronously")
    with refused, Phase([Closes(), AsyncRecorder(log)], "on_execute"):
        log.append("never")
    assert log[-1] == "closed"  # unwound before refusing, the body never ran


def test_extensions_keeping_the_default_hook_are_skipped() -> None:
    assert hook_kind(SchemaExtension, "on_execute") is None
    assert hook_kind(type(recorder("a", [])), "on_parse") is None
    assert hook_kind(type(recorder("a", [])), "on_execute") is not None


class _Lean(strawberry.Schema):
    def create_extensions_runner(self, execution_context, extensions):  # type: ignore[no-untyped-def]
        return LeanExtensionsRunner(execution_context=execution_context, extensions=extensions)


@strawberry.type
class _Query:
    ping: str = "pong"


@strawberry.type
class _Subscription:
    @strawberry.subscription
    async def count(self) -> AsyncIterator[int]:
        for n in range(3):
            yield n


class StreamStamp(SchemaExtension):
    """Sees each streamed result before it is sent, and may change it."""

    def on_stream_result(self, result: Any) -> Iterator[None]:
        result.data = {"count": result.data["count"] * 10}
        yield


class Silent(SchemaExtension):
    """Implements nothing: neither hooks nor results."""


class Reporter(SchemaExtension):
    def get_results(self) -> dict[str, Any]:
        return {"reported": True}


async def test_each_streamed_result_passes_the_stream_hooks_and_carries_reported_results() -> None:
    schema = _Lean(
        query=_Query, subscription=_Subscription, extensions=[StreamStamp, Silent, Reporter]
    )
    # when
    results = [r async for r in await schema.subscribe("subscription { count }")]
    # then
    assert [r.data for r in results] == [{"count": 0}, {"count": 10}, {"count": 20}]
    assert all(r.extensions == {"reported": True} for r in results)
