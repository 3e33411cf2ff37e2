"""Load smoke test (issue 9): 200 clients on a mix of `me`, an entries page, `createEntry` and
`sendMessage` for 2 minutes; errors, p50/p99 per operation and the server's memory.

    .venv/bin/python bench/load.py [--clients 200] [--users 40] [--duration 120]
                                   [--workers 2] [--client-processes 2]
                                   [--mix me=40,entries=30,createEntry=20,sendMessage=10]
                                   [--json-out bench/results/load.json]

Starts throwaway PostgreSQL, DynamoDB Local and Redis, runs `personalpod serve --workers W`
(background workers off: RUN_WORKERS_IN_PROCESS=false), signs up `--users` users through the
API, gives each a DIRECT conversation, three tags and `--seed-entries` entries, then runs
`--clients` keep-alive clients in `--client-processes` processes, each client looping over
the weighted mix as one of the users for `--duration` seconds. The server processes' RSS is
sampled every 5 s. Everything started here is stopped at the end, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import random
import secrets
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (
    ROOT,
    KeepAliveClient,
    add_json_out,
    backing_services,
    busy_between,
    cpu_ticks,
    free_port,
    machine,
    percentile,
    progress,
    run_children,
    serve_command,
    server_subprocess,
    split,
    warn_if_busy,
)

OPERATIONS = ("me", "entries", "createEntry", "sendMessage")
DEFAULT_MIX = "me=40,entries=30,createEntry=20,sendMessage=10"
ME = "query Me { me { id email username displayName presence { status lastSeen } } }"
ENTRIES = """query Entries { entries(first: 20) {
  edges { node { id title createdAt tags { edges { node { id name } } } } }
  pageInfo { hasNextPage endCursor } } }"""
CREATE_ENTRY = """mutation CreateEntry($i: CreateEntryInput!) {
  createEntry(input: $i) { id title createdAt tags { edges { node { id } } } } }"""
SEND = "mutation SendMessage($i: SendMessageInput!) { sendMessage(input: $i) { id } }"
SIGN_UP = "mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }"
DIRECT = "mutation($id: ID!) { startDirectConversation(userId: $id) { id } }"
CREATE_TAG = "mutation($i: CreateTagInput!) { createTag(input: $i) { id } }"
TAG_NAMES = ("work", "home", "ideas")
# The server trusts X-Forwarded-For from 127.0.0.1 (FORWARDED_ALLOW_IPS) so each user signs
# up from an address of its own: the per-address sign-up limit stays as it is.
SERVER_ENV = {
    "RUN_WORKERS_IN_PROCESS": "false",
    "PASSWORD_HASH_PROFILE": "minimal",  # setup only: the mix never hashes a password
    "FORWARDED_ALLOW_IPS": "127.0.0.1",
}
SAMPLE_SECONDS = 5.0
CPU_KEYS = ("machine_busy_during", "server_cpu_cores", "services_cpu_cores")


# --------------------------------------------------------------------------- setup


async def _call(
    http: Any, query: str, variables: dict, token: str | None = None, address: str | None = None
) -> Any:
    headers = {"x-forwarded-for": address} if address else {}
    if token:
        headers["authorization"] = f"Bearer {token}"
    reply = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body = reply.json()
    if reply.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"setup call failed ({reply.status_code}): {body}")
    return body["data"]


def _person(user_global_id: str) -> str:
    import base64

    raw = base64.b64decode(user_global_id).decode().split(":", 1)[1]
    return base64.b64encode(f"Person:{raw}".encode()).decode()


async def _setup(url: str, args: argparse.Namespace) -> list[list[dict[str, Any]]]:
    """Sign up the users and give them conversations, tags and entries; one list of users
    per client process (disjoint, so each process can keep its users under the send limit)."""
    import httpx

    limits = httpx.Limits(max_connections=16)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        gate = asyncio.Semaphore(16)

        async def bounded(coroutine):
            async with gate:
                return await coroutine

        async def sign_up(index: int) -> dict[str, Any]:
            tag = secrets.token_hex(4)
            data = await _call(
                http,
                SIGN_UP,
                {
                    "i": {
                        "email": f"load{index}-{tag}@example.com",
                        "username": f"load{index}_{tag}",
                        "password": secrets.token_urlsafe(16),
                    }
                },
                address=f"10.77.{index // 250}.{index % 250 + 1}",
            )
            return {"token": data["signUp"]["token"], "id": data["signUp"]["user"]["id"]}

        progress(f"setup: signing up {args.users} users")
        users = await asyncio.gather(*(bounded(sign_up(i)) for i in range(args.users)))
        shares = [users[p :: args.client_processes] for p in range(args.client_processes)]

        async def converse(share: list[dict[str, Any]], i: int) -> None:
            partner = share[i ^ 1] if (i ^ 1) < len(share) else share[0]
            if partner is share[i]:
                raise SystemExit("each client process needs at least two users")
            data = await _call(http, DIRECT, {"id": _person(partner["id"])}, share[i]["token"])
            share[i]["conversation"] = data["startDirectConversation"]["id"]

        async def tags(user: dict[str, Any]) -> None:
            user["tags"] = [
                (await _call(http, CREATE_TAG, {"i": {"name": name}}, user["token"]))["createTag"][
                    "id"
                ]
                for name in TAG_NAMES
            ]

        progress("setup: direct conversations and tags")
        await asyncio.gather(
            *(bounded(converse(share, i)) for share in shares for i in range(len(share))),
            *(bounded(tags(user)) for user in users),
        )
        progress(f"setup: {args.seed_entries} entries per user")
        rng = random.Random(1)
        await asyncio.gather(
            *(
                bounded(_call(http, CREATE_ENTRY, {"i": _entry_input(rng, user)}, user["token"]))
                for user in users
                for _ in range(args.seed_entries)
            )
        )
    return shares


def _entry_input(rng: random.Random, user: dict[str, Any]) -> dict[str, Any]:
    words = rng.sample(["load", "note", "smoke", "test", "garden", "river", "plan", "idea"], 3)
    return {
        "kind": "NOTE",
        "title": " ".join(words).capitalize(),
        "body": "Written by bench/load.py: " + " ".join(rng.choices(words, k=12)),
        "tagIds": rng.sample(user["tags"], rng.randint(1, 2)),
    }


# --------------------------------------------------------------------------- client process


def _client_main() -> None:
    """Child process: read a config on stdin, run its clients, print results as JSON."""
    config = json.loads(sys.stdin.read())
    try:
        import uvloop

        results = uvloop.run(_clients(config))
    except ImportError:
        results = asyncio.run(_clients(config))
    json.dump(results, sys.stdout)


async def _clients(config: dict[str, Any]) -> dict[str, Any]:
    import orjson

    users = config["users"]
    weights = [config["mix"].get(op, 0) for op in OPERATIONS]
    others = [0 if op == "sendMessage" else w for op, w in zip(OPERATIONS, weights, strict=True)]
    latencies: dict[str, list[int]] = {op: [] for op in OPERATIONS}
    errors: dict[str, collections.Counter[str]] = {op: collections.Counter() for op in OPERATIONS}
    per_bucket: collections.Counter[int] = collections.Counter()
    deferred = 0
    # Sends of each user that the server may still count in its current window: in flight,
    # or finished less than a window ago (the server counts a send between its start and
    # its end, so one that ended a full window before another started never shares its
    # window). Users belong to one process only, so this keeps every user under the limit.
    in_flight = [0] * len(users)
    ended: list[collections.deque[float]] = [collections.deque() for _ in users]
    budget, window = config["send_budget"], config["send_window"]
    bodies = {
        "me": orjson.dumps({"query": ME, "operationName": "Me"}),
        "entries": orjson.dumps({"query": ENTRIES, "operationName": "Entries"}),
    }
    perf = time.perf_counter
    started = perf()
    deadline = started + config["duration"]

    def may_send(u: int, now: float) -> bool:
        while ended[u] and ended[u][0] <= now - window:
            ended[u].popleft()
        return in_flight[u] + len(ended[u]) < budget

    def request(op: str, u: int, rng: random.Random) -> bytes:
        if op in bodies:
            return bodies[op]
        user = users[u]
        if op == "createEntry":
            variables = {"i": _entry_input(rng, user)}
        else:
            variables = {
                "i": {
                    "conversationId": user["conversation"],
                    "clientId": secrets.token_hex(8),
                    "body": "load test message",
                }
            }
        return orjson.dumps(
            {
                "query": CREATE_ENTRY if op == "createEntry" else SEND,
                "variables": variables,
                "operationName": op[0].upper() + op[1:],
            }
        )

    async def client(index: int) -> None:
        nonlocal deferred
        rng = random.Random(config["seed"] * 100_003 + index)
        u = index % len(users)
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {users[u]['token']}",
        }
        http = KeepAliveClient(config["url"])
        await asyncio.sleep(rng.random() * 0.5)  # do not open every connection at once
        while (now := perf()) < deadline:
            op = rng.choices(OPERATIONS, weights)[0]
            if op == "sendMessage" and not may_send(u, now):
                deferred += 1
                op = rng.choices(OPERATIONS, others)[0]
            body = request(op, u, rng)
            if op == "sendMessage":
                in_flight[u] += 1
            begin = perf()
            problem = None
            try:
                async with asyncio.timeout(config["timeout"]):
                    status, reply = await http.post("/graphql", body, headers)
            except (OSError, EOFError, asyncio.IncompleteReadError, TimeoutError) as error:
                problem = f"transport: {type(error).__name__} {error}".strip()[:200]
            else:
                problem = _problem(status, reply, orjson.loads)
            end = perf()
            if op == "sendMessage":
                in_flight[u] -= 1
                ended[u].append(end)
            latencies[op].append(round((end - begin) * 1e6))
            per_bucket[int((begin - started) // 10)] += 1
            if problem:
                errors[op][problem] += 1
        http.close()

    await asyncio.gather(*(client(i) for i in range(config["clients"])))
    return {
        "elapsed_s": perf() - started,
        "cpu_s": time.process_time(),
        "latencies_us": latencies,
        "errors": {op: dict(found) for op, found in errors.items()},
        "sends_deferred": deferred,
        "per_10s": dict(per_bucket),
    }


def _problem(status: int, reply: bytes, loads: Any) -> str | None:
    """Why a response counts as an error, or None: not 200, `errors`, or no data."""
    if status != 200:
        return f"HTTP {status}: {reply[:160].decode(errors='replace')}"
    try:
        body = loads(reply)
    except ValueError:
        return f"not JSON: {reply[:160].decode(errors='replace')}"
    if body.get("errors"):
        first = body["errors"][0]
        code = (first.get("extensions") or {}).get("code", "NO_CODE")
        return f"{code}: {first.get('message', '')}"[:200]
    if not body.get("data") or None in body["data"].values():
        return f"no data: {reply[:160].decode(errors='replace')}"
    return None


# --------------------------------------------------------------------------- parent


class MemorySampler(threading.Thread):
    """RSS of the server (its master and every descendant) every `interval` seconds."""

    def __init__(
        self, pid: int, services: dict[str, int], interval: float = SAMPLE_SECONDS
    ) -> None:
        super().__init__(daemon=True)
        self.pid, self.services, self.interval = pid, services, interval
        self.samples: list[dict[str, Any]] = []
        self.names: dict[int, str] = {}
        self.cpu: dict[int, float] = {}  # CPU seconds of each server process so far
        self.stopped = threading.Event()
        self.began = time.perf_counter()

    def sample(self) -> None:
        import psutil

        master = psutil.Process(self.pid)
        rss: dict[str, int] = {}
        for proc in [master, *master.children(recursive=True)]:
            try:
                rss[str(proc.pid)] = proc.memory_info().rss
                times = proc.cpu_times()
                self.cpu[proc.pid] = times.user + times.system
                if proc.pid not in self.names:
                    self.names[proc.pid] = _role(proc, self.pid)
            except psutil.NoSuchProcess:
                continue
        self.samples.append(
            {
                "t": round(time.perf_counter() - self.began, 1),
                "rss": sum(rss.values()),
                "pids": rss,
                "cpu_s": sum(self.cpu.values()),
                "services_cpu_s": {name: _tree_cpu(pid) for name, pid in self.services.items()},
                "ticks": cpu_ticks(),
            }
        )

    def run(self) -> None:
        self.began = time.perf_counter()
        while True:
            self.sample()
            if self.stopped.wait(self.interval):
                self.sample()
                return


def _tree_cpu(pid: int) -> float:
    """CPU seconds of a process, its reaped children and its live descendants."""
    import psutil

    try:
        root = psutil.Process(pid)
        times = root.cpu_times()
        total = times.user + times.system + times.children_user + times.children_system
        for proc in root.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                child = proc.cpu_times()
                total += child.user + child.system
    except psutil.NoSuchProcess:
        return 0.0
    return total


def _role(proc: Any, master: int) -> str:
    if proc.pid == master:
        return "master"
    cmdline = " ".join(proc.cmdline())
    if "resource_tracker" in cmdline:
        return "resource tracker"
    return "worker" if "multiprocessing" in cmdline or "spawn" in cmdline else proc.name()


def _drive(
    url: str,
    server_pid: int,
    services: dict[str, int],
    shares: list[list[dict]],
    args: argparse.Namespace,
    chat: Any,
) -> tuple[list[dict], MemorySampler]:
    """Run the client processes while sampling the server's memory; their results."""
    configs = [
        {
            "url": url,
            "users": share,
            "clients": clients,
            "duration": args.duration,
            "mix": args.mix,
            "seed": i + 1,
            "timeout": args.timeout,
            "send_budget": chat.send_limit - 2,
            "send_window": chat.send_window_seconds + 1.0,
        }
        for i, (share, clients) in enumerate(
            zip(shares, split(args.clients, len(shares)), strict=True)
        )
    ]
    progress(
        f"load: {args.clients} clients in {len(configs)} process(es) as {args.users} users "
        f"for {args.duration:g}s"
    )
    sampler = MemorySampler(server_pid, services)
    sampler.start()
    try:
        outputs = run_children([sys.executable, __file__, "client"], configs, what="client")
    finally:
        sampler.stopped.set()
        sampler.join()
    return outputs, sampler


