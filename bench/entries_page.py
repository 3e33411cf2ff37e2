"""Issue 10's side-by-side benchmark: the entries page against PostGraphile v4 on the same
database and data (cache cold and warm), and `me` against a bare Starlette endpoint.

    .venv/bin/python bench/entries_page.py [--users 10] [--entries 10000] [--tags 50]
        [--workers 2] [--connections 32] [--duration 10] [--rounds 3]
        [--json-out bench/results/entries_page.json]

Throwaway PostgreSQL, DynamoDB Local and Redis, the project's migrations; users sign up
through the API, their pod data is loaded by SQL (`pod_data.py`). Then four servers run at
once, each on 127.0.0.1 with `--workers` processes: `personalpod serve` with the pod's
Redis page cache off (POD_CACHE_ENABLED=false: every page is read from PostgreSQL),
`personalpod serve` with it on (defaults), PostGraphile v4 from the repo's node_modules
(`--simple-collections only --disable-default-mutations`, no auth), and the bare Starlette
endpoint of `_common`. Both of ours run with RUN_WORKERS_IN_PROCESS=false and `--no-worker`
(no background work: the worker child would embed the loaded entries meanwhile). Each round
drives every target once with wrk (`--connections` for `--duration` s), so the targets of
a round share the machine's state; every target's response is checked to carry the
expected data before the first round and after each round. Medians over the rounds,
ratios, and the issue's goals are printed and written as JSON. Everything started here is
stopped at the end, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import statistics
import sys
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pod_data
from _common import (
    BENCH,
    ROOT,
    LoadResult,
    Target,
    add_json_out,
    backing_services,
    bare_server_command,
    free_port,
    have_wrk,
    machine,
    post_json,
    progress,
    run_wrk,
    serve_command,
    server_subprocess,
    warn_if_busy,
)
from me_query import ME_QUERY

PAGE = 20
ENTRIES_QUERY = (
    "query Entries { entries(first: 20) { edges { node { "
    "id title createdAt tags { edges { node { name } } } } } } }"
)
# PostGraphile v4 names the composite foreign keys' relations after both columns.
POSTGRAPHILE_QUERY = (
    "query Entries($u: UUID!) { allEntriesList(condition: {userId: $u}, first: 20, "
    "orderBy: CREATED_AT_DESC) { id title createdAt "
    "entryTagsByEntryIdAndUserIdList { tagByTagIdAndUserId { name } } } }"
)
SERVER_ENV = {
    "RUN_WORKERS_IN_PROCESS": "false",
    "PASSWORD_HASH_PROFILE": "minimal",  # sign-up of the setup only; no run hashes one
    "FORWARDED_ALLOW_IPS": "127.0.0.1",  # each user signs up from an address of its own
}
# PostGraphile as deployed: graphql-js without its development-time checks.
POSTGRAPHILE_ENV = {"NODE_ENV": "production"}
# (measured, baseline, goal) for the printed ratios; goals are issue 10's.
RATIOS = [
    ("entries_cold", "postgraphile", 1.0),
    ("entries_warm", "postgraphile", None),
    ("me", "bare", 0.15),
]


@dataclass
class Case:
    """One target of every round and the check that its response carries the data."""

    target: Target
    check: Callable[[Any], None]


# --------------------------------------------------------------------------- checks


def _raw_id(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[1]


def _same_page(name: str, got: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    """Same entries (ids, titles, created-at) and the same tag names, in the same order."""
    if len(got) != len(expected):
        raise RuntimeError(f"{name}: {len(got)} entries, expected {len(expected)}")
    for index, (entry, want) in enumerate(zip(got, expected, strict=True)):
        for key in ("id", "title", "createdAt", "tags"):
            if entry[key] != want[key]:
                raise RuntimeError(
                    f"{name}: entry {index} has {key}={entry[key]!r}, expected {want[key]!r}"
                )


def _ours(reply: dict[str, Any]) -> list[dict[str, Any]]:
    if reply.get("errors"):
        raise RuntimeError(f"entries answered errors: {reply['errors']}")
    return [
        {
            "id": _raw_id(e["node"]["id"]),
            "title": e["node"]["title"],
            "createdAt": datetime.fromisoformat(e["node"]["createdAt"]),
            "tags": sorted(t["node"]["name"] for t in e["node"]["tags"]["edges"]),
        }
        for e in reply["data"]["entries"]["edges"]
    ]


def _theirs(reply: dict[str, Any]) -> list[dict[str, Any]]:
    if reply.get("errors"):
        raise RuntimeError(f"PostGraphile answered errors: {reply['errors']}")
    return [
        {
            "id": e["id"],
            "title": e["title"],
            "createdAt": datetime.fromisoformat(e["createdAt"]),
            "tags": sorted(
                t["tagByTagIdAndUserId"]["name"] for t in e["entryTagsByEntryIdAndUserIdList"]
            ),
        }
        for e in reply["data"]["allEntriesList"]
    ]


def _answer(target: Target) -> Any:
    """One response of the request wrk repeats, decoded."""
    if target.method == "GET":
        with urllib.request.urlopen(target.url, timeout=30) as response:  # noqa: S310
            return json.loads(response.read())
    return post_json(target.url, json.loads(target.body), target.headers)


# --------------------------------------------------------------------------- setup


def _libpq_url(database_url: str) -> str:
    """The SQLAlchemy asyncpg URL as node-postgres takes it (socket dir and port kept)."""
    parts = urllib.parse.urlsplit(database_url)
    query = urllib.parse.parse_qs(parts.query)
    netloc = parts.netloc
    if "host" in query:  # a Unix socket directory: pgserver's throwaway server
        user = netloc.split("@", 1)[0] if "@" in netloc else ""
        port = query.get("port", ["5432"])[0]
        netloc = f"{user}@localhost:{port}" if user else f"localhost:{port}"
        return f"postgres://{netloc}{parts.path}?host={query['host'][0]}"
    return urllib.parse.urlunsplit(("postgres", netloc, parts.path, "", ""))


def _postgraphile_command(database_url: str, port: int, workers: int) -> list[str]:
    command = [
        "node",
        "--require",
        str(BENCH / "postgraphile_one_graphql.cjs"),
        str(ROOT / "node_modules/postgraphile/cli.js"),
        "--connection",
        _libpq_url(database_url),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--simple-collections",
        "only",
        "--disable-default-mutations",
        "--disable-query-log",
    ]
    if workers > 1:
        command += ["--cluster-workers", str(workers)]
    return command


def _postgraphile_version() -> str:
    package = ROOT / "node_modules/postgraphile/package.json"
    if not package.exists():
        raise SystemExit("PostGraphile is not installed: run `npm ci` in the repository root")
    return json.loads(package.read_text())["version"]


def _graphql_target(name: str, url: str, query: str, variables: Any, token: str | None) -> Target:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = {"query": query, "operationName": "Entries" if "Entries" in query else "Me"}
    if variables:
        body["variables"] = variables
    return Target(
        name=name,
        url=url + "/graphql",
        method="POST",
        body=json.dumps(body).encode(),
        headers=headers,
        error_marker='"errors"',
    )


def _cases(urls: dict[str, str], user: pod_data.BenchUser, expected: list[dict]) -> list[Case]:
    def entries_check(name: str) -> Callable[[Any], None]:
        return lambda reply: _same_page(name, _ours(reply), expected)

    def me_check(reply: Any) -> None:
        me = (reply.get("data") or {}).get("me") or {}
        if reply.get("errors") or _raw_id(me.get("id", "")) != str(user.id):
            raise RuntimeError(f"me did not answer the user: {reply}")

    def bare_check(reply: Any) -> None:
        if reply != {"ok": True}:
            raise RuntimeError(f"bare answered {reply}")

    return [
        Case(
            _graphql_target("entries_cold", urls["cold"], ENTRIES_QUERY, None, user.token),
            entries_check("entries_cold"),
        ),
        Case(
            _graphql_target("entries_warm", urls["warm"], ENTRIES_QUERY, None, user.token),
            entries_check("entries_warm"),
        ),
        Case(
            _graphql_target(
                "postgraphile", urls["postgraphile"], POSTGRAPHILE_QUERY, {"u": str(user.id)}, None
            ),
            lambda reply: _same_page("postgraphile", _theirs(reply), expected),
        ),
        Case(_graphql_target("me", urls["warm"], ME_QUERY, None, user.token), me_check),
        Case(Target(name="bare", url=urls["bare"] + "/"), bare_check),
    ]


def _expected(
    urls: dict[str, str], user: pod_data.BenchUser, base: datetime, tags: int
) -> list[dict]:
    """The page as the data was written (created-at, tag names), with the ids and titles
    PostGraphile reads: both sides must then show the same rows."""
    planned = pod_data.expected_page(base, PAGE, pod_data.tag_names(tags))
    target = _graphql_target(
        "postgraphile", urls["postgraphile"], POSTGRAPHILE_QUERY, {"u": str(user.id)}, None
    )
    read = _theirs(_answer(target))
    for got, want in zip(read, planned, strict=False):
        if (got["createdAt"], got["tags"]) != (want["createdAt"], want["tags"]):
            raise RuntimeError(f"PostGraphile reads {got}, the loader wrote {want}")
    if len(read) != PAGE:
        raise RuntimeError(f"PostGraphile read {len(read)} entries, expected {PAGE}")
    return read


# --------------------------------------------------------------------------- run


def _cached_pages(redis_url: str, user_id: uuid.UUID) -> int:
    """How many of the user's pages the pod's Redis cache holds."""
    import redis

    from datastore.pod.cache import cache_key

    client = redis.Redis.from_url(redis_url)
    try:
        return int(client.hlen(cache_key(user_id)))
    finally:
        client.close()


def _rounds(cases: list[Case], args: argparse.Namespace, cached: Callable[[], int]) -> list:
    if cached():
        raise RuntimeError("the pod cache holds pages before the first read")
    for case in cases:
        case.check(_answer(case.target))
    # The warm runs must read the page from Redis, the cold ones never can.
    if cached() != 1:
        raise RuntimeError(f"the pod cache holds {cached()} pages, expected 1 (warm)")
    progress("checks: every target answers the expected data; the warm page is cached")
    results = []
    for number in range(1, args.rounds + 1):
        for case in cases:
            name = case.target.name
            busy = warn_if_busy(f"{name} round {number}", settle=args.settle)
            result = run_wrk(case.target, duration=args.duration, connections=args.connections)
            result.busy_before = busy
            progress(
                f"round {number} {name}: {result.rps:,.0f} req/s, p50 {result.p50_ms} ms, "
                f"p99 {result.p99_ms} ms, {result.errors} errors (busy before {busy:.0%})"
            )
            results.append(result)
            # wrk reads no bodies: a response after the load must still carry the data.
            case.check(_answer(case.target))
    return results


def _serve(stack: contextlib.ExitStack, env: dict[str, str], args: argparse.Namespace) -> dict:
    """Start the targets' servers (kept running until the stack closes); their URLs."""
    urls = {}
    for name, extra in (("warm", {}), ("cold", {"POD_CACHE_ENABLED": "false"})):
        port = free_port()
        command = serve_command(port, args.workers, background=False)
        full = {**env, **SERVER_ENV, **extra}
        log = ROOT / f"bench/results/entries_page_{name}_server.log"
        url, _proc = stack.enter_context(
            server_subprocess(f"personalpod-{name}", command, port, env=full, keep_log=log)
        )
        urls[name] = url
    return urls


