"""Schema extension hooks run without building context managers per request.

Strawberry's runner wraps every hook of every extension in a fresh
`contextlib.contextmanager` (functools.update_wrapper each time) and an ExitStack, for
four phases of each operation, and again for each result a subscription streams: with
ten extensions that was a third of what a small query cost before its resolvers ran.
Here what each extension class implements is looked up once, and a phase drives the
hooks' generators directly, with ExitStack's semantics: hooks exit in reverse order,
each sees the exception the later ones left (or raised), and a hook may suppress it. A
hook that fails on entry unwinds the hooks entered before it.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncGenerator, Generator
from enum import Enum
from types import TracebackType
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.types import ExecutionContext
from strawberry.utils.await_maybe import await_maybe


class Kind(Enum):
    GENERATOR = "generator"
    ASYNC_GENERATOR = "async generator"
    FUNCTION = "function"
    COROUTINE = "coroutine function"


_kinds: dict[tuple[type, str], Kind | None] = {}


def hook_kind(extension: type[SchemaExtension], name: str) -> Kind | None:
    """How an extension class implements a phase's hook; None when it keeps the default."""
    key = (extension, name)
    if key not in _kinds:
        _kinds[key] = _kind_of(extension, name)
    return _kinds[key]


def _kind_of(extension: type[SchemaExtension], name: str) -> Kind | None:
    hook = getattr(extension, name)
    if hook is getattr(SchemaExtension, name):
        return None
    if inspect.isgeneratorfunction(hook):
        return Kind.GENERATOR
    if inspect.isasyncgenfunction(hook):
        return Kind.ASYNC_GENERATOR
    if inspect.iscoroutinefunction(hook):
        return Kind.COROUTINE
    if callable(hook):
        return Kind.FUNCTION
    raise ValueError(f"Hook {name} on {extension} must be callable, received {hook!r}")


class Phase:
    """One phase (operation, parsing, validation, executing) of one request's extensions,
    usable with `with` and `async with` as strawberry uses its own."""

    __slots__ = ("arguments", "entered", "extensions", "name")

    def __init__(self, extensions: list[SchemaExtension], name: str, *arguments: Any) -> None:
        self.extensions = extensions
        self.name = name
        self.arguments = arguments  # on_stream_result's result; the other hooks take none
        # The suspended generators, in the order they were entered.
        self.entered: list[Generator[Any] | AsyncGenerator[Any]] = []

    def __enter__(self) -> None:
        for extension in self.extensions:
            kind = hook_kind(type(extension), self.name)
            if kind is None:
                continue
            if kind in (Kind.ASYNC_GENERATOR, Kind.COROUTINE):
                error = RuntimeError(
                    f"SchemaExtension hook {extension}.{self.name} failed to complete "
                    "synchronously."
                )
                self._unwind_sync(error)
                raise error
            try:
                self._enter_sync(extension, kind)
            except BaseException as error:
                self._unwind_sync(error)
                raise

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        return _outcome(error, self._unwind_sync(error))

    async def __aenter__(self) -> None:
        for extension in self.extensions:
            kind = hook_kind(type(extension), self.name)
            if kind is None:
                continue
            try:
                if kind is Kind.ASYNC_GENERATOR:
                    generator = getattr(extension, self.name)(*self.arguments)
                    await generator.__anext__()
                    self.entered.append(generator)
                elif kind is Kind.COROUTINE:
                    await getattr(extension, self.name)(*self.arguments)
                else:
                    self._enter_sync(extension, kind)
            except BaseException as error:
                await self._unwind_async(error)
                raise

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        return _outcome(error, await self._unwind_async(error))

    def _enter_sync(self, extension: SchemaExtension, kind: Kind) -> None:
        hook = getattr(extension, self.name)
        if kind is Kind.FUNCTION:
            hook(*self.arguments)
            return
        generator = hook(*self.arguments)
        next(generator)
        self.entered.append(generator)

    def _unwind_sync(self, error: BaseException | None) -> BaseException | None:
        """Exit the entered hooks, last first; the exception left at the end, if any."""
        entered = self.entered
        while entered:
            generator = entered.pop()
            assert isinstance(generator, Generator)
            try:
                if _exit(generator, error):
                    error = None
            except BaseException as raised:
                _chain(raised, error)
                error = raised
        return error

    async def _unwind_async(self, error: BaseException | None) -> BaseException | None:
        entered = self.entered
        while entered:
            generator = entered.pop()
            try:
                if isinstance(generator, Generator):
                    suppressed = _exit(generator, error)
                else:
                    suppressed = await _exit_async(generator, error)
                if suppressed:
                    error = None
            except BaseException as raised:
                _chain(raised, error)
                error = raised
        return error


def _outcome(received: BaseException | None, left: BaseException | None) -> bool:
    """What `__exit__` answers: True suppresses the exception of the `with` body."""
    if left is None:
        return received is not None
    if left is received:
        return False
    raise left


def _chain(raised: BaseException, error: BaseException | None) -> None:
    # As ExitStack does: the new exception says what it replaced.
    if error is not None and raised is not error and raised.__context__ is None:
        raised.__context__ = error


def _exit(generator: Generator[Any], error: BaseException | None) -> bool:
    """Resume a hook after the phase (contextlib's rules); True when it swallowed `error`."""
    if error is None:
        try:
            next(generator)
        except StopIteration:
            return False
        raise RuntimeError("generator didn't stop")
    try:
        generator.throw(error)
    except StopIteration as stop:
        return stop is not error
    except BaseException as raised:
        if raised is error:
            return False
        if isinstance(error, StopIteration) and raised.__cause__ is error:
            return False  # the generator protocol turned a StopIteration into RuntimeError
        raise
    raise RuntimeError("generator didn't stop after throw()")


async def _exit_async(generator: AsyncGenerator[Any], error: BaseException | None) -> bool:
    if error is None:
        try:
            await generator.__anext__()
        except StopAsyncIteration:
            return False
        raise RuntimeError("generator didn't stop")
    try:
        await generator.athrow(error)
    except StopAsyncIteration as stop:
        return stop is not error
    except BaseException as raised:
        if raised is error:
            return False
        if isinstance(error, (StopIteration, StopAsyncIteration)) and raised.__cause__ is error:
            return False
        raise
    raise RuntimeError("generator didn't stop after athrow()")


class LeanExtensionsRunner(SchemaExtensionsRunner):
    """Strawberry's runner with phases that do not rebuild their hooks per request."""

    def operation(self) -> Any:
        return Phase(self.extensions, "on_operation")

    def validation(self) -> Any:
        return Phase(self.extensions, "on_validate")

    def parsing(self) -> Any:
        return Phase(self.extensions, "on_parse")

    def executing(self) -> Any:
        return Phase(self.extensions, "on_execute")

    def on_stream_result(self, result: Any) -> Any:
        # Entered per event per socket of every subscription.
        return Phase(self.extensions, "on_stream_result", result)

    async def get_extensions_results(self, ctx: ExecutionContext) -> dict[str, Any]:
        # Per result, also per event per socket: only extensions that report anything.
        data: dict[str, Any] = {}
        for extension in self.extensions:
            if hook_kind(type(extension), "get_results") is not None:
                data.update(await await_maybe(extension.get_results()))
        data.update(ctx.extensions_results)
        return data
