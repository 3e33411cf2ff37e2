"""The `personalpod` command: help for every command, one clear line for bad setups."""

from __future__ import annotations

import socket

import pytest

from tests.support.cli import personalpod
from tests.support.ports import free_port

COMMANDS = [
    "run",
    "serve",
    "worker",
    "migrate",
    "export-schema",
    "create-account",
    "purge-account",
    "check",
    "generate-key",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = personalpod(command, "--help")
    assert result.returncode == 0
    assert f"usage: personalpod {command}" in result.stdout


def test_a_missing_setting_is_one_line_naming_it() -> None:
    result = personalpod("check")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "personalpod: DATABASE_URL is not set: set it in the environment or .env "
        "(see README, Configuration)"
    ]


def test_an_unreadable_persisted_query_manifest_is_one_line_naming_it(
    service_env, tmp_path
) -> None:
    missing = tmp_path / "manifest.json"
    env = {
        **service_env,
        "PERSISTED_QUERIES": "allowlist",
        "PERSISTED_QUERIES_MANIFEST": str(missing),
    }
    result = personalpod("check", env=env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"personalpod: PERSISTED_QUERIES_MANIFEST {missing} cannot be read:"
        " No such file or directory"
    ]


def test_a_malformed_setting_is_one_line_naming_it(service_env) -> None:
    result = personalpod("check", env={**service_env, "MASTER_KEY": "c2hvcnQ="})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("personalpod: MASTER_KEY")
    assert "32 bytes" in lines[0]


def test_an_unreachable_service_is_one_line_naming_it(service_env) -> None:
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    result = personalpod("check", env={**service_env, "REDIS_URL": dead_redis})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("personalpod: redis is unreachable")
    assert "REDIS_URL" in lines[0]


def test_check_passes_with_reachable_services(service_env) -> None:
    result = personalpod("check", env=service_env)
    assert result.returncode == 0, result.stderr
    assert "reachable" in result.stdout


def test_generate_key_prints_a_usable_master_key() -> None:
    from datastore.kit.settings import Settings

    key = personalpod("generate-key").stdout.strip()
    assert Settings._master_key(key) == key


def test_serve_on_a_taken_port_fails_before_saying_it_serves(service_env) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = personalpod("serve", "--host", "127.0.0.1", "--port", str(port), env=service_env)
    assert result.returncode == 1
    assert "serving" not in result.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr.strip().splitlines()[-1]