def _op_summary(latencies: list[int], errors: collections.Counter[str], seconds: float) -> dict:
    ordered = sorted(latencies)
    return {
        "count": len(ordered),
        "rps": round(len(ordered) / seconds, 1),
        "p50_ms": round(percentile(ordered, 50) / 1000, 1),
        "p99_ms": round(percentile(ordered, 99) / 1000, 1),
        "max_ms": round(ordered[-1] / 1000, 1) if ordered else None,
        "errors": sum(errors.values()),
        "first_errors": [f"{n}x {text}" for text, n in errors.most_common(5)],
    }


def _memory_summary(sampler: MemorySampler, duration: float, warmup: float) -> dict[str, Any]:
    samples = sampler.samples
    mb = 1024 * 1024
    during = [s for s in samples if s["t"] <= duration + SAMPLE_SECONDS]
    warm = next((s for s in during if s["t"] >= warmup), during[-1])
    end = during[-1]
    half = [s for s in during if s["t"] >= duration / 2]
    slope = None
    if len(half) >= 2:
        ts, rs = [s["t"] for s in half], [s["rss"] / mb for s in half]
        mt, mr = sum(ts) / len(ts), sum(rs) / len(rs)
        var = sum((t - mt) ** 2 for t in ts)
        slope = round(sum((t - mt) * (r - mr) for t, r in zip(ts, rs, strict=True)) / var * 60, 2)
    growth = (end["rss"] - warm["rss"]) / warm["rss"] * 100
    per_process = {}
    for pid, role in sampler.names.items():
        seen = [s["pids"][str(pid)] for s in during if str(pid) in s["pids"]]
        if seen:
            first_warm = warm["pids"].get(str(pid), seen[0])
            per_process[str(pid)] = {
                "role": role,
                "start_mb": round(seen[0] / mb, 1),
                "after_warmup_mb": round(first_warm / mb, 1),
                "end_mb": round(seen[-1] / mb, 1),
                "max_mb": round(max(seen) / mb, 1),
            }
    first, last = samples[0], samples[-1]
    seconds = max(0.1, last["t"] - first["t"])
    return {
        "machine_busy_during": round(busy_between(first["ticks"], last["ticks"]), 3),
        "server_cpu_cores": round((last["cpu_s"] - first["cpu_s"]) / seconds, 2),
        "services_cpu_cores": {
            name: round((used - first["services_cpu_s"][name]) / seconds, 2)
            for name, used in last["services_cpu_s"].items()
        },
        "sample_seconds": SAMPLE_SECONDS,
        "warmup_s": warmup,
        "start_mb": round(during[0]["rss"] / mb, 1),
        "after_warmup_mb": round(warm["rss"] / mb, 1),
        "after_warmup_t": warm["t"],
        "end_mb": round(end["rss"] / mb, 1),
        "max_mb": round(max(s["rss"] for s in during) / mb, 1),
        "growth_after_warmup_pct": round(growth, 2),
        "second_half_slope_mb_per_min": slope,
        "flat": abs(growth) <= 5.0,
        "processes": per_process,
        "samples": [{"t": s["t"], "rss_mb": round(s["rss"] / mb, 1)} for s in samples],
    }


