"""A second (third, ...) server process on the same services, as a load balancer would see."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


_RUNNING: dict[str, asyncio.subprocess.Process] = {}


def server_pid(url: str) -> int:
    """The process id of a server started by `server_process` (it leads its workers)."""
    return _RUNNING[url].pid


def kill_server(url: str) -> None:
    """SIGKILL a server started by `server_process`, as a crash or an OOM kill would."""
    _RUNNING[url].kill()


@contextlib.asynccontextmanager
async def server_process(
    env: dict[str, str], *, workers: int = 1, stderr: list[str] | None = None
) -> AsyncIterator[str]:
    """Run `personalpod serve` in a subprocess; yields its base URL, stops it after.

    Its stderr is read all along (a full pipe would stall the server); each line goes to
    `stderr` when given, until the process has exited."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    _RUNNING[url] = process
    lines: list[str] = stderr if stderr is not None else []
    reader = asyncio.create_task(_read_lines(process, lines, keep_all=stderr is not None))
    try:
        await _wait_healthy(url, process, reader, lines)
        yield url
    finally:
        _RUNNING.pop(url, None)
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()
        await reader


async def _read_lines(
    process: asyncio.subprocess.Process, lines: list[str], *, keep_all: bool
) -> None:
    assert process.stderr is not None
    async for raw in process.stderr:
        lines.append(raw.decode(errors="replace").rstrip("\n"))
        if not keep_all and len(lines) > 200:
            del lines[:100]


async def _wait_healthy(
    url: str, process: asyncio.subprocess.Process, reader: asyncio.Task[None], lines: list[str]
) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(300):
            if process.returncode is not None:
                await reader
                error = "\n".join(lines)[-2000:]
                raise RuntimeError(f"server process exited: {error}")
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get(f"{url}/healthz")).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise TimeoutError("server process did not become healthy")
