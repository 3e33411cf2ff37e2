"""`personalpod worker`: every background loop of the container, with no HTTP.

It lowers its own priority (WORKER_NICENESS) and the model's threads (WORKER_TORCH_THREADS)
before the model loads, so an import being embedded leaves the cores to the API's queries.
Started by `serve` as a child it gets `--parent`, and stops when that process is gone: a
supervisor killed with SIGKILL cannot stop its children itself.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import Literal

import structlog
import uvloop

from datastore.kit.settings import Settings
from server.container import AI_WORKERS, Container, workers
from server.observability import multiprocess

log = structlog.get_logger("personalpod.worker")

PARENT_POLL_SECONDS = 1.0
JobChoice = Literal["all", "ai", "other"]


def lower_priority(settings: Settings) -> int:
    """Raise this process's niceness to WORKER_NICENESS (never lower it); the niceness now."""
    current = os.nice(0)
    if settings.worker_niceness > current:
        current = os.nice(settings.worker_niceness - current)
    return current


def limit_model_threads(settings: Settings) -> None:
    """torch's intra-op threads for every thread of the process, before a model loads."""
    if settings.worker_torch_threads:
        import torch

        torch.set_num_threads(settings.worker_torch_threads)


def run_worker(settings: Settings, *, parent: int | None = None, jobs: JobChoice = "all") -> None:
    """`jobs`: every loop, only the AI's (`ai`), or every other one (`other`)."""
    if parent:  # the supervisor stops it (SIGTERM) when a Ctrl-C stops the server
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    niceness = lower_priority(settings)
    if jobs != "other":
        limit_model_threads(settings)
    # uvloop, as the API's workers run: the fan-out and outbox loops are socket-bound.
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(_work(settings, niceness, parent, jobs))


def chosen_jobs(container: Container, jobs: JobChoice) -> set[str] | None:
    if jobs == "all":
        return None
    names = set(workers(container.services))
    return names & AI_WORKERS if jobs == "ai" else names - AI_WORKERS


async def _work(settings: Settings, niceness: int, parent: int | None, jobs: JobChoice) -> None:
    container = Container.build(settings)
    await container.start(run_workers=True, only=chosen_jobs(container, jobs))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM,) if parent else (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    watch = asyncio.create_task(_stop_without(parent, stop)) if parent else None
    running = ", ".join(task.get_name() for task in container.background)
    print(
        f"personalpod: worker {os.getpid()} running (nice {niceness}, "
        f"{settings.worker_torch_threads or 'default'} model threads): {running}; Ctrl-C stops",
        file=sys.stderr,
        flush=True,
    )
    try:
        await stop.wait()
    finally:
        if watch is not None:
            watch.cancel()
        await container.stop()
        multiprocess.process_exiting()


async def _stop_without(parent: int, stop: asyncio.Event) -> None:
    """Set `stop` once `parent` is no longer this process's parent (it died)."""
    while os.getppid() == parent:
        await asyncio.sleep(PARENT_POLL_SECONDS)
    log.warning("worker_supervisor_gone", parent=parent)
    stop.set()
