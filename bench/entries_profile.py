"""Where one worker's time goes on the entries page (or `me`): req/s with wrk and a py-spy
profile.

    .venv/bin/python bench/entries_profile.py [--query entries|me] [--entries 300]
        [--duration 10] [--rounds 3]
        [--connections 32] [--cache cold|warm|both] [--baseline /work/main] [--no-profile]

One user with `--entries` entries (50 tags, 3 tags on each) loaded by SQL; one server
worker (`RUN_WORKERS_IN_PROCESS=false`) answers the entries page (20 entries with id,
title, createdAt and tag names) with a Bearer token. Cold: `POD_CACHE_ENABLED=false`, every
request reads PostgreSQL; warm: the Redis page cache answers. With `--baseline DIR` the same
loads run first against a server started from another checkout (e.g. main), so before and
after are measured back to back on one set of services. py-spy (a dev extra) samples the
worker during one extra run and the top frames by self time and by package are printed.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import secrets
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _common as common

ENTRIES_QUERY = (
    "query Entries { entries(first: 20) { edges { node { id title createdAt "
    "tags { edges { node { name } } } } } } }"
)
ME_QUERY = "query Me { me { id email username displayName presence { status lastSeen } } }"
SIGN_UP = "mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }"
SEED = """
WITH me AS (SELECT id FROM users WHERE username = :username),
tags AS (
  INSERT INTO tags (user_id, name, slug)
  SELECT me.id, 'Tag ' || n, 'tag-' || n FROM me, generate_series(1, 50) AS n
  RETURNING id, user_id, slug
),
numbered AS (SELECT id, user_id, row_number() OVER (ORDER BY slug) - 1 AS k FROM tags),
entries AS (
  INSERT INTO entries (user_id, kind, title, body, created_at, updated_at)
  SELECT me.id, (ARRAY['NOTE','BOOKMARK','TASK','DOCUMENT'])[1 + n % 4],
         'Entry number ' || n, 'Some notes about entry ' || n,
         now() - n * interval '1 minute', now() - n * interval '1 minute'
  FROM me, generate_series(1, :count) AS n
  RETURNING id, user_id, created_at
),
ordered AS (SELECT id, user_id, row_number() OVER (ORDER BY created_at) AS n FROM entries)
INSERT INTO entry_tags (entry_id, tag_id, user_id)
SELECT o.id, t.id, o.user_id FROM ordered o
JOIN numbered t ON t.k IN ((o.n * 3) % 50, (o.n * 3 + 1) % 50, (o.n * 3 + 2) % 50)
"""


def main() -> int:
    args = _parser().parse_args()
    modes = ["cold", "warm"] if args.cache == "both" else [args.cache]
    trees = [("baseline", Path(args.baseline))] if args.baseline else []
    trees.append(("this", common.ROOT))
    report: dict = {
        "query": args.query,
        "entries": args.entries,
        "connections": args.connections,
        "runs": [],
    }
    with common.backing_services() as env:
        token = None
        for mode in modes:
            for label, tree in trees:
                run_env = {
                    **env,
                    "RUN_WORKERS_IN_PROCESS": "false",
                    "POD_CACHE_ENABLED": "true" if mode == "warm" else "false",
                }
                port = common.free_port()
                with common.server_subprocess(
                    f"{label}-{mode}", _serve_from(tree, port), port, env=run_env
                ) as (url, proc):
                    if token is None:
                        token = _seed(url, env, args.entries)
                    report["runs"].append(_measure(label, mode, url, proc.pid, token, args))
    _print(report)
    out = common.ROOT / "bench/results/entries_profile.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    common.progress(f"wrote {out}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument(
        "--query", choices=["entries", "me"], default="entries", help="the request to load"
    )
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--cache", choices=["cold", "warm", "both"], default="both")
    parser.add_argument("--baseline", help="another checkout to measure first (e.g. /work/main)")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--settle", type=float, default=60, help="seconds to wait for idle cores per round"
    )
    return parser


def _serve_from(tree: Path, port: int) -> list[str]:
    """`personalpod serve` (one worker) importing the code of `tree` first."""
    boot = f"import sys; sys.path.insert(0, {str(tree)!r}); from server.cli import main; main()"
    listen = ["--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--no-worker"]
    return [sys.executable, "-c", boot, "serve", *listen]


def _seed(url: str, env: dict[str, str], count: int) -> str:
    """Sign up the benchmark user, give it `count` entries by SQL; its token."""
    import asyncio

    from sqlalchemy import text

    from datastore.kit.postgres import create_engine
    from datastore.kit.settings import load_settings

    username = f"bench_{secrets.token_hex(4)}"
    variables = {
        "i": {
            "email": f"{username}@example.com",
            "username": username,
            "password": secrets.token_urlsafe(16),
            "displayName": "Bench",
        }
    }
    reply = common.post_json(url + "/graphql", {"query": SIGN_UP, "variables": variables})
    token = reply["data"]["signUp"]["token"]

    async def insert() -> None:
        settings = load_settings(**{k.lower(): v for k, v in env.items()})
        engine = create_engine(settings.database_url)
        try:
            async with engine.begin() as connection:
                await connection.execute(text(SEED), {"username": username, "count": count})
                for table in ("entries", "entry_tags", "tags"):
                    await connection.execute(text(f"ANALYZE {table}"))
        finally:
            await engine.dispose()

    common.progress(f"seed: {count} entries with 3 of 50 tags each")
    asyncio.run(insert())
    return token


def _target(url: str, token: str, query: str) -> common.Target:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    if query == "me":
        body = json.dumps({"query": ME_QUERY, "operationName": "Me"}).encode()
        check = common.post_json(url + "/graphql", json.loads(body), headers)
        if check.get("errors") or not (check.get("data") or {}).get("me"):
            raise RuntimeError(f"me did not answer as expected: {check}")
        return common.Target("me", url + "/graphql", "POST", body, headers, '"errors"')
    body = json.dumps({"query": ENTRIES_QUERY, "operationName": "Entries"}).encode()
    check = common.post_json(url + "/graphql", json.loads(body), headers)
    edges = (check.get("data") or {}).get("entries", {}).get("edges", [])
    if check.get("errors") or len(edges) != 20 or len(edges[0]["node"]["tags"]["edges"]) != 3:
        raise RuntimeError(f"the entries page did not answer as expected: {check}")
    return common.Target("entries", url + "/graphql", "POST", body, headers, '"errors"')


def _measure(label: str, mode: str, url: str, pid: int, token: str, args) -> dict:
    target = _target(url, token, args.query)
    common.run_wrk(target, duration=2, connections=args.connections)  # warm up imports and pools
    rounds = []
    for _ in range(args.rounds):
        busy = common.warn_if_busy(f"{label} {mode}", settle=args.settle)
        cpu_before = _cpu_seconds(pid)
        result = common.run_wrk(target, duration=args.duration, connections=args.connections)
        # CPU per request: what the worker spends, whatever else shares the cores.
        cpu_ms = 1000 * (_cpu_seconds(pid) - cpu_before) / max(1, result.requests)
        common.progress(
            f"{target.name} {label} {mode}: {result.rps:,.0f} req/s p50 {result.p50_ms} ms, "
            f"{cpu_ms:.2f} ms CPU/request (busy {busy})"
        )
        rounds.append({**result.as_dict(), "busy_before": busy, "cpu_ms": round(cpu_ms, 3)})
    run = {
        "tree": label,
        "cache": mode,
        "rps_median": statistics.median(r["rps"] for r in rounds),
        "p50_ms_median": statistics.median(r["p50_ms"] for r in rounds),
        "cpu_ms_median": statistics.median(r["cpu_ms"] for r in rounds),
        "rounds": rounds,
        "load": os.getloadavg(),
    }
    if not args.no_profile:
        run["profile"] = _profile(
            target, pid, args, common.ROOT / f"bench/results/py-spy-{label}-{mode}.txt"
        )
    return run


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _profile(target: common.Target, pid: int, args, path: Path) -> dict:
    """py-spy samples of the worker during one more wrk run (raw stacks kept at `path`),
    folded into top frames."""
    spy = Path(sys.executable).parent / "py-spy"
    path.parent.mkdir(exist_ok=True)
    seconds = max(1, round(args.duration))
    command = [str(spy), "record", "-p", str(pid), "-d", str(seconds), "-r", "250"]
    recorder = subprocess.Popen(
        [*command, "-f", "raw", "-o", str(path), "--nonblocking"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    common.run_wrk(target, duration=args.duration, connections=args.connections)
    recorder.wait(timeout=seconds + 60)
    return _fold(path.read_text(), args.top)


def _fold(raw: str, top: int) -> dict:
    """Self time per function and per package, and inclusive time per function."""
    own: collections.Counter[str] = collections.Counter()
    package: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        frames = [_function(f) for f in stack.split(";")]
        total += n
        own[frames[-1]] += n
        package[_package(frames[-1])] += n
        for name in set(frames):
            inclusive[name] += n

    def share(n: int) -> float:
        return round(100 * n / max(1, total), 1)

    return {
        "samples": total,
        "self": [(frame, share(n)) for frame, n in own.most_common(top)],
        "packages": [(name, share(n)) for name, n in package.most_common(12)],
        "inclusive": [(name, share(n)) for name, n in inclusive.most_common(60)],
    }


def _function(frame: str) -> str:
    """`name (path:line)` without the line: samples of one function add up."""
    return frame.rpartition(":")[0] + ")" if frame.endswith(")") and ":" in frame else frame


def _package(frame: str) -> str:
    """The top-level package of a frame's file (py-spy shortens site-packages paths)."""
    where = frame.rpartition("(")[2].rstrip(")")
    if "site-packages/" in where:
        where = where.split("site-packages/")[1]
    for ours in ("resolvers", "datastore", "server"):
        if f"/{ours}/" in f"/{where}":
            return ours
    return where.split("/")[0] if "/" in where else where or "other"


def _print(report: dict) -> None:
    print(
        f"\n{report['query']}, one worker, {report['entries']} entries, -c{report['connections']}"
    )
    for run in report["runs"]:
        print(
            f"{run['tree']:>9} {run['cache']:>5}: {run['rps_median']:>8,.0f} req/s "
            f"(rounds {[round(r['rps']) for r in run['rounds']]}), "
            f"{run['cpu_ms_median']:.2f} ms CPU/request "
            f"(rounds {[r['cpu_ms'] for r in run['rounds']]}), "
            f"p50 {run['p50_ms_median']} ms, load {tuple(round(v, 2) for v in run['load'])}"
        )
        profile = run.get("profile")
        if profile:
            print(f"   packages (self): {profile['packages']}")
            for frame, pct in profile["self"][:15]:
                print(f"   {pct:5.1f}%  {frame}")


if __name__ == "__main__":
    sys.exit(main())
