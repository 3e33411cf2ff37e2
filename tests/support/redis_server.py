"""Stop and start the suite's own redis-server on the same port and data dir, as an outage.

Redis is found through its own `INFO server` (pid, port), so the helper works with whatever
`tests/conftest.py` started. The restarted process is stopped when the test run exits.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import redis.asyncio as redis

from server.embedded import processes
from server.embedded.redis import answers_ping


@dataclass(frozen=True)
class StoppedRedis:
    """How to start again the redis-server that `stop_redis` killed."""

    argv: list[str]
    workdir: Path
    port: int


# Enough to start the same server again: it rewrites its own command line, so read these
# back through CONFIG GET rather than from /proc.
RESTART_SETTINGS = ("port", "bind", "dir", "save", "appendonly")


async def stop_redis(url: str) -> StoppedRedis:
    """Kill the redis-server behind `url` (SIGKILL, like a crash) and wait until it is gone."""
    client = redis.Redis.from_url(url, decode_responses=True)
    try:
        info = await client.info("server")
        config = {name: (await client.config_get(name))[name] for name in RESTART_SETTINGS}
    finally:
        await client.aclose()
    argv = [info["executable"], "--daemonize", "no"]
    for name, value in config.items():
        argv += [f"--{name}", value]
    stopped = StoppedRedis(argv, Path(config["dir"]), int(config["port"]))
    process = psutil.Process(int(info["process_id"]))
    process.kill()
    process.wait(processes.STOP_TIMEOUT)
    return stopped


async def start_redis(stopped: StoppedRedis) -> None:
    """Start redis-server again with the same arguments, port and data dir; return once it
    answers PING."""
    await asyncio.to_thread(_start, stopped)


def _start(stopped: StoppedRedis) -> None:
    proc = processes.spawn(
        stopped.argv, cwd=stopped.workdir, log_path=stopped.workdir / "redis.log"
    )
    processes.wait_until_ready(
        proc,
        lambda: answers_ping(stopped.port),
        service="redis",
        log_path=stopped.workdir / "redis.log",
        timeout=15,
        fix="see the log",
    )
    _stop_at_exit(proc)


@contextlib.asynccontextmanager
async def redis_stopped(url: str) -> AsyncIterator[StoppedRedis]:
    """Redis is down inside the block and up again after it, whatever the block raised."""
    stopped = await stop_redis(url)
    try:
        yield stopped
    finally:
        await start_redis(stopped)


def _stop_at_exit(proc: subprocess.Popen[bytes]) -> None:
    # The embedded launcher only knows the process it started; this one is ours to stop.
    atexit.register(processes.stop, proc)
