"""Chat fan-out: time from `sendMessage` returning to each subscriber's event, and sends/s.

Starts throwaway services and one `personalpod serve --workers 1` process, signs up users
through the API, then for 1, 100 and 1,000 `conversationEvents` subscribers (raw
graphql-transport-ws sockets from this process) sends messages one at a time and records
when every subscriber got each one. 1 subscriber: a DIRECT conversation. 100: a group of
100 members, one socket each. 1,000: the same group, ten sockets (devices) per member.
Then measures how many `sendMessage` calls per second the one server process sustains
(DIRECT conversation, one subscriber, `--concurrency` senders). Last, 10,000 subscribers
over two server processes (a second `serve` on another port, the same services): the same
group, 100 sockets per member, socket i on server i % 2, held by `--client-processes`
client processes (one Python client cannot read 10,000 frames in time).

    .venv/bin/python bench/chat_fanout.py [--messages 20] [--duration 10] [--concurrency 16]
        [--cases send,1,100,1000,10000] [--client-processes 4]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import secrets
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from bench._chat_clients import Subscriber, client_process, open_all
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
    await open_all(subscribers)
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
    return _latencies(count, messages, from_return, from_start, servers=1, clients=1)


def _latencies(
    count: int,
    messages: int,
    from_return: list[float],
    from_start: list[float],
    *,
    servers: int,
    clients: int,
) -> dict[str, Any]:
    return {
        "subscribers": count,
        "servers": servers,
        "client_processes": clients,
        "messages": messages,
        "from_return_p50_ms": round(percentile(from_return, 50), 1),
        "from_return_p99_ms": round(percentile(from_return, 99), 1),
        "from_request_p50_ms": round(percentile(from_start, 50), 1),
        "from_request_p99_ms": round(percentile(from_start, 99), 1),
    }


async def fanout_processes(
    api: Api,
    ws_urls: list[str],
    sender: str,
    conversation: str,
    tokens: list[str],
    count: int,
    messages: int,
    processes: int,
) -> dict[str, Any]:
    """As `fanout`, with socket i on server i % len(ws_urls) and the sockets held by
    `processes` client processes."""
    plans: list[list[tuple[str, str]]] = [[] for _ in range(processes)]
    for i in range(count):
        plans[(i // len(ws_urls)) % processes].append(
            (ws_urls[i % len(ws_urls)], tokens[i % len(tokens)])
        )
    context = multiprocessing.get_context("spawn")
    loop, reports = asyncio.get_running_loop(), asyncio.Queue[tuple[int, tuple[Any, ...]]]()
    pipes, children = [], []
    for index, plan in enumerate(plans):
        mine, theirs = context.Pipe()
        child = context.Process(
            target=client_process, args=(plan, conversation, theirs, max(1, 48 // processes))
        )
        child.start()
        pipes.append(mine)
        children.append(child)
        threading.Thread(target=_pump, args=(mine, index, loop, reports), daemon=True).start()
    try:
        return await _measure_processes(
            api, sender, conversation, count, messages, processes, len(ws_urls), reports
        )
    finally:
        for pipe in pipes:
            with contextlib.suppress(OSError):
                pipe.send("stop")
        for child in children:
            child.join(timeout=60)
            if child.is_alive():
                child.kill()


def _pump(pipe: Any, index: int, loop: asyncio.AbstractEventLoop, reports: asyncio.Queue) -> None:
    """Hand a child's reports to the event loop, until the child closes its end."""
    while True:
        try:
            report = pipe.recv()
        except (EOFError, OSError):
            return
        loop.call_soon_threadsafe(reports.put_nowait, (index, report))


