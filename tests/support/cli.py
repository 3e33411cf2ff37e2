"""The `personalpod` command run as a user would, without the suite's service settings
unless a test passes them."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "DYNAMODB_ENDPOINT",
    "MASTER_KEY",
    "AUDIT_HASH_KEY",
    "AUDIT_SIGNING_KEY",
)


def personalpod(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    # A dev stack running from this checkout (`make run`) must not answer for the test.
    clean["PERSONALPOD_DATA_DIR"] = tempfile.mkdtemp(prefix="pp-cli-")
    # This checkout's code, even when the venv's editable install points at another one.
    clean["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        capture_output=True,
        text=True,
        input=stdin,
        env={**clean, **(env or {})},
        timeout=60,
        cwd="/tmp",
    )
