"""A headless Debian chromium driven by Playwright, offline but for the test server."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, async_playwright

from server.graphiql.page import STATIC_DIR
from tests.conftest import LiveServer
from tests.support.graphiql import GraphiQL, Traffic, watch

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get)")
    if not (STATIC_DIR / "manifest.json").exists():
        pytest.fail("GraphiQL is not built: run `make install` (npm run build:graphiql)")
    return CHROMIUM


@pytest.fixture(scope="session")
async def browser(chromium_path: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium_path),
            headless=True,
            # Nothing but loopback resolves, whatever slips past the request routing.
            args=["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
        )
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
async def offline_page(
    browser: Browser, server: LiveServer
) -> AsyncIterator[tuple[GraphiQL, Traffic]]:
    """A fresh browser profile on GraphiQL, every other host blocked and recorded."""
    context = await browser.new_context(
        service_workers="block", viewport={"width": 1600, "height": 1000}
    )
    page = await context.new_page()
    traffic = await watch(context, page, urlsplit(server.url).netloc)
    try:
        yield GraphiQL(page, f"{server.url}/graphql"), traffic
    finally:
        await context.close()
