"""PostgreSQL 16 with pgvector, from the `pgserver` package, on a unix socket."""

from __future__ import annotations

import contextlib
import json
import subprocess
import warnings
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import psutil

from server.embedded import processes
from server.embedded.processes import ServiceStartError, StartedService

DATABASE = "personalpod"
FIX = "set DATABASE_URL to use your own PostgreSQL"


def start_postgres(*, data_dir: Path | None, log: Callable[[str], None]) -> StartedService:
    """Start (or adopt a leftover) pgserver in `data_dir/postgres`, or a throwaway one."""
    pgserver = _import_pgserver()
    if data_dir is None:
        # Short and in /tmp: postgres puts its socket here (unix socket paths max ~107 chars).
        pgdata, where = processes.throwaway_dir("pg"), "throwaway"
    else:
        pgdata, where = data_dir / "postgres", processes.display_path(data_dir / "postgres")
        pgdata.parent.mkdir(parents=True, exist_ok=True)
    leftover = _prepare_for_leftover(pgdata)
    try:
        server = pgserver.get_server(pgdata, cleanup_mode="delete" if data_dir is None else "stop")
        _create_database(server)
    except (subprocess.SubprocessError, OSError, RuntimeError, AssertionError) as err:
        raise ServiceStartError(
            f"postgres: pgserver could not start PostgreSQL in {pgdata} ({_reason(err)}); "
            f"see {pgdata / 'log'}, or {FIX}"
        ) from err
    if leftover is None:
        log(f"postgres: started (pgserver, {where})")
    else:
        log(f"postgres: reusing the server pid {leftover} an earlier run left in {where}")
    return StartedService("postgres", _asyncpg_url(server), server.get_pid(), _stopper(server))


def _stopper(server) -> Callable[[], None]:
    """pgserver's cleanup, then nothing left: when the postmaster of an adopted leftover
    died without its orderly shutdown (pg_ctl stop can fail on one), its socket and lock
    files stay behind and would look like a live server to the next run."""
    info = server.get_postmaster_info()
    pid, socket_dir, port = server.get_pid(), Path(info.socket_dir), info.port

    def stop() -> None:
        try:
            server.cleanup()
        finally:
            with contextlib.suppress(psutil.Error):
                psutil.Process(pid).wait(timeout=10)
            if not psutil.pid_exists(pid):
                for name in (f".s.PGSQL.{port}", f".s.PGSQL.{port}.lock"):
                    (socket_dir / name).unlink(missing_ok=True)

    return stop


def _import_pgserver():
    # Imported late: only needed when no DATABASE_URL is configured. Without
    # XDG_RUNTIME_DIR (root, containers) platformdirs warns at import; /tmp is fine.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

    return pgserver


def _prepare_for_leftover(pgdata: Path) -> int | None:
    """Make a crashed earlier run harmless; return the pid of its still-running postmaster.

    pgserver stops the server when the last process in `.handle_pids.json` exits, so a dead
    pid left there would keep ours running forever; and it trusts `postmaster.pid` if any
    process has that pid, so a recycled pid would make it "reuse" a server that is gone.
    """
    handles = pgdata / ".handle_pids.json"
    with contextlib.suppress(FileNotFoundError, ValueError):
        alive = [pid for pid in json.loads(handles.read_text()) if psutil.pid_exists(pid)]
        handles.write_text(json.dumps(alive))
    pidfile = pgdata / "postmaster.pid"
    try:
        postmaster = psutil.Process(int(pidfile.read_text().split()[0]))
        if str(pgdata.resolve()) in postmaster.cmdline():
            return postmaster.pid
    except (FileNotFoundError, IndexError, ValueError, psutil.Error):
        pass
    pidfile.unlink(missing_ok=True)
    return None


def _create_database(server) -> None:
    # \gexec: CREATE DATABASE has no IF NOT EXISTS.
    _psql(
        server,
        "postgres",
        "SELECT 'CREATE DATABASE personalpod' "
        "WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'personalpod') \\gexec",
    )
    _psql(server, DATABASE, "CREATE EXTENSION IF NOT EXISTS vector;")


def _psql(server, database: str, script: str) -> None:
    from pgserver._commands import POSTGRES_BIN_PATH

    subprocess.run(  # noqa: S603 - fixed arguments
        [str(POSTGRES_BIN_PATH / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
         "-d", server.get_uri(database)],
        input=script, capture_output=True, text=True, check=True, timeout=30,
    )  # fmt: skip


def _asyncpg_url(server) -> str:
    # pgserver listens on a socket only (no TCP); asyncpg takes the socket directory as
    # `host`, and an explicit port so a PGPORT in the environment cannot redirect it.
    info = server.get_postmaster_info()
    host = quote(str(info.socket_dir), safe="/")
    return f"postgresql+asyncpg://postgres@/{DATABASE}?host={host}&port={info.port}"


def _reason(err: BaseException) -> str:
    stderr = getattr(err, "stderr", None)
    if isinstance(stderr, str) and stderr.strip():
        return stderr.strip().splitlines()[-1]
    return str(err) or type(err).__name__
