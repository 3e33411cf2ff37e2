"""Start the development services nobody configured, and stop exactly those again."""

from __future__ import annotations

import atexit
import contextlib
import signal
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from server.embedded import processes
from server.embedded.dynamodb import start_dynamodb
from server.embedded.postgres import start_postgres
from server.embedded.processes import StartedService
from server.embedded.redis import start_redis

SERVICE_NAMES = {"DATABASE_URL": "postgres", "DYNAMODB_ENDPOINT": "dynamodb", "REDIS_URL": "redis"}
# Default action of these is to die without running `finally` or atexit; SIGINT already
# raises KeyboardInterrupt.
EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@dataclass
class EmbeddedServices:
    """What `start_services` started; as a context manager, stops it on exit."""

    env: dict[str, str]
    started: list[StartedService] = field(default_factory=list)
    log: Callable[[str], None] = print
    _previous_handlers: dict[int, Any] = field(default_factory=dict, repr=False)

    @property
    def pids(self) -> dict[str, int]:
        return {service.name: service.pid for service in self.started}

    def __enter__(self) -> EmbeddedServices:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop every service started here, newest first; safe to call again."""
        while self.started:
            service = self.started[-1]
            try:
                service.stop()
                message = f"{service.name}: stopped"
            except Exception as err:  # keep stopping the others
                message = f"{service.name}: could not stop cleanly ({err})"
            self.started.pop()
            self.env.pop(_variable(service.name), None)
            # A log that fails (closed stdout at exit) must not keep the rest running.
            with contextlib.suppress(Exception):
                self.log(message)
        self._restore_signal_handlers()
        atexit.unregister(self.stop)

    def _stop_on_exit_signals(self) -> None:
        # Backups for when the `with` block is not left normally.
        atexit.register(self.stop)
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in EXIT_SIGNALS:
            if signal.getsignal(sig) is signal.SIG_DFL:
                self._previous_handlers[sig] = signal.signal(sig, _raise_system_exit)

    def _restore_signal_handlers(self) -> None:
        while self._previous_handlers:
            sig, handler = self._previous_handlers.popitem()
            signal.signal(sig, handler)


def start_services(
    *,
    data_dir: Path | None,
    configured: Mapping[str, str],
    cache_dir: Path,
    log: Callable[[str], None] = print,
) -> EmbeddedServices:
    """Start PostgreSQL, DynamoDB Local and Redis, except those `configured` has a URL for.

    `data_dir=None` starts throwaway services; a path keeps their data there across runs.
    """
    path = processes.search_path(configured)
    processes.sweep_orphans(log)
    starters: dict[str, Callable[[], StartedService]] = {
        "DATABASE_URL": lambda: start_postgres(data_dir=data_dir, log=log),
        "DYNAMODB_ENDPOINT": lambda: start_dynamodb(
            data_dir=data_dir, cache_dir=cache_dir, path=path, log=log
        ),
        "REDIS_URL": lambda: start_redis(data_dir=data_dir, path=path, log=log),
    }
    for variable in [v for v in starters if configured.get(v)]:
        log(f"{SERVICE_NAMES[variable]}: using {variable} from the environment")
        del starters[variable]
    services = EmbeddedServices(env={}, log=log)
    services._stop_on_exit_signals()
    try:
        _start_concurrently(starters, services)
    except BaseException:
        services.stop()
        raise
    return services


def _start_concurrently(
    starters: dict[str, Callable[[], StartedService]], services: EmbeddedServices
) -> None:
    """Run the starters in threads (startup time adds to every test run); record each
    service that started, even when another failed or we were interrupted, so it is stopped."""
    pool = ThreadPoolExecutor(max_workers=max(len(starters), 1), thread_name_prefix="embedded")
    futures = {variable: pool.submit(start) for variable, start in starters.items()}
    try:
        wait(futures.values())
    finally:
        pool.shutdown(wait=True)
        for variable, future in futures.items():
            if _succeeded(future):
                services.started.append(future.result())
                services.env[variable] = future.result().url
    errors = [future.exception() for future in futures.values() if not _succeeded(future)]
    for error in errors[1:]:
        services.log(str(error))
    if errors:
        raise errors[0]  # type: ignore[misc]


def _succeeded(future: Future[StartedService]) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _variable(name: str) -> str:
    return next(variable for variable, service in SERVICE_NAMES.items() if service == name)


def _raise_system_exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)
