"""Two server processes on one Redis, DynamoDB and PostgreSQL: live events cross them."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.support.chat import EVENTS, direct, send
from tests.support.client import GraphQLClient
from tests.support.ports import free_port
from tests.support.ws import WebSocketClient, subscribed

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def second_server(server, service_env: dict[str, str]) -> AsyncIterator[str]:
    """Another `personalpod serve` process with the same configuration."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "server.cli", "serve", "--workers", "1", "--port", str(port)),
        cwd=ROOT,
        env={**os.environ, **service_env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(300):
                if process.returncode is not None:
                    raise RuntimeError(f"the second server exited with {process.returncode}")
                try:
                    if (await http.get(f"{url}/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        yield url
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), timeout=20)


async def test_a_message_sent_through_one_server_reaches_the_other(
    client: GraphQLClient, server, second_server: str
) -> None:
    # given: Bob subscribed on the second server
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    ws_url = second_server.replace("http://", "ws://") + "/graphql"
    async with WebSocketClient(ws_url) as ws:
        await ws.init({"authorization": f"Bearer {bob.token}"})
        await subscribed(ws, "c", EVENTS, {"c": conversation})
        # when: Ada sends through the first
        sent = await send(client, ada, conversation, "across processes")
        frame = await ws.receive(timeout=10)
        # and Bob answers through the second, read back through the first
        async with GraphQLClient(second_server) as other:
            await send(other, bob, conversation, "got it")
    # then
    event = frame["payload"]["data"]["conversationEvents"]
    assert event["kind"] == "MESSAGE_ADDED"
    assert event["message"]["id"] == sent["id"]
    history = await client.data(
        "query($c: ID!) { messages(conversationId: $c) { edges { node { body } } } }",
        {"c": conversation},
        token=ada.token,
    )
    assert [e["node"]["body"] for e in history["messages"]["edges"]] == [
        "across processes",
        "got it",
    ]
