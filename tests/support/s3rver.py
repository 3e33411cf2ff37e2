"""A real S3 REST server for the tests: the npm package `s3rver` (from `npm ci`), started
like the other embedded services and stopped with its throwaway data folder."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from server.embedded import processes

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "node_modules" / "s3rver" / "bin" / "s3rver.js"
BUCKET = "personalpod-test"
# s3rver's fixed credentials.
ACCESS_KEY = "S3RVER"
SECRET_KEY = "S3RVER"


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str
    data_dir: Path


@contextmanager
def running_s3rver() -> Iterator[S3Server]:
    """s3rver on a free port with one bucket, until the block ends."""
    if not SCRIPT.exists():
        raise RuntimeError(f"{SCRIPT} is missing: run `npm ci` (make install)")
    node = processes.find_binary("node", processes.search_path({}), service="s3rver", fix="")
    workdir = processes.throwaway_dir("s3rver")
    data = workdir / "data"
    data.mkdir()
    port = processes.free_port()
    argv = [node, str(SCRIPT), "-d", str(data), "-p", str(port), "-a", "127.0.0.1", "--silent"]
    argv += ["--configure-bucket", BUCKET]
    _pid, stop = processes.start_process(
        "s3rver",
        argv,
        workdir=workdir,
        throwaway=True,
        is_ready=lambda: _listening(port),
        timeout=30,
        fix="run `npm ci`",
        log=lambda _line: None,
    )
    try:
        yield S3Server(f"http://127.0.0.1:{port}", BUCKET, workdir)
    finally:
        stop()


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False
