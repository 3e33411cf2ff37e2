"""The `personalpod worker` children of `serve` and `run`: background work (embeddings,
sentiment, topics, the outbox relay, every other job) runs beside the API processes, not in
them, so an import being embedded does not take the API's cores and GIL.

Each child is watched by a thread of the serving process: restarted when it dies (after a
wait that doubles while it keeps dying young), stopped with SIGTERM when the server stops,
and killed if it has not finished its batch within STOP_SECONDS.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import structlog

log = structlog.get_logger("personalpod.cli")

ROOT = Path(__file__).resolve().parent.parent
RESTART_MIN_SECONDS = 1.0
RESTART_MAX_SECONDS = 60.0
# A child that ran this long was healthy: if it dies, the next wait is the shortest again.
HEALTHY_SECONDS = 60.0
STOP_SECONDS = 15.0


def worker_commands(parent: int) -> list[list[str]]:
    """One worker's processes: the AI's jobs, and every other loop (the outbox relay...)."""
    base = [sys.executable, "-m", "server.cli", "worker", "--parent", str(parent)]
    return [[*base, "--jobs", "ai"], [*base, "--jobs", "other"]]


class WorkerChild:
    """One supervised `personalpod worker` process, started and restarted by a thread."""

    def __init__(self, command: list[str], niceness: int) -> None:
        self.command = command
        self.niceness = niceness
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._supervise, name="worker-child", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _spawn(self) -> subprocess.Popen[bytes] | None:
        with self._lock:
            if self._stopping.is_set():
                return None
            # Not a session of its own: with autogroup scheduling (Linux's default) a new
            # session is a new CPU group, which would get an equal share whatever its nice.
            # A Ctrl-C in the terminal reaches it too; with --parent it ignores SIGINT and
            # waits for our SIGTERM, so it is stopped in order.
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                self.command, cwd=ROOT, stdin=subprocess.DEVNULL
            )
            # At once, not only once the child has imported enough to nice itself.
            with contextlib.suppress(ProcessLookupError):
                os.setpriority(os.PRIO_PROCESS, self.process.pid, self.niceness)
            log.info("worker_started", pid=self.process.pid, restarts=self.restarts)
            return self.process

    def _supervise(self) -> None:
        wait = RESTART_MIN_SECONDS
        while (process := self._spawn()) is not None:
            started = time.monotonic()
            code = process.wait()
            if self._stopping.is_set():
                return
            ran = time.monotonic() - started
            if ran >= HEALTHY_SECONDS:
                wait = RESTART_MIN_SECONDS
            log.warning(
                "worker_exited",
                pid=process.pid,
                code=code,
                ran_seconds=round(ran, 1),
                restart_in_seconds=wait,
            )
            if self._stopping.wait(wait):
                return
            wait = min(wait * 2, RESTART_MAX_SECONDS)
            self.restarts += 1

    def terminate(self) -> None:
        """Ask the worker to stop (SIGTERM: it finishes its batch) and restart it no more."""
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is not None and process.poll() is None:
            process.terminate()

    def wait_stopped(self, timeout: float = STOP_SECONDS) -> None:
        """After `terminate`: wait for the exit, SIGKILL after `timeout` seconds."""
        process = self.process
        if process is not None:
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                log.warning("worker_killed", pid=process.pid, after_seconds=timeout)
                process.kill()
                process.wait()
        self._thread.join()


@contextlib.contextmanager
def supervised_workers(count: int, *, niceness: int) -> Iterator[list[WorkerChild]]:
    """`count` workers (two children each) of this process, at `niceness`, until the block
    is left."""
    children = [
        WorkerChild(command, niceness)
        for _ in range(count)
        for command in worker_commands(os.getpid())
    ]
    try:
        for child in children:
            child.start()
        yield children
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait_stopped()


class _Terminated(Exception):
    """SIGTERM arrived: unwind, so the children are stopped before this process ends."""


def _unwind(_signum: int, _frame: object) -> None:
    raise _Terminated


@contextlib.contextmanager
def sigterm_after_cleanup() -> Iterator[None]:
    """A SIGTERM unwinds the block (uvicorn, which caught it, raises it again when it has
    stopped serving) and then ends the process as SIGTERM does, once cleanup has run."""
    previous = signal.signal(signal.SIGTERM, _unwind)
    terminated = False
    try:
        yield
    except _Terminated:
        terminated = True
    finally:
        signal.signal(signal.SIGTERM, previous)
    if terminated:
        signal.raise_signal(signal.SIGTERM)
