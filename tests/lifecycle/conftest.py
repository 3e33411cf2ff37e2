"""The purge job, stopped in the live server so a test runs it by hand, or polling quickly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from datastore.lifecycle.service import AccountPurger
from tests.support.background import background_down

WORKER = "lifecycle-worker"


def _is_worker(task: Any) -> bool:
    return bool(task.get_name() == WORKER)


@pytest.fixture
async def purge_job(server: Any) -> AsyncIterator[AccountPurger]:
    """The server's purge job with its background loop stopped (restarted after), so an
    account whose grace period a test ends waits for the test."""
    job = server.services.lifecycle
    async with background_down(server, _is_worker, job.run, WORKER):
        yield job


@pytest.fixture
async def fast_purge(server: Any) -> AsyncIterator[AccountPurger]:
    """The server's purge job polling every 0.2 s (restarted, so no long sleep is pending)."""
    settings = server.services.clients.settings
    saved, settings.lifecycle_poll_seconds = settings.lifecycle_poll_seconds, 0.2
    job = server.services.lifecycle
    async with background_down(server, _is_worker, job.run, WORKER):
        pass
    yield job
    settings.lifecycle_poll_seconds = saved
