"""The embedded services, started for real: they answer, keep data when asked, and stop."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import botocore.session
import psutil
import pytest
import redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from server.embedded import EmbeddedServices, ServiceStartError, start_services

REPO = Path(__file__).resolve().parents[2]
CACHE_DIR = REPO / ".cache"
VARIABLES = {"DATABASE_URL", "DYNAMODB_ENDPOINT", "REDIS_URL"}

# Run in a child process, which reports its services and then waits to be signalled, or
# dies the way a crashed `make run` does.
CHILD = """
import json, os, signal, sys, time
from pathlib import Path
from server.embedded import start_services
data_dir = Path(sys.argv[1]) if sys.argv[1] else None
def log(line):
    print(line, file=sys.stderr)
with start_services(
    data_dir=data_dir, configured={}, cache_dir=Path(sys.argv[2]), log=log
) as services:
    print(json.dumps({"env": services.env, "pids": services.pids}), flush=True)
    if sys.argv[3] == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(120)
"""


def start(data_dir: Path | None = None, log: list[str] | None = None) -> EmbeddedServices:
    return start_services(
        data_dir=data_dir,
        configured={},
        cache_dir=CACHE_DIR,
        log=(log if log is not None else []).append,
    )


def query(url: str, *statements: str) -> list[list[tuple]]:
    async def run() -> list[list[tuple]]:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                results = [await connection.execute(text(s)) for s in statements]
                return [list(r.all()) if r.returns_rows else [] for r in results]
        finally:
            await engine.dispose()

    return asyncio.run(run())


def dynamodb(endpoint: str):  # type: ignore[no-untyped-def]
    # Other dummy credentials than the launcher's: -sharedDb makes them see the same tables.
    return botocore.session.get_session().create_client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def create_table(endpoint: str, name: str) -> None:
    dynamodb(endpoint).create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def table_names(endpoint: str) -> list[str]:
    return dynamodb(endpoint).list_tables()["TableNames"]


def is_gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def port_is_closed(url: str) -> bool:
    address = urlsplit(url)
    try:
        socket.create_connection((address.hostname, address.port), timeout=1).close()
    except OSError:
        return True
    return False


def postgres_socket_dir(database_url: str) -> Path:
    return Path(parse_qs(urlsplit(database_url).query)["host"][0])


def assert_stopped(env: dict[str, str], pids: dict[str, int]) -> None:
    assert [name for name, pid in pids.items() if not is_gone(pid)] == []
    assert port_is_closed(env["REDIS_URL"])
    assert port_is_closed(env["DYNAMODB_ENDPOINT"])
    assert not (postgres_socket_dir(env["DATABASE_URL"]) / ".s.PGSQL.5432").exists()


def run_child(data_dir: Path | None, mode: str) -> tuple[subprocess.Popen[str], dict]:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data_dir or ""), str(CACHE_DIR), mode],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like a terminal job
    )
    assert child.stdout is not None
    report = child.stdout.readline()
    assert report, "child exited before starting its services"
    return child, json.loads(report)


def test_start_throwaway_services_answer_and_stop_leaving_nothing_behind():
    # given
    with start() as services:
        env, pids = dict(services.env), services.pids

        # when
        rows = query(
            env["DATABASE_URL"],
            "SELECT 1",
            "SELECT extname FROM pg_extension WHERE extname = 'vector'",
            "SELECT current_database()",
        )
        create_table(env["DYNAMODB_ENDPOINT"], "things")
        pong = redis.Redis.from_url(env["REDIS_URL"]).ping()

        # then
        assert rows == [[(1,)], [("vector",)], [("personalpod",)]]
        assert table_names(env["DYNAMODB_ENDPOINT"]) == ["things"]
        assert pong is True
        assert set(env) == VARIABLES

    assert services.env == {}
    assert_stopped(env, pids)
    assert not postgres_socket_dir(env["DATABASE_URL"]).exists()


def test_start_persistent_services_keep_data_across_restart(tmp_path):
    # given
    with start(tmp_path) as services:
        query(
            services.env["DATABASE_URL"],
            "CREATE TABLE notes (body text)",
            "INSERT INTO notes VALUES ('kept') RETURNING body",
        )
        create_table(services.env["DYNAMODB_ENDPOINT"], "kept")
        redis.Redis.from_url(services.env["REDIS_URL"]).set("key", "kept")

    # when
    with start(tmp_path) as services:
        rows = query(services.env["DATABASE_URL"], "SELECT body FROM notes")
        tables = table_names(services.env["DYNAMODB_ENDPOINT"])
        value = redis.Redis.from_url(services.env["REDIS_URL"]).get("key")

    # then
    assert rows == [[("kept",)]]
    assert tables == ["kept"]
    assert value == b"kept"
    assert {p.name for p in tmp_path.iterdir()} == {"postgres", "dynamodb", "redis"}


def test_start_persistent_services_after_crash_reuses_or_replaces_leftovers(tmp_path):
    # given a run that died without stopping anything
    child, crashed = run_child(tmp_path, "crash")
    assert child.wait(30) == -signal.SIGKILL
    assert not any(is_gone(pid) for pid in crashed["pids"].values())
    log: list[str] = []

    # when
    with start(tmp_path, log) as services:
        env, pids = dict(services.env), services.pids
        rows = query(env["DATABASE_URL"], "SELECT 1")
        tables = table_names(env["DYNAMODB_ENDPOINT"])
        pong = redis.Redis.from_url(env["REDIS_URL"]).ping()

    # then
    assert (rows, tables, pong) == ([[(1,)]], [], True)
    assert pids["postgres"] == crashed["pids"]["postgres"]
    assert any(line.startswith("postgres: reusing") for line in log)
    assert any(line.startswith("dynamodb: stopped pid") for line in log)
    assert any(line.startswith("redis: stopped pid") for line in log)
    assert_stopped(env, pids)
    assert_stopped(crashed["env"], crashed["pids"])


def test_start_stops_what_a_killed_throwaway_run_left_behind():
    # given a throwaway run that died without stopping anything (SIGKILL, an OOM kill)
    child, crashed = run_child(None, "crash")
    assert child.wait(30) == -signal.SIGKILL
    assert not any(is_gone(pid) for pid in crashed["pids"].values())
    log: list[str] = []

    # when the next run starts
    with start(None, log) as services:
        env, pids = dict(services.env), services.pids

    # then the orphans are stopped and their folders removed
    assert_stopped(crashed["env"], crashed["pids"])
    assert any(f"(pid {child.pid})" in line for line in log)
    assert not list(Path(tempfile.gettempdir()).glob(f"pp-*-{child.pid}-*"))
    assert_stopped(env, pids)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_parent_signalled_stops_services(sig):
    # given
    child, started = run_child(None, "wait")

    # when, as a terminal's Ctrl-C or a process manager would
    os.killpg(child.pid, sig)

    # then
    assert child.wait(30) != 0
    assert_stopped(started["env"], started["pids"])


def test_start_with_configured_urls_starts_nothing():
    # given
    configured = {
        "DATABASE_URL": "postgresql+asyncpg://app@db/app",
        "DYNAMODB_ENDPOINT": "http://dynamodb:8000",
        "REDIS_URL": "redis://cache:6379/0",
    }
    log: list[str] = []

    # when
    with start_services(
        data_dir=None, configured=configured, cache_dir=CACHE_DIR, log=log.append
    ) as services:
        env, pids = dict(services.env), services.pids

    # then
    assert (env, pids) == ({}, {})
    assert log == [
        "postgres: using DATABASE_URL from the environment",
        "dynamodb: using DYNAMODB_ENDPOINT from the environment",
        "redis: using REDIS_URL from the environment",
    ]


def test_start_without_java_raises_clear_error_and_stops_the_rest(tmp_path):
    # given a PATH with redis-server but no java
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "redis-server").symlink_to(shutil.which("redis-server"))
    configured = {"PATH": str(tmp_path / "bin"), "DATABASE_URL": "postgresql://elsewhere/db"}
    log: list[str] = []

    # when
    with pytest.raises(ServiceStartError) as error:
        start_services(data_dir=None, configured=configured, cache_dir=tmp_path, log=log.append)

    # then
    assert str(error.value) == (
        "dynamodb: `java` not found on PATH; install Java 17 "
        "(apt-get install openjdk-17-jre-headless) or set DYNAMODB_ENDPOINT to use another DynamoDB"
    )
    assert log[-1] == "redis: stopped"
    assert not (tmp_path / "dynamodb-local").exists()


def test_start_redis_failing_reports_its_log(tmp_path):
    # given a "redis-server" that exits at once
    (tmp_path / "redis-server").write_text("#!/bin/sh\necho 'Address already in use' >&2\nexit 1\n")
    (tmp_path / "redis-server").chmod(0o755)
    configured = {
        "PATH": str(tmp_path),
        "DATABASE_URL": "postgresql://elsewhere/db",
        "DYNAMODB_ENDPOINT": "http://elsewhere:8000",
    }

    # when
    with pytest.raises(ServiceStartError) as error:
        start_services(data_dir=None, configured=configured, cache_dir=tmp_path, log=print)

    # then
    message = str(error.value)
    assert message.startswith("redis: exited with code 1 during startup (Address already in use)")
    assert message.endswith("or set REDIS_URL to use your own Redis")
