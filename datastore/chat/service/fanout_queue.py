"""Fan-outs of one conversation, applied together while one is running.

Concurrent sends to a conversation all write the same members' inbox and statistics rows;
one at a time they would conflict (DynamoDB refuses a transaction touching an item another
one holds) and retry. Here a conversation has at most one fan-out running in this process;
messages arriving meanwhile wait and are then applied in one go (one transaction per
group of members, each message with its own applied marker). Each caller still returns
only once its own message's fan-out is done.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from datastore.chat.items import ConversationItem, MessageItem


@dataclass
class FanoutJob:
    conversation: ConversationItem
    message: MessageItem
    members: list | None  # the members when the sender already read them
    done: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class ConversationQueues:
    def __init__(self, apply: Callable[[list[FanoutJob]], Awaitable[None]], *, most: int) -> None:
        self.apply = apply
        self.most = most  # messages applied together, at most
        self._waiting: dict[str, list[FanoutJob]] = {}
        self._running: dict[str, asyncio.Task[None]] = {}

    async def submit(self, job: FanoutJob) -> None:
        """Queue `job` behind its conversation's running fan-out; return once it is applied."""
        key = job.conversation.id
        self._waiting.setdefault(key, []).append(job)
        if key not in self._running:
            self._running[key] = asyncio.create_task(self._drain(key))
        # Shielded: a caller that goes away does not cancel the others' fan-out.
        await asyncio.shield(job.done)

    async def _drain(self, key: str) -> None:
        try:
            while waiting := self._waiting.pop(key, None):
                jobs, rest = waiting[: self.most], waiting[self.most :]
                if rest:
                    self._waiting[key] = rest
                await self._apply(jobs)
        finally:
            self._running.pop(key, None)
            for job in self._waiting.pop(key, []):  # only when cancelled (shutdown)
                job.done.cancel()

    async def _apply(self, jobs: list[FanoutJob]) -> None:
        try:
            await self.apply(jobs)
        except asyncio.CancelledError:
            for job in jobs:
                job.done.cancel()
            raise
        except Exception as error:  # each caller sees it; the pending markers stay
            for job in jobs:
                if not job.done.done():
                    job.done.set_exception(error)
                    # Retrieved here too, for callers that went away meanwhile.
                    job.done.add_done_callback(_retrieve)
            return
        for job in jobs:
            if not job.done.done():
                job.done.set_result(None)


def _retrieve(future: asyncio.Future[None]) -> None:
    with contextlib.suppress(BaseException):
        future.exception()
