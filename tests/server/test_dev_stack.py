"""`personalpod run` publishes the services it started, and other commands find them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from dotenv import dotenv_values

from tests.support.cli import SERVICE_VARIABLES, personalpod
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_run_publishes_its_services_to_check_and_shell(tmp_path: Path) -> None:
    # given: `personalpod run` with nothing configured, serving
    env = {"PERSONALPOD_DATA_DIR": str(tmp_path), "PASSWORD_HASH_PROFILE": "minimal"}
    port = free_port()
    run = start_run(env, port)
    try:
        wait_serving(run, port)
        dev_env = tmp_path / "dev.env"
        published = dotenv_values(dev_env)
        # when: other commands run beside it with nothing configured either
        check = personalpod("check", env=env)
        shell = personalpod("shell", env=env, stdin="print(run(services.clients.redis.ping()))\n")
    finally:
        run.send_signal(signal.SIGINT)
        _, stderr = run.communicate(timeout=60)
    # then: they found the dev stack
    assert set(published) == {
        "BLOB_DIR",
        "MAIL_DIR",
        "DATABASE_URL",
        "DYNAMODB_ENDPOINT",
        "REDIS_URL",
        "MASTER_KEY",
        "AUDIT_HASH_KEY",
        "AUDIT_SIGNING_KEY",
    }
    assert f"dev service REDIS_URL={published['REDIS_URL']}" in stderr
    assert "MASTER_KEY=" not in stderr
    assert "AUDIT_HASH_KEY=" not in stderr and "AUDIT_SIGNING_KEY=" not in stderr
    assert check.returncode == 0, check.stderr
    assert "using the dev stack's" in check.stderr
    assert shell.stdout.strip().splitlines()[-1] == "True", shell.stderr
    assert oct(dev_env.stat().st_mode if dev_env.exists() else 0) == "0o0"  # removed at stop


def test_run_refuses_a_bad_setting_before_starting_anything(tmp_path: Path) -> None:
    env = {"PERSONALPOD_DATA_DIR": str(tmp_path), "MAX_QUERY_COST": "many"}
    result = personalpod("run", env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("personalpod: MAX_QUERY_COST")
    assert not (tmp_path / "postgres").exists()


def start_run(env: dict[str, str], port: int) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    return subprocess.Popen(
        [sys.executable, "-m", "server.cli", "run", "--port", str(port)],
        env={**clean, **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_serving(process: subprocess.Popen[str], port: int, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError("personalpod run did not start serving")