def _summary(outputs: list[dict], sampler: MemorySampler, args, busy: float) -> dict[str, Any]:
    seconds = max(out["elapsed_s"] for out in outputs)
    operations: dict[str, dict] = {}
    every: list[int] = []
    all_errors: collections.Counter[str] = collections.Counter()
    for op in OPERATIONS:
        latencies = [v for out in outputs for v in out["latencies_us"][op]]
        errors: collections.Counter[str] = collections.Counter()
        for out in outputs:
            errors.update(out["errors"][op])
        operations[op] = _op_summary(latencies, errors, seconds)
        every += latencies
        all_errors.update({f"{op}: {k}": v for k, v in errors.items()})
    memory = _memory_summary(sampler, args.duration, args.warmup)
    buckets: collections.Counter[int] = collections.Counter()
    for out in outputs:
        buckets.update({int(k): v for k, v in out["per_10s"].items()})
    return {
        "benchmark": "load",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "busy_before": busy,
        "workers": args.workers,
        "clients": args.clients,
        "client_processes": args.client_processes,
        "users": args.users,
        "seed_entries_per_user": args.seed_entries,
        "duration_s": round(seconds, 1),
        "mix": args.mix,
        "operations": operations,
        "overall": _op_summary(every, all_errors, seconds),
        "sends_deferred_by_client_budget": sum(out["sends_deferred"] for out in outputs),
        "requests_per_10s": [round(buckets[b] / 10, 1) for b in sorted(buckets)],
        "memory": memory,
        "cpu": {
            **{k: memory.pop(k) for k in CPU_KEYS},
            "clients_cpu_cores": round(sum(out["cpu_s"] for out in outputs) / seconds, 2),
        },
    }