async def _measure_processes(
    api: Api,
    sender: str,
    conversation: str,
    count: int,
    messages: int,
    processes: int,
    servers: int,
    reports: asyncio.Queue,
) -> dict[str, Any]:
    seen: dict[str, set[int]] = {}
    arrivals: dict[str, list[float]] = {}

    async def until(done: Any, seconds: float, what: str) -> None:
        deadline = time.perf_counter() + seconds
        while not done():
            left = deadline - time.perf_counter()
            if left <= 0:
                raise RuntimeError(f"{what} within {seconds:.0f} s")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(left, 0.5)):
                    index, report = await reports.get()
                    seen.setdefault(report[0], set()).add(index)
                    if report[0] == "arrived":
                        arrivals.setdefault(report[1], []).extend(report[2])
                        seen.setdefault(report[1], set()).add(index)

    await until(lambda: len(seen.get("open", ())) == processes, 900, "sockets did not all open")
    progress(f"fanout: {count} sockets open over {servers} servers; warming up")
    deadline = time.perf_counter() + 180
    while len(seen.get("live", ())) < processes:
        if time.perf_counter() > deadline:
            raise RuntimeError("subscribers did not all become live within 180 s")
        await api.send(sender, conversation)
        with contextlib.suppress(RuntimeError):
            await until(lambda: len(seen.get("live", ())) == processes, 0.5, "")
    progress(f"fanout: {count} subscribers live; sending {messages} messages")
    from_return, from_start = [], []
    for _ in range(messages):
        message_id, started, returned = await api.send(sender, conversation)
        await until(
            lambda m=message_id: len(seen.get(m, ())) == processes, 60, "an event did not arrive"
        )
        from_return.extend((t - returned) * 1000 for t in arrivals[message_id])
        from_start.extend((t - started) * 1000 for t in arrivals[message_id])
    return _latencies(count, messages, from_return, from_start, servers=servers, clients=processes)


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


async def run(urls: list[str], args: argparse.Namespace) -> dict[str, Any]:
    api = Api(urls[0])
    ws_urls = [url.replace("http://", "ws://") + "/graphql" for url in urls]
    ws_url = ws_urls[0]
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
    cases = args.cases.split(",")
    results["busy_before"] = warn_if_busy("chat benchmark")
    if "send" in cases:
        progress(f"throughput: {args.concurrency} senders for {args.duration:g}s (DIRECT)")
        results["throughput"] = await throughput(
            api, ws_url, owner, members[0][0], direct, args.duration, args.concurrency
        )
    if "1" in cases:
        results["fanout"].append(
            await fanout(api, ws_url, owner, direct, [members[0][0]], 1, args.messages)
        )
    for count in (100, 1000):
        if str(count) in cases:
            results["fanout"].append(
                await fanout(api, ws_url, owner, group, member_tokens, count, args.messages)
            )
    if "10000" in cases:
        # 100 sockets per member, half on each server process.
        results["fanout"].append(
            await fanout_processes(
                api,
                ws_urls,
                owner,
                group,
                member_tokens,
                10_000,
                args.messages,
                args.client_processes,
            )
        )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=20, help="messages per fan-out run")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of throughput")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent senders")
    parser.add_argument("--json-out", type=Path, default=Path("bench/results/chat_fanout.json"))
    parser.add_argument(
        "--cases",
        default="send,1,100,1000,10000",
        help="which runs: send (sends/s), 1, 100, 1000 (one server), 10000 (two servers)",
    )
    parser.add_argument(
        "--client-processes", type=int, default=4, help="client processes of the 10,000 case"
    )
    args = parser.parse_args()
    servers = 2 if "10000" in args.cases.split(",") else 1
    with backing_services() as env, contextlib.ExitStack() as stack:
        urls = []
        for number in range(1, servers + 1):
            port = free_port()
            # The servers' own logs are kept (bench/results/chat_fanout_server*.log).
            suffix = "" if number == 1 else str(number)
            log_path = (args.json_out.parent / f"chat_fanout_server{suffix}.log").resolve()
            urls.append(
                stack.enter_context(
                    server_process(
                        f"personalpod{suffix}",
                        serve_command(port, 1),
                        port,
                        env={**env, **ENV},
                        keep_log=log_path,
                    )
                )
            )
        results = asyncio.run(run(urls, args))
    results["machine"] = machine()
    print(
        "\n| subscribers | servers | from return p50 ms | p99 ms | from request p50 ms | p99 ms |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results["fanout"]:
        print(
            f"| {r['subscribers']} | {r['servers']} | {r['from_return_p50_ms']} "
            f"| {r['from_return_p99_ms']} | {r['from_request_p50_ms']} "
            f"| {r['from_request_p99_ms']} |"
        )
    t = results["throughput"]
    if t:
        print(
            f"\nsendMessage: {t['messages_per_second']} messages/s with {t['concurrency']} "
            f"senders (p50 {t['send_p50_ms']} ms, p99 {t['send_p99_ms']} ms; "
            f"{t['received_live']}/{t['sent']} received live)"
        )
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
