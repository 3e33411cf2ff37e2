"""Child processes for the embedded services: spawn, wait until ready, stop, reap leftovers."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

STOP_TIMEOUT = 10.0
# Written into a service's working directory; see `reap_leftover`.
PIDFILE = "service.pid"


class ServiceStartError(RuntimeError):
    """An embedded service could not start; the message says which, why, and how to fix it."""


@dataclass
class StartedService:
    """One running embedded service and how to stop it (idempotent)."""

    name: str
    url: str
    pid: int
    stop: Callable[[], None]


def search_path(configured: Mapping[str, str]) -> str:
    """The PATH to find service binaries on: the configured one, else this process's."""
    return configured.get("PATH") or os.environ.get("PATH", os.defpath)


def find_binary(name: str, path: str, *, service: str, fix: str) -> str:
    found = shutil.which(name, path=path)
    if found is None:
        raise ServiceStartError(f"{service}: `{name}` not found on PATH; {fix}")
    return found


def throwaway_dir(name: str) -> Path:
    """A fresh temp dir named after this process, so a later run can tell it was orphaned
    (short, in /tmp: unix socket paths are limited to about 107 characters)."""
    return Path(tempfile.mkdtemp(prefix=f"pp-{name}-{os.getpid()}-"))


def sweep_orphans(log: Callable[[str], None]) -> None:
    """Stop services, and delete the dirs, of throwaway runs whose process died (SIGKILL,
    an OOM kill): nothing else would ever stop them."""
    for workdir in Path(tempfile.gettempdir()).glob("pp-*-*-*"):
        owner = workdir.name.split("-")[2]
        if not owner.isdigit() or psutil.pid_exists(int(owner)) or not workdir.is_dir():
            continue
        stopped = [pid for pid in (reap_leftover(workdir), _stop_postmaster(workdir)) if pid]
        shutil.rmtree(workdir, ignore_errors=True)
        if stopped:
            log(f"stopped {stopped} left running by a throwaway run that died (pid {owner})")


def _stop_postmaster(pgdata: Path) -> int | None:
    try:
        process = psutil.Process(int((pgdata / "postmaster.pid").read_text().split()[0]))
        if Path(process.cwd()).resolve() != pgdata.resolve():
            return None
        process.send_signal(signal.SIGINT)  # PostgreSQL's fast shutdown
        process.wait(STOP_TIMEOUT)
    except (FileNotFoundError, ValueError, IndexError, psutil.Error):
        return None
    return process.pid


def service_workdir(name: str, data_dir: Path | None) -> Path:
    """`data_dir/name` for persistent data, else a fresh throwaway dir."""
    if data_dir is None:
        return throwaway_dir(name)
    workdir = data_dir / name
    workdir.mkdir(parents=True, exist_ok=True)
    return workdir


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_process(
    service: str,
    argv: Sequence[str],
    *,
    workdir: Path,
    throwaway: bool,
    is_ready: Callable[[], bool],
    timeout: float,
    fix: str,
    log: Callable[[str], None],
) -> tuple[int, Callable[[], None]]:
    """Run `argv` in `workdir` until `is_ready`; return its pid and an idempotent stop that
    also deletes a throwaway `workdir`."""
    leftover = reap_leftover(workdir)
    if leftover is not None:  # it would share our data files
        log(f"{service}: stopped pid {leftover} that an earlier run left running")
    log_path = workdir / f"{service}.log"
    proc = spawn(argv, cwd=workdir, log_path=log_path)

    def stop_and_clean() -> None:
        stop(proc)
        if throwaway:
            shutil.rmtree(workdir, ignore_errors=True)

    try:
        wait_until_ready(
            proc, is_ready, service=service, log_path=log_path, timeout=timeout, fix=fix
        )
    except BaseException:
        stop_and_clean()
        raise
    return proc.pid, stop_and_clean


def spawn(argv: Sequence[str], *, cwd: Path, log_path: Path) -> subprocess.Popen[bytes]:
    """Start a service in its own session, so a terminal Ctrl-C reaches only us and we stop
    it in order, and write its pid into `cwd` so a later run can reap it after a crash."""
    with log_path.open("ab") as log_file:
        proc = subprocess.Popen(  # noqa: S603 - argv is built from resolved binaries
            argv,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    (cwd / PIDFILE).write_text(str(proc.pid))
    return proc


def wait_until_ready(
    proc: subprocess.Popen[bytes],
    is_ready: Callable[[], bool],
    *,
    service: str,
    log_path: Path,
    timeout: float,
    fix: str,
) -> None:
    """Poll `is_ready` until it answers; fail early with the log's last line if the process dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServiceStartError(
                f"{service}: exited with code {proc.returncode} during startup "
                f"({last_line(log_path)}); see {log_path}, or {fix}"
            )
        if is_ready():
            return
        time.sleep(0.1)
    stop(proc)
    raise ServiceStartError(f"{service}: not ready after {timeout:.0f}s; see {log_path}, or {fix}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate the process group, escalate to SIGKILL if it does not exit in time."""
    if proc.poll() is not None:
        return
    _signal_group(proc.pid, signal.SIGTERM)
    try:
        proc.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        _signal_group(proc.pid, signal.SIGKILL)
        proc.wait()


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def reap_leftover(workdir: Path) -> int | None:
    """Stop a process a crashed earlier run left in `workdir` (same pid and same cwd, so a
    recycled pid is never hit). Returns its pid if there was one."""
    pidfile = workdir / PIDFILE
    try:
        process = psutil.Process(int(pidfile.read_text()))
        if Path(process.cwd()).resolve() != workdir.resolve():
            return None
    except (FileNotFoundError, ValueError, psutil.Error):
        return None
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT)
    except psutil.TimeoutExpired:
        process.kill()
    return process.pid


def last_line(log_path: Path) -> str:
    try:
        lines = log_path.read_text(errors="replace").strip().splitlines()
    except FileNotFoundError:
        return "no log"
    return lines[-1].strip() if lines else "empty log"


def display_path(path: Path) -> str:
    """A path relative to the working directory when it is inside it, for short log lines."""
    with contextlib.suppress(ValueError):
        return str(path.resolve().relative_to(Path.cwd()))
    return str(path)
