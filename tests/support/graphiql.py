"""Drive the GraphiQL page in a real browser as a person would, and watch what it loads."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Page, Route, WebSocket, expect

# GraphiQL reads an edited operation 100 ms after the last change, and stores it after 500.
EDIT_SETTLE_MS = 600

# Recorded before any of the page's own scripts run: CSP violations the console may not show.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
CSP_CONSOLE_WORDS = ("Content Security Policy", "Content-Security-Policy")


@dataclass
class Traffic:
    """Everything the browser tried to reach, and what it said about the page."""

    origin: str
    requested: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)
    sent_frames: list[dict[str, Any]] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def is_ours(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "ws") and parts.netloc == self.origin

    def foreign(self) -> list[str]:
        """Every URL not on our server that anything on the page asked for."""
        urls = [*self.requested, *self.blocked, *self.websockets]
        return sorted({url for url in urls if not self.is_ours(url)})

    def csp_messages(self) -> list[str]:
        return [line for line in self.console if any(w in line for w in CSP_CONSOLE_WORDS)]


async def watch(context: BrowserContext, page: Page, origin: str) -> Traffic:
    """Abort every request to another host, and record all traffic and console output."""
    traffic = Traffic(origin)

    async def route(route: Route) -> None:
        if traffic.is_ours(route.request.url):
            await route.continue_()
        else:
            traffic.blocked.append(route.request.url)
            await route.abort("blockedbyclient")

    def on_websocket(socket: WebSocket) -> None:
        traffic.websockets.append(socket.url)
        socket.on("framesent", lambda payload: traffic.sent_frames.append(_frame(payload)))

    await context.route("**/*", route)
    await context.add_init_script(WATCH_CSP)
    context.on("request", lambda request: traffic.requested.append(request.url))
    page.on("websocket", on_websocket)
    page.on("console", lambda message: traffic.console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: traffic.page_errors.append(str(error)))
    return traffic


def _frame(payload: str | bytes) -> dict[str, Any]:
    try:
        return json.loads(payload)
    except ValueError:
        return {"raw": str(payload)}


class GraphiQL:
    """The page's controls, found by what a person sees (labels and tab names)."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url

    async def open(self) -> None:
        response = await self.page.goto(self.url)
        assert response is not None and response.ok, response
        await expect(self.page.locator(".graphiql-query-editor .monaco-editor")).to_be_visible(
            timeout=20_000
        )

    async def reload(self) -> None:
        await self.page.reload()
        await expect(self.page.locator(".graphiql-query-editor .monaco-editor")).to_be_visible(
            timeout=20_000
        )

    async def select_tab(self, name: str) -> None:
        await self.page.locator(".graphiql-tab", has_text=name).click()
        await expect(self.page.locator(".graphiql-tab-active")).to_contain_text(name)

    async def type_query(self, text: str) -> None:
        await self._replace(self.page.locator(".graphiql-query-editor .monaco-editor"), text)

    async def type_headers(self, text: str) -> None:
        await self.page.get_by_role("button", name="Headers", exact=True).click()
        await self._replace(self.headers_editor(), text)

    def headers_editor(self) -> Any:
        return self.page.locator(
            ".graphiql-editor-tool .graphiql-editor:not(.hidden) .monaco-editor"
        )

    async def run(self) -> None:
        await self.page.get_by_role("button", name="Execute query (Ctrl-Enter)").click()

    def result(self) -> Any:
        return self.page.get_by_label("Result Window")

    async def expect_result(self, text: str, timeout: float = 10_000) -> None:
        """Wait for the result pane to hold `text` (read as a screen reader would: unwrapped)."""
        content = self.result().get_by_role("textbox", name="Editor content")
        await expect(content).to_have_value(re.compile(re.escape(text)), timeout=timeout)

    async def open_docs(self) -> Any:
        await self.page.get_by_role("button", name="Show Documentation Explorer").click()
        return self.page.locator(".graphiql-doc-explorer")

    async def open_explorer(self) -> Any:
        await self.page.get_by_role("button", name="Show GraphiQL Explorer").click()
        return self.page.locator(".graphiql-plugin")

    async def csp_violations(self) -> list[str]:
        return await self.page.evaluate("window.__cspViolations")

    async def _replace(self, editor: Any, text: str) -> None:
        # Select all and insert, as a paste would: typed brackets would be auto-closed.
        await editor.click()
        await self.page.keyboard.press("ControlOrMeta+A")
        await self.page.keyboard.press("Delete")
        await self.page.keyboard.insert_text(text)
        await self.page.wait_for_timeout(EDIT_SETTLE_MS)
