"""Fixtures of the security tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.support.client import Account, GraphQLClient


@pytest.fixture(scope="module")
async def witness(server: Any) -> AsyncIterator[Account]:
    """A user of the module's own, who checks the server still answers after an attack
    (`tests.support.abuse.assert_still_answers`)."""
    async with GraphQLClient(server.url) as client:
        yield await client.sign_up()
