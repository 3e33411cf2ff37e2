"""The media job, stopped in the live server so a test runs it by hand, step by step."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from datastore.media.service import MediaProcessor
from tests.support.background import media_worker_down


@pytest.fixture
async def media_job(server: Any) -> AsyncIterator[MediaProcessor]:
    """The server's media job with its background loop stopped (restarted after)."""
    async with media_worker_down(server):
        yield server.services.media


@pytest.fixture
def media_settings(server: Any) -> Any:
    """MEDIA_* settings, read on every claim; restored after the test."""
    settings = server.services.clients.settings.media
    saved = settings.model_copy()
    yield settings
    for name in type(settings).model_fields:
        setattr(settings, name, getattr(saved, name))
