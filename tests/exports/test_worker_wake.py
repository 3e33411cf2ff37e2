"""`serve` in its default mode: exports are built by the `personalpod worker` child, which
a request wakes through Redis; EXPORT_POLL_SECONDS is only the fallback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from tests.conftest import LiveServer
from tests.exports.support import REQUEST, wait_ready
from tests.support.background import background_down
from tests.support.client import GraphQLClient
from tests.support.processes import server_process
from tests.support.wait import eventually

POLL_SECONDS = 300


@pytest.fixture
async def only_the_worker_child_exports(server: LiveServer) -> AsyncIterator[None]:
    """The suite's in-process server (on the same services) builds no export meanwhile."""
    async with background_down(
        server,
        lambda task: task.get_name() == "export-worker",
        server.services.exports.run,
        "export-worker",
    ):
        yield


async def test_an_export_requested_through_the_api_is_built_long_before_the_poll(
    service_env: dict[str, str], migrated, only_the_worker_child_exports
) -> None:
    # given: a server whose export worker runs in its worker child, polling every 5 minutes
    env = {
        **service_env,
        "RUN_WORKERS_IN_PROCESS": "false",
        "EXPORT_POLL_SECONDS": str(POLL_SECONDS),
        "LOG_LEVEL": "info",  # the worker children's "running" lines
    }
    lines: list[str] = []
    async with server_process(env, stderr=lines) as url, GraphQLClient(url) as client:

        async def exports_running() -> bool:
            return any("running" in line and "export-worker" in line for line in lines)

        await eventually(exports_running, timeout=120)
        account = await client.sign_up()
        # A first export, built by the worker's first pass or by a wake-up; then the worker
        # ends that pass (it notifies the owner and looks once more, in milliseconds) and
        # waits. (Too short a pause could only let the old, polling worker pass.)
        first = (await client.data(REQUEST, token=account.token))["requestExport"]
        await wait_ready(client, account, first["id"])
        await asyncio.sleep(2)
        # when: another export is requested while the worker waits for its next poll
        started = time.monotonic()
        requested = (await client.data(REQUEST, token=account.token))["requestExport"]
        ready = await wait_ready(client, account, requested["id"])
        # then: it is READY in seconds, not at the worker's next poll
        assert ready["status"] == "READY"
        assert time.monotonic() - started < 30
