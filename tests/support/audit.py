"""The graphql-http conformance audit (every MUST, SHOULD and MAY), run with node."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AUDIT_SCRIPT = Path(__file__).with_name("http_audit.mjs")
MIN_AUDITS = 60


def install_graphql_http() -> None:
    """Install the pinned graphql-http from package-lock.json unless it is there."""
    assert shutil.which("node") and shutil.which("npm"), "the audit needs node and npm"
    if (ROOT / "node_modules" / "graphql-http").is_dir():
        return
    print("installing graphql-http with npm ci ...", flush=True)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
    print("npm ci done", flush=True)


async def run_audit(url: str) -> list[dict[str, str | None]]:
    # A subprocess on the event loop: the server under audit runs on this same loop.
    process = await asyncio.create_subprocess_exec(
        "node",
        str(AUDIT_SCRIPT),
        url,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, stderr.decode()
    return json.loads(stdout)
