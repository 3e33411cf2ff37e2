"""Driving tests/support/node_clients.mjs: real Node GraphQL clients against the live server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("node_clients.mjs")
PACKAGES = (
    "@apollo/client",
    "@urql/core",
    "graphql",
    "graphql-ws",
    "rxjs",
    "subscriptions-transport-ws",
    "ws",
)
TIMEOUT_SECONDS = 60


def require_node_packages() -> None:
    """The packages come from `npm ci` (make install); tests never download them."""
    missing = [name for name in PACKAGES if not (ROOT / "node_modules" / name).is_dir()]
    assert not missing, f"node_modules lacks {missing}: run `make install` (npm ci)"


class NodeClient:
    """One run of the script: its JSON lines, read as they come."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def next_step(self, timeout: float = TIMEOUT_SECONDS) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        if not line:
            raise AssertionError(f"node exited early: {await self.stderr()}")
        return json.loads(line)

    async def stderr(self) -> str:
        assert self.process.stderr is not None
        return (await self.process.stderr.read()).decode()

    async def event_after(
        self,
        trigger: Callable[[], Awaitable[Any]],
        wanted: Callable[[dict[str, Any]], bool],
        *,
        tries: int = 20,
    ) -> dict[str, Any]:
        """Fire `trigger` until the script prints an event line that is `wanted`."""
        for _ in range(tries):
            await trigger()
            try:
                while not wanted(step := await self.next_step(timeout=1)):
                    continue
                return step
            except TimeoutError:
                continue
        raise AssertionError("the subscription never received the event")


@asynccontextmanager
async def node_client(*args: str) -> AsyncIterator[NodeClient]:
    """Run the script with `args`; on leaving, it must have exited 0."""
    # A subprocess on the event loop: the server under test runs on this same loop.
    process = await asyncio.create_subprocess_exec(
        "node",
        str(SCRIPT),
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    client = NodeClient(process)
    try:
        yield client
        code = await asyncio.wait_for(process.wait(), TIMEOUT_SECONDS)
        assert code == 0, await client.stderr()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