def _serve_baselines(stack: contextlib.ExitStack, database_url: str, args) -> dict[str, str]:
    urls = {}
    port = free_port()
    command = _postgraphile_command(database_url, port, args.postgraphile_workers)
    urls["postgraphile"], _proc = stack.enter_context(
        server_subprocess(
            "postgraphile",
            command,
            port,
            env=POSTGRAPHILE_ENV,
            health_path="/graphiql",
            keep_log=ROOT / "bench/results/entries_page_postgraphile.log",
        )
    )
    port = free_port()
    urls["bare"], _proc = stack.enter_context(
        server_subprocess("bare", bare_server_command(port, args.workers), port)
    )
    return urls


def _run(args: argparse.Namespace) -> dict[str, Any]:
    from datastore.kit.settings import load_settings

    with backing_services() as env, contextlib.ExitStack() as stack:
        database_url = load_settings(**{k.lower(): v for k, v in env.items()}).database_url
        urls = _serve(stack, env, args)
        progress(f"setup: signing up {args.users} users through the API")
        users = pod_data.sign_up(urls["warm"], args.users, post_json)
        started = time.monotonic()
        base = asyncio.run(
            pod_data.load_pod(
                database_url,
                [u.id for u in users],
                entries=args.entries,
                tags=args.tags,
                log=progress,
            )
        )
        load_seconds = round(time.monotonic() - started, 1)
        urls.update(_serve_baselines(stack, database_url, args))
        expected = _expected(urls, users[0], base, args.tags)
        cases = _cases(urls, users[0], expected)
        results = _rounds(cases, args, lambda: _cached_pages(env["REDIS_URL"], users[0].id))
    return {"results": results, "load_seconds": load_seconds}


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def _summary(run: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    results: list[LoadResult] = run["results"]
    medians = {}
    for name in dict.fromkeys(r.target for r in results):
        mine = [r for r in results if r.target == name]
        medians[name] = {
            "rps": _median([r.rps for r in mine]),
            "p50_ms": _median([r.p50_ms for r in mine]),
            "p99_ms": _median([r.p99_ms for r in mine]),
            "rps_range": [min(r.rps for r in mine), max(r.rps for r in mine)],
            "p50_ms_range": [min(r.p50_ms for r in mine), max(r.p50_ms for r in mine)],
            "errors": sum(r.errors for r in mine),
            "busy_before_max": max(r.busy_before for r in mine),
        }
    ratios = {}
    for measured, baseline, goal in RATIOS:
        ratio = round(medians[measured]["rps"] / medians[baseline]["rps"], 4)
        # Within a round both ran minutes apart at most: on a shared machine these
        # vary less with other people's work than the medians' ratio does.
        by_round = [
            round(a.rps / b.rps, 4)
            for a, b in zip(
                [r for r in results if r.target == measured],
                [r for r in results if r.target == baseline],
                strict=True,
            )
        ]
        ratios[f"{measured}/{baseline}"] = {
            "ratio": ratio,
            "by_round": by_round,
            "goal": goal,
            "met": None if goal is None else ratio >= goal,
        }
    return {
        "benchmark": "entries_page",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "workers": args.workers,
        "postgraphile_workers": args.postgraphile_workers,
        "postgraphile_version": _postgraphile_version(),
        "connections": args.connections,
        "duration_s": args.duration,
        "rounds": args.rounds,
        "data": {
            "users": args.users,
            "entries_per_user": args.entries,
            "tags_per_user": args.tags,
            "tags_per_entry": pod_data.TAGS_PER_ENTRY,
            "load_seconds": run["load_seconds"],
        },
        "queries": {
            "entries": ENTRIES_QUERY,
            "postgraphile": POSTGRAPHILE_QUERY,
            "me": ME_QUERY,
        },
        "server_env": SERVER_ENV,
        "postgraphile_env": POSTGRAPHILE_ENV,
        "results": [r.as_dict() for r in results],
        "medians": medians,
        "ratios": ratios,
    }


def _print_table(summary: dict[str, Any]) -> None:
    print()
    data = summary["data"]
    print(
        f"entries page and me, side by side: {data['users']} users x "
        f"{data['entries_per_user']:,} entries, {data['tags_per_user']} tags each, "
        f"{data['tags_per_entry']} per entry; {summary['workers']} workers "
        f"(PostGraphile {summary['postgraphile_version']}: {summary['postgraphile_workers']}); "
        f"wrk -c{summary['connections']} {summary['duration_s']:g}s x {summary['rounds']} rounds"
    )
    header = (
        f"{'target':<14} {'req/s (median)':>15} {'req/s range':>18} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'errors':>7} {'busy before':>12}"
    )
    print(header)
    print("-" * len(header))
    for name, m in summary["medians"].items():
        low, high = m["rps_range"]
        print(
            f"{name:<14} {m['rps']:>15,.0f} {f'{low:,.0f}-{high:,.0f}':>18} {m['p50_ms']:>8.2f} "
            f"{m['p99_ms']:>8.2f} {m['errors']:>7} {m['busy_before_max']:>11.0%}"
        )
    print()
    for name, r in summary["ratios"].items():
        goal = (
            ""
            if r["goal"] is None
            else f"  goal >= {r['goal']}: {'met' if r['met'] else 'NOT met'}"
        )
        rounds = ", ".join(f"{v:.3f}" for v in r["by_round"])
        print(f"{name:<26} {r['ratio']:.3f} (rounds: {rounds}){goal}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10, help="users (default 10)")
    parser.add_argument("--entries", type=int, default=10_000, help="entries per user")
    parser.add_argument("--tags", type=int, default=50, help="tags per user (3 per entry)")
    parser.add_argument("--workers", type=int, default=2, help="processes per server")
    parser.add_argument(
        "--postgraphile-workers",
        type=int,
        default=None,
        help="PostGraphile's --cluster-workers (default: --workers, the same cores as ours)",
    )
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run")
    parser.add_argument("--rounds", type=int, default=3, help="runs of every target")
    parser.add_argument(
        "--settle",
        type=float,
        default=30.0,
        help="seconds to wait for an idle machine before each run (then warn and go on)",
    )
    add_json_out(parser, ROOT / "bench/results/entries_page.json")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    args.postgraphile_workers = args.postgraphile_workers or args.workers
    if not have_wrk():
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    _postgraphile_version()
    try:
        run = _run(args)
    except KeyboardInterrupt:
        progress("interrupted; everything started here has been stopped")
        return 130
    summary = _summary(run, args)
    _print_table(summary)
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(summary, indent=2, default=str) + "\n")
        progress(f"wrote {args.json_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
