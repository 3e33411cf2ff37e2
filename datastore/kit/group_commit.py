"""Many requests' calls served by one round trip (group commit).

While `running` batches are in flight, calls arriving meanwhile wait and then go together
in the next one (at most `most` at a time). A call alone runs at once, with no added
delay; under load one round trip serves many requests. Every call goes out after its
caller asked, so a read never answers with what was current before the request began.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# What a batch gives for each of its items, in order: a result or that item's error.
Outcomes = list[R | BaseException]


class GroupCommit(Generic[T, R]):
    def __init__(
        self,
        run: Callable[[list[T]], Awaitable[Outcomes[R]]],
        *,
        most: int,
        running: int = 1,
    ) -> None:
        self.run = run
        self.most = most
        self.running = running
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._draining = 0
        self._tasks: set[asyncio.Task[None]] = set()  # referenced, so none is collected

    async def __call__(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._draining < self.running:
            self._draining += 1
            task = asyncio.get_running_loop().create_task(self._drain())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        # Shielded: a caller that goes away does not cancel the others' batch.
        return await asyncio.shield(future)

    async def _drain(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[: self.most], self._waiting[self.most :]
                await self._run(batch)
        finally:
            # No await between the empty queue and this: a call arriving now starts a drain.
            self._draining -= 1

    async def _run(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            outcomes: Outcomes[R] = list(await self.run([item for item, _ in batch]))
        except Exception as error:  # each caller sees it
            outcomes = [error] * len(batch)
        except BaseException:  # cancelled (shutdown): so are its callers
            for _, future in batch:
                future.cancel()
            raise
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if future.done():
                continue
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
                future.add_done_callback(_retrieve)  # for callers that went away meanwhile
            else:
                future.set_result(outcome)


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()