def _log_problems(path: Path) -> dict[str, Any]:
    """Error lines and tracebacks in the server's log (LOG_LEVEL=warning keeps it short)."""
    lines = path.read_text(errors="replace").splitlines()
    bad = [line for line in lines if '"level": "error"' in line or line.startswith("Traceback")]
    return {"path": str(path), "lines": len(lines), "errors": len(bad), "first": bad[:5]}


def _print_table(summary: dict[str, Any]) -> None:
    print()
    print(
        f"load: {summary['clients']} clients ({summary['client_processes']} processes) as "
        f"{summary['users']} users, {summary['workers']} server worker(s), "
        f"{summary['duration_s']:g}s, {summary['machine']['cpus']} cpus, "
        f"busy before {summary['busy_before']:.0%}"
    )
    header = (
        f"{'operation':<12} {'count':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>9} {'errors':>7}"
    )
    print(header)
    print("-" * len(header))
    rows = [*summary["operations"].items(), ("overall", summary["overall"])]
    for name, r in rows:
        print(
            f"{name:<12} {r['count']:>8,} {r['rps']:>8,.1f} {r['p50_ms']:>8.1f} "
            f"{r['p99_ms']:>8.1f} {r['max_ms'] or 0:>9.1f} {r['errors']:>7}"
        )
    for text in summary["overall"]["first_errors"]:
        print(f"  error: {text}")
    m = summary["memory"]
    print(
        f"server RSS (all processes): start {m['start_mb']:.0f} MB, after warm-up "
        f"{m['after_warmup_mb']:.0f} MB (t={m['after_warmup_t']:g}s), end {m['end_mb']:.0f} MB, "
        f"max {m['max_mb']:.0f} MB; end vs warm-up {m['growth_after_warmup_pct']:+.1f}%, "
        f"second-half slope {m['second_half_slope_mb_per_min']} MB/min -> "
        f"{'flat' if m['flat'] else 'NOT flat'}"
    )
    c = summary["cpu"]
    services = ", ".join(f"{k} {v}" for k, v in c["services_cpu_cores"].items())
    print(
        f"cores used on average: server {c['server_cpu_cores']}, {services}, clients "
        f"{c['clients_cpu_cores']}; the whole machine was {c['machine_busy_during']:.0%} busy "
        f"during the run (the rest is other work)"
    )
    for pid, p in m["processes"].items():
        print(
            f"  pid {pid} ({p['role']}): start {p['start_mb']} MB, after warm-up "
            f"{p['after_warmup_mb']} MB, end {p['end_mb']} MB, max {p['max_mb']} MB"
        )
    print(
        f"sends deferred by the client's send budget: {summary['sends_deferred_by_client_budget']}"
    )
    print(f"requests/s per 10 s: {summary['requests_per_10s']}")
    log = summary["server_log"]
    print(f"server log: {log['lines']} lines, {log['errors']} errors ({log['path']})")
    for line in log["first"]:
        print(f"  {line[:300]}")


