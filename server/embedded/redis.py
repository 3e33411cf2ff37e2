"""Redis: the machine's `redis-server` on a free 127.0.0.1 port."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

from server.embedded import processes
from server.embedded.processes import StartedService

FIX = "set REDIS_URL to use your own Redis"


def start_redis(*, data_dir: Path | None, path: str, log: Callable[[str], None]) -> StartedService:
    """Start redis-server; with `data_dir`, an append-only file there keeps data across runs."""
    binary = processes.find_binary(
        "redis-server",
        path,
        service="redis",
        fix=f"install Redis (apt-get install redis-server) or {FIX}",
    )
    workdir = processes.service_workdir("redis", data_dir)
    port = processes.free_port()
    pid, stop = processes.start_process(
        "redis",
        [binary, *_arguments(port, workdir, data_dir)],
        workdir=workdir,
        throwaway=data_dir is None,
        is_ready=lambda: answers_ping(port),
        timeout=15,
        fix=FIX,
        log=log,
    )
    where = "throwaway" if data_dir is None else processes.display_path(workdir)
    log(f"redis: started (redis-server, port {port}, {where})")
    return StartedService("redis", f"redis://127.0.0.1:{port}/0", pid, stop)


def _arguments(port: int, workdir: Path, data_dir: Path | None) -> list[str]:
    # RDB snapshots off either way: the append-only file is the one persistence we want.
    appendonly = "no" if data_dir is None else "yes"
    return [
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--dir", str(workdir),
        "--save", "",
        "--appendonly", appendonly,
        "--daemonize", "no",
    ]  # fmt: skip


def answers_ping(port: int) -> bool:
    """Whether a Redis on 127.0.0.1:`port` answers PING."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False
