"""Requests/s and p50/p99 of the authenticated GraphQL `me` query through the full stack,
against a bare Starlette JSON endpoint on the same machine, and their ratio.

    .venv/bin/python bench/me_query.py [--workers 2] [--duration 10] [--connections 64]
                                        [--loadgen auto|wrk|python|both]
                                        [--json-out bench/results/me_query.json]

Starts throwaway PostgreSQL, DynamoDB Local and Redis, migrates, runs `personalpod serve`
as a subprocess, signs up one user and hammers `me` with its Bearer token; then serves
`{"ok": true}` with uvicorn (uvloop + httptools, same worker count) and hammers that.
Everything started here is stopped at the end, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import (
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
    run_python_load,
    run_wrk,
    serve_command,
    server_process,
    warn_if_busy,
    write_json_out,
)

ME_QUERY = "query Me { me { id email username displayName presence { status lastSeen } } }"
SIGN_UP = """
mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { token user { id username } }
}
"""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    tools = _tools(args.loadgen)
    progress(
        f"load generator(s): {', '.join(tools)}; {args.workers} server worker(s), "
        f"{args.connections} connections, {args.duration:g}s per run"
    )
    results: list[LoadResult] = []
    try:
        with backing_services() as env:
            port = free_port()
            command = serve_command(port, args.workers, background=False)
            with server_process("personalpod", command, port, env=env) as url:
                target = _me_target(url)
                results += _load(target, tools, args)
        port = free_port()
        with server_process("bare", bare_server_command(port, args.workers), port) as url:
            target = Target(name="bare", url=url + "/")
            results += _load(target, tools, args)
    except KeyboardInterrupt:
        progress("interrupted; everything started here has been stopped")
        return 130

    summary = _summary(results, args)
    _print_table(summary)
    write_json_out(args.json_out, summary)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2)")
    parser.add_argument(
        "--duration",
        type=float,
        default=10.0,
        help="seconds of load per target and tool (default 10)",
    )
    parser.add_argument(
        "--connections", type=int, default=64, help="concurrent keep-alive connections (default 64)"
    )
    parser.add_argument(
        "--loadgen",
        choices=["auto", "wrk", "python", "both"],
        default="auto",
        help="auto: wrk when installed, else the Python client",
    )
    parser.add_argument(
        "--client-processes",
        type=int,
        default=1,
        help="processes of the Python load generator (default 1)",
    )
    add_json_out(parser, ROOT / "bench/results/me_query.json")
    return parser


def _tools(choice: str) -> list[str]:
    if choice == "auto":
        return ["wrk"] if have_wrk() else ["python"]
    if choice in ("wrk", "both") and not have_wrk():
        raise SystemExit("wrk is not installed (apt-get install wrk); use --loadgen python")
    return ["wrk", "python"] if choice == "both" else [choice]


def _me_target(url: str) -> Target:
    """Sign up one user, check that `me` answers with data, and describe the request."""
    suffix = secrets.token_hex(4)
    progress("personalpod: signing up the benchmark user")
    reply = post_json(
        url + "/graphql",
        {
            "query": SIGN_UP,
            "variables": {
                "input": {
                    "email": f"bench-{suffix}@example.com",
                    "username": f"bench_{suffix}",
                    "password": secrets.token_urlsafe(16),
                    "displayName": "Bench User",
                }
            },
        },
    )
    if reply.get("errors"):
        raise RuntimeError(f"signUp failed: {reply['errors']}")
    token = reply["data"]["signUp"]["token"]
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    body = json.dumps({"query": ME_QUERY, "operationName": "Me"}).encode()
    check = post_json(url + "/graphql", json.loads(body), headers)
    if check.get("errors") or not check.get("data", {}).get("me", {}).get("id"):
        raise RuntimeError(f"the me query did not answer with data: {check}")
    progress(f"personalpod: me -> {json.dumps(check['data']['me'])}")
    return Target(
        name="me",
        url=url + "/graphql",
        method="POST",
        body=body,
        headers=headers,
        error_marker='"errors"',
    )


def _load(target: Target, tools: list[str], args: argparse.Namespace) -> list[LoadResult]:
    results = []
    for tool in tools:
        busy = warn_if_busy(f"{target.name} with {tool}")
        progress(f"{target.name}: {tool}, {args.connections} connections for {args.duration:g}s")
        if tool == "wrk":
            result = run_wrk(target, duration=args.duration, connections=args.connections)
        else:
            result = run_python_load(
                target,
                duration=args.duration,
                connections=args.connections,
                processes=args.client_processes,
            )
        result.busy_before = busy
        progress(
            f"{target.name}: {result.rps:,.0f} req/s, p50 {result.p50_ms} ms, "
            f"p99 {result.p99_ms} ms, {result.errors} errors"
        )
        results.append(result)
    return results


def _summary(results: list[LoadResult], args: argparse.Namespace) -> dict:
    ratios = {}
    for tool in {r.tool for r in results}:
        me = next((r for r in results if r.tool == tool and r.target == "me"), None)
        bare = next((r for r in results if r.tool == tool and r.target == "bare"), None)
        if me and bare and bare.rps:
            ratios[tool] = round(me.rps / bare.rps, 4)
    return {
        "benchmark": "me_query",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "workers": args.workers,
        "connections": args.connections,
        "duration_s": args.duration,
        "query": ME_QUERY,
        "results": [r.as_dict() for r in results],
        "me_over_bare": ratios,
    }


def _print_table(summary: dict) -> None:
    print()
    print(
        f"me query vs bare Starlette JSON: {summary['workers']} worker(s), "
        f"{summary['connections']} connections, {summary['duration_s']:g}s, "
        f"{summary['machine']['cpus']} cpus"
    )
    header = f"{'target':<8} {'tool':<20} {'req/s':>10} {'p50 ms':>9} {'p99 ms':>9} {'errors':>7}"
    print(header)
    print("-" * len(header))
    for r in summary["results"]:
        print(
            f"{r['target']:<8} {r['tool']:<20} {r['rps']:>10,.0f} {r['p50_ms']:>9.2f} "
            f"{r['p99_ms']:>9.2f} {r['errors']:>7}"
        )
    for tool, ratio in summary["me_over_bare"].items():
        print(
            f"me / bare ratio ({tool}): {ratio:.3f}  (bare is {1 / ratio:.1f}x faster)"
            if ratio
            else f"me / bare ratio ({tool}): n/a"
        )


if __name__ == "__main__":
    sys.exit(main())
