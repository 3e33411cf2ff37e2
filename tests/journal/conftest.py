"""Helpers of the journal tests: GraphQL documents and waiting for background work."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

CREATE_ENTRY = """
mutation($input: CreateJournalEntryInput!) {
  createJournalEntry(input: $input) {
    id title content entryDate mood moodScore isPrivate wordCount version
    tags { edges { node { id name color } } }
  }
}
"""
UPDATE_ENTRY = """
mutation($id: ID!, $v: Int!, $input: UpdateJournalEntryInput!) {
  updateJournalEntry(id: $id, expectedVersion: $v, input: $input) {
    id title content mood version wordCount tags { edges { node { name } } }
  }
}
"""
CREATE_TAG = """
mutation($input: CreateJournalTagInput!) { createJournalTag(input: $input) { id name color } }
"""
ANALYSIS = """
query($id: ID!) {
  journalEntry(id: $id) {
    sentiment { model label confidence compound }
    emotions { model joy sadness anger fear surprise love neutral dominant }
    topics { edges { node { relevance topic { name system } } } }
  }
}
"""


async def create_entry(client: Any, token: str, **values: Any) -> dict[str, Any]:
    data = await client.data(CREATE_ENTRY, {"input": values}, token=token)
    return data["createJournalEntry"]


async def eventually(
    check: Callable[[], Awaitable[Any]], *, timeout: float = 60, interval: float = 0.2
) -> Any:
    """Poll `check` until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(interval)


@pytest.fixture
def journal(server: Any) -> Any:
    """The journal's settings, shared by its workers and read on every poll."""
    return server.services.clients.settings.journal


@pytest.fixture
def fast_workers(journal: Any) -> Any:
    """Poll quickly during a test, as a deployment may choose to."""
    saved = (journal.reminder_poll_seconds, journal.ai_poll_seconds)
    journal.reminder_poll_seconds = 0.2
    journal.ai_poll_seconds = 0.2
    yield journal
    journal.reminder_poll_seconds, journal.ai_poll_seconds = saved
