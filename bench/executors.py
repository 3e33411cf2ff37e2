"""Requests/s of the entries page and of `me` with each executor, back to back.

    .venv/bin/python bench/executors.py [--entries 300] [--rounds 2] [--duration 10]
                                        [--workers 1] [--connections 16]
                                        [--json-out bench/results/executors.json]

Starts throwaway PostgreSQL, DynamoDB Local and Redis once, seeds one user with
`--entries` notes of 3 tags each (bulk SQL), then for each round serves the API with
EXECUTOR=compiled and with EXECUTOR=graphql-core in turn (RUN_WORKERS_IN_PROCESS=false)
and loads `entries(first: 20)` with tag names and `me` with wrk. The entries page is read
warm: the Redis page cache answers after the first request, so the figures are the
GraphQL layer's cost, which is what the executor changes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import (
    ROOT,
    LoadResult,
    Target,
    add_json_out,
    backing_services,
    free_port,
    have_wrk,
    machine,
    post_json,
    progress,
    run_wrk,
    serve_command,
    server_process,
    server_subprocess,
    warn_if_busy,
    write_json_out,
)

EXECUTORS = ("compiled", "graphql-core")
ENTRIES_PAGE = """
query Page {
  entries(first: 20) {
    edges { node { id title createdAt tags { edges { node { name } } } } }
  }
}
"""
ME = "query Me { me { id email username displayName presence { status lastSeen } } }"
SIGN_UP = "mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }"
CREATE_TAG = "mutation($i: CreateTagInput!) { createTag(input: $i) { id } }"
TAGS = 10


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not have_wrk():
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    results: list[dict[str, Any]] = []
    with backing_services() as env:
        env = {**env, "RUN_WORKERS_IN_PROCESS": "false", "EXECUTOR_CROSSCHECK": "0"}
        token = seed(env, args.entries)
        for round_number in range(1, args.rounds + 1):
            for executor in EXECUTORS:
                port = free_port()
                command = serve_command(port, args.workers, background=False)
                with server_subprocess(
                    executor, command, port, env={**env, "EXECUTOR": executor}
                ) as (url, proc):
                    for target in targets(url, token):
                        profiler = None
                        if args.profile and round_number == 1 and target.name == "entries":
                            profiler = start_profile(proc.pid, executor, args)
                        before = cpu_seconds(proc.pid)
                        result = load(target, args)
                        if profiler is not None:
                            profiler.wait(timeout=60)
                        used = cpu_seconds(proc.pid) - before
                        cpu_ms = round(1000 * used / max(result.requests, 1), 3)
                        progress(f"{target.name}: {cpu_ms} ms of server CPU per request")
                        results.append(
                            {
                                "round": round_number,
                                "executor": executor,
                                "server_cpu_ms_per_request": cpu_ms,
                                **result.as_dict(),
                            }
                        )
    summary = summarise(results, args)
    print_table(summary)
    write_json_out(args.json_out, summary)
    return 0


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=300, help="notes of the user (300)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of both executors (2)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per load (10)")
    parser.add_argument("--workers", type=int, default=1, help="server processes (1)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="folder for py-spy profiles (raw collapsed stacks) of the entries load, round 1",
    )
    add_json_out(parser, ROOT / "bench/results/executors.json")
    return parser


def seed(env: dict[str, str], entries: int) -> str:
    """One user with `entries` notes of 3 tags each; returns the user's token."""
    port = free_port()
    with server_process("seed", serve_command(port, 1), port, env=env) as url:
        reply = post_json(
            url + "/graphql",
            {
                "query": SIGN_UP,
                "variables": {
                    "i": {
                        "email": f"bench-{port}@example.com",
                        "username": f"bench_{port}",
                        "password": "correct horse battery staple",
                        "displayName": "Bench",
                    }
                },
            },
        )
        token = reply["data"]["signUp"]["token"]
        auth = {"Authorization": f"Bearer {token}"}
        tags = [
            post_json(
                url + "/graphql",
                {"query": CREATE_TAG, "variables": {"i": {"name": f"tag {n}"}}},
                auth,
            )["data"]["createTag"]["id"]
            for n in range(TAGS)
        ]
        user = raw_id(reply["data"]["signUp"]["user"]["id"])
    asyncio.run(insert_entries(env["DATABASE_URL"], user, [raw_id(t) for t in tags], entries))
    progress(f"seed: {entries} notes with 3 of {TAGS} tags each")
    return token


def raw_id(global_id: str) -> str:
    import base64

    return base64.b64decode(global_id).decode().split(":", 1)[1]