def _mix(text: str) -> dict[str, float]:
    mix = {}
    for part in text.split(","):
        name, _, weight = part.partition("=")
        if name.strip() not in OPERATIONS:
            raise argparse.ArgumentTypeError(f"unknown operation {name!r}; one of {OPERATIONS}")
        mix[name.strip()] = float(weight)
    return mix


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200, help="concurrent clients (200)")
    parser.add_argument(
        "--users", type=int, default=40, help="users the clients share (40: 5 clients each)"
    )
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of load (120)")
    parser.add_argument(
        "--warmup", type=float, default=None, help="seconds before the memory reference"
    )
    parser.add_argument("--workers", type=int, default=2, help="server processes (2)")
    parser.add_argument("--client-processes", type=int, default=2, help="client processes (2)")
    parser.add_argument("--mix", type=_mix, default=_mix(DEFAULT_MIX), help=DEFAULT_MIX)
    parser.add_argument("--seed-entries", type=int, default=25, help="entries per user (25)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request (30)")
    add_json_out(parser, ROOT / "bench/results/load.json")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.warmup is None:
        args.warmup = min(30.0, args.duration / 4)
    if args.users < 2 * args.client_processes:
        raise SystemExit("--users must be at least twice --client-processes")
    log_path = (args.json_out.parent if args.json_out else ROOT / "bench/results") / (
        "load_server.log"
    )
    try:
        services: dict[str, int] = {}
        with backing_services(services) as env:
            from datastore.kit.settings import load_settings

            server_env = {**env, **SERVER_ENV}
            chat = load_settings(**{k.lower(): v for k, v in server_env.items()}).chat
            port = free_port()
            command = serve_command(port, args.workers)
            with server_subprocess(
                "personalpod", command, port, env=server_env, keep_log=log_path
            ) as (url, proc):
                shares = asyncio.run(_setup(url, args))
                busy = warn_if_busy("the load run")
                outputs, sampler = _drive(url, proc.pid, services, shares, args, chat)
    except KeyboardInterrupt:
        progress("interrupted; everything started here has been stopped")
        return 130
    summary = _summary(outputs, sampler, args, busy)
    summary["server_log"] = _log_problems(log_path)
    _print_table(summary)
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(summary, indent=2) + "\n")
        progress(f"wrote {args.json_out}")
    return 0 if summary["overall"]["errors"] == 0 else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["client"]:
        _client_main()
    else:
        sys.exit(main())
