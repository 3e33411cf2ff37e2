"""`personalpod serve` in its default mode: the API processes run no background work; a
niced `personalpod worker` (the AI's jobs and the others in a child each) runs all of it,
restarted when it dies, stopped with the server. (The suite's other servers run it
in-process: RUN_WORKERS_IN_PROCESS=true.)"""

from __future__ import annotations

import os
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass

import psutil
import pytest

from tests.support.client import GraphQLClient
from tests.support.pod import create_entry
from tests.support.processes import server_pid, server_process
from tests.support.search import SEARCH
from tests.support.wait import eventually


@dataclass
class DefaultServer:
    url: str
    pid: int
    log: list[str]


def default_mode(service_env: dict[str, str], **overrides: str) -> dict[str, str]:
    return {
        **service_env,
        "RUN_WORKERS_IN_PROCESS": "false",
        "JOURNAL_AI_POLL_SECONDS": "0.2",
        "LOG_LEVEL": "info",  # the startup line and the supervisor's lines
        **overrides,
    }


def worker_children(pid: int) -> list[psutil.Process]:
    """The live `personalpod worker` children of process `pid` (not the dead, unreaped)."""
    children = []
    for child in psutil.Process(pid).children():
        try:
            if "worker" in child.cmdline():
                children.append(child)
        except (psutil.ZombieProcess, psutil.NoSuchProcess):
            pass
    return children


@pytest.fixture(scope="module")
async def default_server(service_env: dict[str, str], migrated) -> AsyncIterator[DefaultServer]:
    lines: list[str] = []
    async with server_process(default_mode(service_env), stderr=lines) as url:
        yield DefaultServer(url, server_pid(url), lines)


async def the_worker_children(server: DefaultServer) -> dict[str, psutil.Process]:
    """The two children of the one worker, by the jobs they run (ai, other)."""

    async def found() -> dict[str, psutil.Process] | None:
        children = {c.cmdline()[-1]: c for c in worker_children(server.pid)}
        return children if len(children) == 2 else None

    return await eventually(found, timeout=60)


async def test_a_note_is_embedded_by_the_worker_child(default_server: DefaultServer) -> None:
    # given: the server in its default mode and a user
    async with GraphQLClient(default_server.url) as client:
        account = await client.sign_up()
        # when: a note is written through the API (its outbox event goes to the relay)
        await create_entry(client, account, title="Recipe", body="Grandma's apple pie, cinnamon")

        # then: the relay enqueued it and the AI job embedded it, so search by meaning finds it
        async def found_by_meaning() -> list[str]:
            data = await client.data(
                SEARCH,
                {"q": "baking a dessert", "mode": "SEMANTIC", "kinds": ["NOTE"]},
                token=account.token,
            )
            return [edge["node"]["title"] for edge in data["search"]["edges"]]

        assert await eventually(found_by_meaning, timeout=120) == ["Recipe"]


async def test_the_worker_children_are_niced_and_announced(default_server: DefaultServer) -> None:
    # given / when: the server has started
    children = await the_worker_children(default_server)
    # then: the AI's jobs and the others run in a child each, at WORKER_NICENESS, the API
    # process at ours, and the log says so
    assert sorted(children) == ["ai", "other"]
    assert [child.nice() for child in children.values()] == [10, 10]
    assert psutil.Process(default_server.pid).nice() == os.nice(0)
    serving = [line for line in default_server.log if '"serving"' in line]
    assert len(serving) == 1 and "1 `personalpod worker` child(ren)" in serving[0]

    async def announced() -> dict[str, str] | None:
        # Each child's line, once both have written one: the AI child, loading its model,
        # is often the later of the two.
        lines = {
            name: line
            for line in default_server.log
            for name, child in children.items()
            if f"worker {child.pid} running (nice 10" in line
        }
        return lines if len(lines) == len(children) else None

    lines = await eventually(announced, timeout=60)
    assert lines["ai"].endswith("): journal-ai-worker; Ctrl-C stops")


async def test_a_dead_worker_child_is_restarted(default_server: DefaultServer) -> None:
    # given: the running AI child
    dead = (await the_worker_children(default_server))["ai"]
    # when: it is killed, as the OOM killer would
    dead.send_signal(signal.SIGKILL)

    # then: another one takes its place, and the log says why
    async def replaced() -> psutil.Process | None:
        children = await the_worker_children(default_server)
        return children["ai"] if children["ai"].pid != dead.pid else None

    restarted = await eventually(replaced, timeout=60)
    assert restarted.nice() == 10  # from its start: the supervisor nices it
    exited = [line for line in default_server.log if '"worker_exited"' in line]
    assert len(exited) == 1 and f'"pid": {dead.pid}' in exited[0]
    assert '"code": -9' in exited[0]


async def test_stopping_the_server_stops_its_worker_children(
    service_env: dict[str, str], migrated
) -> None:
    # given: a server and its running worker child
    lines: list[str] = []
    async with server_process(default_mode(service_env), stderr=lines) as url:
        server = DefaultServer(url, server_pid(url), lines)
        children = list((await the_worker_children(server)).values())

        async def running() -> bool:
            started = [c for c in children if any(f"worker {c.pid} running" in x for x in lines)]
            return len(started) == len(children)

        await eventually(running, timeout=60)
    # when: the server was stopped (SIGTERM) on leaving the block
    # then: the children are gone too, stopped by their SIGTERM, not killed nor restarted
    assert not [child for child in children if psutil.pid_exists(child.pid)]
    assert not [line for line in lines if '"worker_killed"' in line or '"worker_exited"' in line]


async def test_no_worker_serves_the_api_alone(service_env: dict[str, str], migrated) -> None:
    # given / when: WORKER_PROCESSES=0, for workers running elsewhere
    lines: list[str] = []
    env = default_mode(service_env, WORKER_PROCESSES="0")
    async with server_process(env, stderr=lines) as url:
        # then: it serves, with no child, and says where background work must run
        async with GraphQLClient(url) as client:
            assert (await client.sign_up()).token
        assert worker_children(server_pid(url)) == []
    serving = [line for line in lines if '"serving"' in line]
    assert len(serving) == 1 and "no worker child (run `personalpod worker`)" in serving[0]
