"""Chat fan-out: time from `sendMessage` returning to each subscriber's event, and sends/s.

Starts throwaway services and one `personalpod serve --workers 1` process, signs up users
through the API, then for 1, 100 and 1,000 `conversationEvents` subscribers (raw
graphql-transport-ws sockets from this process) sends messages one at a time and records
when every subscriber got each one. 1 subscriber: a DIRECT conversation. 100: a group of
100 members, one socket each. 1,000: the same group, ten sockets (devices) per member.
Then measures how many `sendMessage` calls per second the one server process sustains
(DIRECT conversation, one subscriber, `--concurrency` senders).

    .venv/bin/python bench/chat_fanout.py [--messages 20] [--duration 10] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import websockets

from bench._common import (
    backing_services,
    free_port,
    machine,
    progress,
    serve_command,
    server_process,
    warn_if_busy,
)

SIGN_UP = "mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }"
FRIEND = "mutation($id: ID!) { sendFriendRequest(userId: $id) { id } }"
ACCEPT = "mutation($id: ID!) { acceptFriendRequest(userId: $id) { id } }"
GROUP = "mutation($i: CreateGroupInput!) { createGroup(input: $i) { conversation { id } } }"
DIRECT = "mutation($id: ID!) { startDirectConversation(userId: $id) { id } }"
SEND = "mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }"
EVENTS = """subscription($c: ID!) {
  conversationEvents(conversationId: $c) { kind message { id } } }"""
ENV = {
    "PASSWORD_HASH_PROFILE": "minimal",
    "SIGN_UP_LIMIT_PER_ADDRESS": "1000000",
    "CHAT_SEND_LIMIT": "1000000",
    "CHAT_FRIEND_REQUEST_LIMIT": "1000000",
}


class Api:
    def __init__(self, url: str) -> None:
        self.http = httpx.AsyncClient(base_url=url, timeout=60)

    async def call(self, query: str, variables: dict[str, Any], token: str | None = None) -> Any:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        body = (
            await self.http.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
        ).json()
        if "errors" in body:
            raise RuntimeError(body["errors"])
        return body["data"]

    async def user(self) -> tuple[str, str]:
        tag = secrets.token_hex(5)
        data = await self.call(
            SIGN_UP,
            {
                "i": {
                    "email": f"b{tag}@example.com",
                    "username": f"b_{tag}",
                    "password": "benchmark pass",
                }
            },
        )
        return data["signUp"]["token"], data["signUp"]["user"]["id"]

    async def send(self, token: str, conversation: str) -> tuple[str, float, float]:
        started = time.perf_counter()
        data = await self.call(
            SEND,
            {
                "i": {
                    "conversationId": conversation,
                    "clientId": secrets.token_hex(8),
                    "body": "bench",
                }
            },
            token,
        )
        return data["sendMessage"]["id"], started, time.perf_counter()


def person(user_global_id: str) -> str:
    import base64

    raw = base64.b64decode(user_global_id).decode().split(":", 1)[1]
    return base64.b64encode(f"Person:{raw}".encode()).decode()


class Subscriber:
    """One socket with one subscription; records when each message id arrived."""

    def __init__(self, ws_url: str, token: str, conversation: str) -> None:
        self.ws_url, self.token, self.conversation = ws_url, token, conversation
        self.arrived: dict[str, float] = {}
        self.waiters: dict[str, asyncio.Event] = {}

    async def open(self) -> None:
        self.socket = await websockets.connect(
            self.ws_url, subprotocols=["graphql-transport-ws"], max_queue=None, ping_interval=None
        )
        await self.socket.send(
            json.dumps(
                {"type": "connection_init", "payload": {"authorization": f"Bearer {self.token}"}}
            )
        )
        assert json.loads(await self.socket.recv())["type"] == "connection_ack"
        await self.socket.send(
            json.dumps(
                {
                    "id": "c",
                    "type": "subscribe",
                    "payload": {"query": EVENTS, "variables": {"c": self.conversation}},
                }
            )
        )
        await self.socket.send(
            json.dumps({"id": "p", "type": "subscribe", "payload": {"query": "{ __typename }"}})
        )
        while json.loads(await self.socket.recv()).get("type") != "complete":
            pass
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.socket:
            now = time.perf_counter()
            frame = json.loads(raw)
            event = (frame.get("payload") or {}).get("data", {}).get("conversationEvents")
            if event and event["kind"] == "MESSAGE_ADDED":
                self.arrived[event["message"]["id"]] = now
            elif frame.get("type") in ("error", "complete") or "errors" in (
                frame.get("payload") or {}
            ):
                progress(f"subscriber: unexpected frame {str(frame)[:300]}")

    async def close(self) -> None:
        self.reader.cancel()
        await self.socket.close()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


async def fanout(
    api: Api,
    ws_url: str,
    sender: str,
    conversation: str,
    tokens: list[str],
    count: int,
    messages: int,
) -> dict[str, Any]:
    subscribers = [Subscriber(ws_url, tokens[i % len(tokens)], conversation) for i in range(count)]
    for start in range(0, count, 50):
        await asyncio.gather(*(s.open() for s in subscribers[start : start + 50]))
    # A probe query answering does not prove the subscription reached Redis under load:
    # warm up until every subscriber has heard a message.
    deadline = time.perf_counter() + 120
    while not all(s.arrived for s in subscribers):
        if time.perf_counter() > deadline:
            raise RuntimeError("subscribers did not all become live within 120 s")
        await api.send(sender, conversation)
        await asyncio.sleep(0.5)
    progress(f"fanout: {count} subscribers live; sending {messages} messages")
    from_return, from_start = [], []
    for _ in range(messages):
        message_id, started, returned = await api.send(sender, conversation)
        deadline = time.perf_counter() + 30
        while any(message_id not in s.arrived for s in subscribers):
            if time.perf_counter() > deadline:
                raise RuntimeError("an event did not arrive within 30 s")
            await asyncio.sleep(0.001)
        for s in subscribers:
            from_return.append((s.arrived[message_id] - returned) * 1000)
            from_start.append((s.arrived[message_id] - started) * 1000)
    await asyncio.gather(*(s.close() for s in subscribers))
    return {
        "subscribers": count,
        "messages": messages,
        "from_return_p50_ms": round(percentile(from_return, 50), 1),
        "from_return_p99_ms": round(percentile(from_return, 99), 1),
        "from_request_p50_ms": round(percentile(from_start, 50), 1),
        "from_request_p99_ms": round(percentile(from_start, 99), 1),
    }


async def throughput(
    api: Api,
    ws_url: str,
    sender: str,
    receiver: str,
    conversation: str,
    duration: float,
    concurrency: int,
) -> dict[str, Any]:
    subscriber = Subscriber(ws_url, receiver, conversation)
    await subscriber.open()
    sent, latencies = 0, []
    stop = time.perf_counter() + duration

    async def loop() -> None:
        nonlocal sent
        while time.perf_counter() < stop:
            _, started, returned = await api.send(sender, conversation)
            latencies.append((returned - started) * 1000)
            sent += 1

    began = time.perf_counter()
    await asyncio.gather(*(loop() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    await asyncio.sleep(1)
    received = len(subscriber.arrived)
    await subscriber.close()
    return {
        "concurrency": concurrency,
        "messages_per_second": round(sent / elapsed, 1),
        "send_p50_ms": round(percentile(latencies, 50), 1),
        "send_p99_ms": round(percentile(latencies, 99), 1),
        "sent": sent,
        "received_live": received,
    }


async def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    api, ws_url = Api(url), url.replace("http://", "ws://") + "/graphql"
    owner, owner_id = await api.user()
    progress("setup: signing up 100 members and befriending the owner")
    members = [await api.user() for _ in range(99)]
    for token, _ in members:
        await api.call(FRIEND, {"id": person(owner_id)}, token)
    for _, member_id in members:
        await api.call(ACCEPT, {"id": person(member_id)}, owner)
    group = (
        await api.call(
            GROUP, {"i": {"name": "bench", "memberIds": [person(m) for _, m in members]}}, owner
        )
    )["createGroup"]["conversation"]["id"]
    direct = (await api.call(DIRECT, {"id": person(members[0][1])}, owner))[
        "startDirectConversation"
    ]["id"]
    member_tokens = [owner, *(t for t, _ in members)]
    results: dict[str, Any] = {"fanout": [], "throughput": None}
    warn_if_busy("chat benchmark")
    progress(f"throughput: {args.concurrency} senders for {args.duration:g}s (DIRECT)")
    results["throughput"] = await throughput(
        api, ws_url, owner, members[0][0], direct, args.duration, args.concurrency
    )
    results["fanout"].append(
        await fanout(api, ws_url, owner, direct, [members[0][0]], 1, args.messages)
    )
    for count in (100, 1000):
        results["fanout"].append(
            await fanout(api, ws_url, owner, group, member_tokens, count, args.messages)
        )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=20, help="messages per fan-out run")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of throughput")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent senders")
    parser.add_argument("--json-out", type=Path, default=Path("bench/results/chat_fanout.json"))
    args = parser.parse_args()
    with backing_services() as env:
        port = free_port()
        # The server's own log is kept (bench/results/chat_fanout_server.log) for errors.
        log_path = (args.json_out.parent / "chat_fanout_server.log").resolve()
        command = serve_command(port, 1)
        with server_process(
            "personalpod", command, port, env={**env, **ENV}, keep_log=log_path
        ) as url:
            results = asyncio.run(run(url, args))
    results["machine"] = machine()
    print("\n| subscribers | from return p50 ms | p99 ms | from request p50 ms | p99 ms |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for r in results["fanout"]:
        print(
            f"| {r['subscribers']} | {r['from_return_p50_ms']} | {r['from_return_p99_ms']} "
            f"| {r['from_request_p50_ms']} | {r['from_request_p99_ms']} |"
        )
    t = results["throughput"]
    print(
        f"\nsendMessage: {t['messages_per_second']} messages/s with {t['concurrency']} senders "
        f"(p50 {t['send_p50_ms']} ms, p99 {t['send_p99_ms']} ms; "
        f"{t['received_live']}/{t['sent']} received live)"
    )
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