async def insert_entries(database_url: str, user: str, tags: list[str], entries: int) -> None:
    from sqlalchemy import text

    from datastore.kit.postgres import create_engine

    engine = create_engine(database_url)
    try:
        async with engine.begin() as db:
            await db.execute(
                text(
                    """
                    WITH new AS (
                        INSERT INTO entries (user_id, kind, title, created_at)
                        SELECT CAST(:u AS uuid), 'NOTE', 'note ' || n,
                               now() - n * interval '1 second'
                        FROM generate_series(1, :n) AS n
                        RETURNING id, created_at
                    )
                    INSERT INTO entry_tags (entry_id, tag_id, user_id)
                    SELECT new.id, (CAST(:tags AS uuid[]))[1 + abs(hashtext(new.id::text)) % 8 + k],
                           CAST(:u AS uuid)
                    FROM new, generate_series(0, 2) AS k
                    """
                ),
                {"u": user, "tags": tags, "n": entries},
            )
    finally:
        await engine.dispose()


def targets(url: str, token: str) -> list[Target]:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    found = []
    for name, query in (("entries", ENTRIES_PAGE), ("me", ME)):
        body = {"query": query}
        reply = post_json(url + "/graphql", body, headers)
        if reply.get("errors") or not reply.get("data"):
            raise RuntimeError(f"{name} did not answer with data: {reply}")
        if name == "entries":
            edges = reply["data"]["entries"]["edges"]
            assert len(edges) == 20 and all(len(e["node"]["tags"]["edges"]) == 3 for e in edges)
        found.append(
            Target(
                name=name,
                url=url + "/graphql",
                method="POST",
                body=json.dumps(body).encode(),
                headers=headers,
                error_marker='"errors"',
            )
        )
    return found


def start_profile(pid: int, executor: str, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    """py-spy sampling the server (and its worker processes) while the load runs."""
    args.profile.mkdir(parents=True, exist_ok=True)
    output = args.profile / f"{executor}.txt"
    command = [str(Path(sys.executable).parent / "py-spy"), "record", "--subprocesses"]
    command += ["--nonblocking", "-r", "200", "-d", str(round(args.duration)), "-f", "raw"]
    return subprocess.Popen(
        [*command, "-o", str(output), "-p", str(pid)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def cpu_seconds(group: int) -> float:
    """User and system CPU of the server's processes (its process group) so far: on a
    shared machine CPU per request compares executors better than req/s."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def load(target: Target, args: argparse.Namespace) -> LoadResult:
    busy = warn_if_busy(target.name, settle=5)
    result = run_wrk(target, duration=args.duration, connections=args.connections)
    result.busy_before = busy
    progress(
        f"{target.name}: {result.rps:,.0f} req/s, p50 {result.p50_ms} ms, p99 {result.p99_ms} ms"
    )
    return result


def summarise(results: list[dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    medians: dict[str, dict[str, float]] = {}
    cpu: dict[str, dict[str, float]] = {}
    for executor in EXECUTORS:
        for target in ("entries", "me"):
            runs = [r for r in results if r["executor"] == executor and r["target"] == target]
            medians.setdefault(target, {})[executor] = statistics.median(r["rps"] for r in runs)
            cpu.setdefault(target, {})[executor] = statistics.median(
                r["server_cpu_ms_per_request"] for r in runs
            )
    ratios = {t: round(m["compiled"] / m["graphql-core"], 3) for t, m in medians.items()}
    return {
        "benchmark": "executors",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "workers": args.workers,
        "connections": args.connections,
        "duration_s": args.duration,
        "entries": args.entries,
        "median_rps": medians,
        "compiled_over_graphql_core": ratios,
        "median_server_cpu_ms_per_request": cpu,
        "runs": results,
    }


def print_table(summary: dict[str, Any]) -> None:
    print(f"\n{'req/s':<10}{'compiled':>12}{'graphql-core':>14}{'ratio':>8}")
    for target, medians in summary["median_rps"].items():
        ratio = summary["compiled_over_graphql_core"][target]
        print(
            f"{target:<10}{medians['compiled']:>12,.0f}{medians['graphql-core']:>14,.0f}{ratio:>8.2f}"
        )
    print(f"\n{'CPU ms/req':<10}{'compiled':>12}{'graphql-core':>14}")
    for target, cpu in summary["median_server_cpu_ms_per_request"].items():
        print(f"{target:<10}{cpu['compiled']:>12.2f}{cpu['graphql-core']:>14.2f}")


if __name__ == "__main__":
    sys.exit(main())
