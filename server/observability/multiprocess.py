"""prometheus-client's multiprocess mode for `personalpod serve --workers N`.

`prepare()` sets `PROMETHEUS_MULTIPROC_DIR` (a fresh folder, or the configured one emptied)
before the workers start, so each worker, importing prometheus-client afterwards, writes
its values there and a scrape of any worker sums them all. A worker that stops marks
itself dead (its live gauges leave the sum); one that was killed is found dead at the next
scrape. This module imports nothing of prometheus-client at import time: the CLI must set
the variable before anything does.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_LIVE_FILE = re.compile(r"^gauge_live\w+?_(\d+)\.db$")


def prepare(workers: int) -> Path | None:
    """Before workers start: empty the configured folder (an earlier run's values would add
    up with this one's), or make one when several workers need it and none is configured.
    Returns the folder it made, for `remove`; one process alone keeps values in memory."""
    configured = os.environ.get(MULTIPROC_ENV)
    if configured:
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
        return None
    if workers <= 1:
        return None
    made = Path(tempfile.mkdtemp(prefix="personalpod-metrics-"))
    os.environ[MULTIPROC_ENV] = str(made)
    return made


def remove(made: Path | None) -> None:
    """After the workers stopped: the folder `prepare` made goes."""
    if made is not None:
        shutil.rmtree(made, ignore_errors=True)


def process_exiting() -> None:
    """A worker's last act, and the supervisor's once it checked the services: this
    process's live gauges (connections, pool use) stop counting."""
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client.multiprocess import mark_process_dead

        mark_process_dead(os.getpid())


def forget_dead_processes(path: str) -> None:
    """Drop the live gauges of worker processes that died without marking themselves."""
    from prometheus_client.multiprocess import mark_process_dead

    for file in os.listdir(path):
        match = _LIVE_FILE.match(file)
        if match and not _alive(int(match.group(1))):
            mark_process_dead(int(match.group(1)), path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
