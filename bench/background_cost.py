"""What background work costs the API: entries-page throughput with no background work,
then the same while a 10,000-note import is being embedded, and their ratio (issue 10's
goal: the second at least 0.8x the first), for each place background work can run.

    .venv/bin/python bench/background_cost.py [--modes child in-process] [--notes 10000]
        [--workers 2] [--connections 32] [--duration 10] [--rounds 3]

Per mode, on fresh throwaway services: `personalpod serve --workers W` (mode `child`: the
default, one niced `personalpod worker` child; `in-process`: RUN_WORKERS_IN_PROCESS=true),
a reader with a page of tagged notes, an importer. Once no background work is pending, wrk
runs the reader's entries page `--rounds` times (baseline); the importer then sends an
archive of `--notes` notes through `importArchive`, and once its notes are being embedded
wrk runs the page again while the embedded rows are counted before and after each round
(the proof that embedding went on during the measurement).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import (
    ROOT,
    Target,
    add_json_out,
    backing_services,
    cpu_busy,
    free_port,
    machine,
    post_json,
    progress,
    run_wrk,
    serve_command,
    server_subprocess,
    warn_if_busy,
    write_json_out,
)
from pod_bench import WORDS

ENTRIES_PAGE = (
    "query Page { entries(first: 20) { edges { node { id title createdAt "
    "tags { edges { node { id name } } } } } } }"
)
SIGN_UP = "mutation($input: SignUpInput!) { signUp(input: $input) { token user { id } } }"
CREATE_TAG = "mutation($input: CreateTagInput!) { createTag(input: $input) { id } }"
CREATE_ENTRY = "mutation($input: CreateEntryInput!) { createEntry(input: $input) { id } }"
IMPORT = (
    "mutation($file: Upload!) { importArchive(file: $file) { created kinds { kind created } } }"
)
MODES = {
    "child": {"RUN_WORKERS_IN_PROCESS": "false"},
    "in-process": {"RUN_WORKERS_IN_PROCESS": "true"},
}
FILE_MAP = {"0": ["variables.file"]}  # the multipart spec's part "0" is $file
PAGE_NOTES, PAGE_TAGS, TAGS_PER_NOTE = 40, 10, 3


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        archive = Path(folder) / "notes.zip"
        progress(f"archive: writing {args.notes} notes")
        asyncio.run(write_archive(archive, args.notes))
        try:
            modes = [measure_mode(mode, archive, args) for mode in args.modes]
        except KeyboardInterrupt:
            progress("interrupted; everything started here has been stopped")
            return 130
    summary = {
        "benchmark": "background_cost",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "notes": args.notes,
        "workers": args.workers,
        "connections": args.connections,
        "duration_s": args.duration,
        "rounds": args.rounds,
        "query": ENTRIES_PAGE,
        "modes": modes,
    }
    print_table(summary)
    write_json_out(args.json_out, summary)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    parser.add_argument("--notes", type=int, default=10_000, help="notes imported (10,000)")
    parser.add_argument("--workers", type=int, default=2, help="server processes (2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per round (10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per phase (3)")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for the server (e.g. WORKER_TORCH_THREADS=0); repeatable",
    )
    add_json_out(parser, ROOT / "bench/results/background_cost.json")
    return parser


# --------------------------------------------------------------------------- the archive


async def write_archive(path: Path, count: int) -> None:
    """An export archive (the format `personalpod export` writes) of `count` notes."""
    from datastore.exports.archive import ArchiveWriter, Manifest
    from datastore.exports.importer import IMPORTED
    from datastore.exports.readme import CONSISTENCY, render
    from datastore.exports.sections import SECTIONS, pod

    writer = ArchiveWriter(path)
    manifest = Manifest(uuid.uuid4(), uuid.uuid4(), _now(), 0, CONSISTENCY)
    for section in IMPORTED:
        items = _notes(count) if section is pod.ENTRIES else _nothing()
        manifest.files.append(await writer.write_section(section, items))
    writer.finish(manifest, render(SECTIONS))


async def _notes(count: int) -> AsyncIterator[dict[str, Any]]:
    now = _now()
    for n in range(count):
        words = [WORDS[(n * 7 + i * 3) % len(WORDS)] for i in range(12)]
        yield {
            "id": str(uuid.uuid4()),
            "kind": "NOTE",
            "status": "ACTIVE",
            "previousStatus": None,
            "title": f"Note {n}: {words[0]} and {words[1]}",
            "body": (
                f"Thoughts about the {words[2]} after the {words[3]}. We planned the "
                f"{words[4]} and the {words[5]} for next week, then talked about "
                f"{' '.join(words[6:12])} until late. Number {n}."
            ),
            "fields": {},
            "secrets": None,
            "sensitive": False,
            "categoryId": None,
            "tagIds": [],
            "version": 1,
            "expiresAt": None,
            "deletedAt": None,
            "createdAt": now,
            "updatedAt": now,
        }


async def _nothing() -> AsyncIterator[dict[str, Any]]:
    return
    yield


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())


# --------------------------------------------------------------------------- one mode


def measure_mode(mode: str, archive: Path, args: argparse.Namespace) -> dict[str, Any]:
    extra = dict(item.split("=", 1) for item in args.env)
    with backing_services() as env:
        database = env["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
        port = free_port()
        log = ROOT / f"bench/results/background_cost-{mode}.log"
        server_env = {**env, **MODES[mode], **extra}
        command = serve_command(port, args.workers)
        with server_subprocess(mode, command, port, env=server_env, keep_log=log) as (url, proc):
            worker = _Worker(proc.pid) if mode == "child" else None
            reader = _sign_up(url)
            importer = _sign_up(url)
            _seed_page(url, reader)
            target = _page_target(url, reader)
            progress(f"{mode}: waiting until no background work is pending")
            _wait_for(lambda: _pending(database) == (0, 0), "the backlog to drain", 300)
            baseline = [_round(target, args, f"{mode} baseline") for _ in range(args.rounds)]
            progress(f"{mode}: importing {args.notes} notes through importArchive")
            started = time.monotonic()
            report = _import(url, importer, archive)
            imported_s = round(time.monotonic() - started, 1)
            progress(f"{mode}: imported in {imported_s}s: {report}")
            _wait_for(lambda: _embedded(database, importer) > 0, "embedding to start", 600)
            during = [
                _round(target, args, f"{mode} during", database, importer, worker)
                for _ in range(args.rounds)
            ]
            left = _pending(database)
    return _mode_summary(mode, server_env, baseline, during, imported_s, left, args)


def _round(
    target: Target,
    args: argparse.Namespace,
    what: str,
    database: str | None = None,
    importer: dict[str, str] | None = None,
    worker: _Worker | None = None,
) -> dict[str, Any]:
    # Before the import nothing of ours runs in the background: what is busy is someone
    # else's. During it the worker's own load is in the figure, so it is only sampled.
    busy = warn_if_busy(what, settle=30) if database is None else round(cpu_busy(), 3)
    before = _embedded(database, importer) if database and importer else None
    cpu_before = (worker.cpu_seconds(), worker.cpu_seconds("ai")) if worker else None
    result = run_wrk(target, duration=args.duration, connections=args.connections)
    result.busy_before = busy
    row: dict[str, Any] = result.as_dict()
    cpu_after = (worker.cpu_seconds(), worker.cpu_seconds("ai")) if worker else None
    if cpu_before and cpu_after:
        # What the worker children (and the AI's alone) got of the cores while wrk ran.
        row["worker_cpu_share"] = round((cpu_after[0] - cpu_before[0]) / result.duration_s, 3)
        row["worker_ai_cpu_share"] = round((cpu_after[1] - cpu_before[1]) / result.duration_s, 3)
    if database and importer:
        after = _embedded(database, importer)
        row["embedded_before"], row["embedded_after"] = before, after
        row["embedded_per_s"] = round((after - (before or 0)) / result.duration_s, 1)
    progress(
        f"{what}: {result.rps:,.0f} req/s, p50 {result.p50_ms} ms, p99 {result.p99_ms} ms, "
        f"{result.errors} errors"
        + (f", {row['embedded_per_s']} notes embedded/s" if "embedded_per_s" in row else "")
        + (
            f", worker children {row['worker_cpu_share']:.0%} of a core"
            f" (AI {row['worker_ai_cpu_share']:.0%})"
            if "worker_cpu_share" in row
            else ""
        )
    )
    return row


def _mode_summary(
    mode: str,
    server_env: dict[str, str],
    baseline: list[dict[str, Any]],
    during: list[dict[str, Any]],
    imported_s: float,
    left: tuple[int, int],
    args: argparse.Namespace,
) -> dict[str, Any]:
    base = statistics.median(r["rps"] for r in baseline)
    busy = statistics.median(r["rps"] for r in during)
    embedded = during[-1]["embedded_after"] - during[0]["embedded_before"]
    return {
        "mode": mode,
        "settings": {k: v for k, v in server_env.items() if k.startswith(("RUN_", "WORKER_"))},
        "baseline": baseline,
        "during_embedding": during,
        "baseline_rps_median": base,
        "during_rps_median": busy,
        "ratio": round(busy / base, 3) if base else None,
        "import_seconds": imported_s,
        "embedded_during_measurement": embedded,
        "pending_after": {"ai_jobs": left[0], "outbox": left[1]},
        # The goal only means something if the import was still being embedded throughout.
        "embedding_throughout": embedded > 0 and left[0] > 0,
    }


class _Worker:
    """The `personalpod worker` children of the server process, for their CPU time."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid

    def cpu_seconds(self, jobs: str | None = None) -> float:
        """CPU seconds of the children (those running `--jobs <jobs>` when given)."""
        import psutil

        total = 0.0
        for child in psutil.Process(self.server_pid).children():
            try:
                line = child.cmdline()
                if "worker" in line and (jobs is None or line[-1] == jobs):
                    times = child.cpu_times()
                    total += times.user + times.system
            except psutil.Error:
                pass
        return total


# --------------------------------------------------------------------------- the API


def _sign_up(url: str) -> dict[str, str]:
    tag = secrets.token_hex(4)
    reply = post_json(
        url + "/graphql",
        {
            "query": SIGN_UP,
            "variables": {
                "input": {
                    "email": f"bench-{tag}@example.com",
                    "username": f"bench_{tag}",
                    "password": secrets.token_urlsafe(16),
                }
            },
        },
    )
    if reply.get("errors"):
        raise RuntimeError(f"signUp failed: {reply['errors']}")
    data = reply["data"]["signUp"]
    return {"token": data["token"], "user_id": _raw_id(data["user"]["id"])}


def _graphql(url: str, user: dict[str, str], query: str, variables: dict[str, Any]) -> Any:
    reply = post_json(
        url + "/graphql",
        {"query": query, "variables": variables},
        {"Authorization": f"Bearer {user['token']}"},
    )
    if reply.get("errors"):
        raise RuntimeError(f"{query.split('(')[0]} failed: {reply['errors']}")
    return reply["data"]


def _seed_page(url: str, user: dict[str, str]) -> None:
    """The reader's notes, each with TAGS_PER_NOTE of PAGE_TAGS tags, through the API."""
    progress(f"seeding {PAGE_NOTES} notes with {TAGS_PER_NOTE} tags each")
    tags = [
        _graphql(url, user, CREATE_TAG, {"input": {"name": f"tag {WORDS[i]}"}})["createTag"]["id"]
        for i in range(PAGE_TAGS)
    ]
    for n in range(PAGE_NOTES):
        chosen = [tags[(n + i) % PAGE_TAGS] for i in range(TAGS_PER_NOTE)]
        values = {"kind": "NOTE", "title": f"Page note {n}", "body": f"About {WORDS[n % 30]}."}
        _graphql(url, user, CREATE_ENTRY, {"input": {**values, "tagIds": chosen}})


def _page_target(url: str, user: dict[str, str]) -> Target:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {user['token']}"}
    body = {"query": ENTRIES_PAGE, "operationName": "Page"}
    check = post_json(url + "/graphql", body, headers)
    edges = (check.get("data") or {}).get("entries", {}).get("edges", [])
    if check.get("errors") or len(edges) != 20 or not edges[0]["node"]["tags"]["edges"]:
        raise RuntimeError(f"the entries page did not answer 20 tagged notes: {check}")
    return Target("entries", url + "/graphql", "POST", json.dumps(body).encode(), headers)


def _import(url: str, user: dict[str, str], archive: Path) -> dict[str, Any]:
    import httpx

    operations = {"query": IMPORT, "variables": {"file": None}}
    with archive.open("rb") as file:
        response = httpx.post(
            url + "/graphql",
            data={"operations": json.dumps(operations), "map": json.dumps(FILE_MAP)},
            files={"0": ("notes.zip", file, "application/zip")},
            headers={"Authorization": f"Bearer {user['token']}"},
            timeout=900,
        )
    reply = response.json()
    if reply.get("errors"):
        raise RuntimeError(f"importArchive failed: {reply['errors']}")
    return reply["data"]["importArchive"]


def _raw_id(global_id: str) -> str:
    import base64

    return base64.b64decode(global_id).decode().split(":", 1)[1]


# --------------------------------------------------------------------------- the database


def _query(database: str, sql: str, *params: Any) -> Any:
    async def fetch() -> Any:
        import asyncpg

        connection = await asyncpg.connect(database)
        try:
            return await connection.fetchval(sql, *params)
        finally:
            await connection.close()

    return asyncio.run(fetch())


def _embedded(database: str | None, user: dict[str, str] | None) -> int:
    """The importer's notes that have their vector."""
    assert database and user
    sql = "SELECT count(*) FROM embeddings WHERE source = 'POD' AND user_id = $1::uuid"
    return int(_query(database, sql, user["user_id"]))


def _pending(database: str) -> tuple[int, int]:
    """AI jobs to run and outbox events to relay."""
    jobs = _query(database, "SELECT count(*) FROM ai_jobs")
    outbox = _query(database, "SELECT count(*) FROM outbox WHERE published_at IS NULL")
    return int(jobs), int(outbox)


def _wait_for(check: Any, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.5)


# --------------------------------------------------------------------------- output


def print_table(summary: dict[str, Any]) -> None:
    print()
    print(
        f"entries page while {summary['notes']:,} imported notes are embedded: "
        f"{summary['workers']} server processes, wrk -c{summary['connections']}, "
        f"{summary['rounds']} x {summary['duration_s']:g}s, {summary['machine']['cpus']} cpus"
    )
    header = (
        f"{'mode':<11} {'baseline req/s':>15} {'during req/s':>13} {'ratio':>6} "
        f"{'embedded/s':>11} {'worker cpu':>11} {'busy before':>12} {'throughout':>11}"
    )
    print(header)
    print("-" * len(header))
    for m in summary["modes"]:
        rate = statistics.median(r["embedded_per_s"] for r in m["during_embedding"])
        busy = max(r["busy_before"] for r in m["baseline"])
        shares = [r["worker_cpu_share"] for r in m["during_embedding"] if "worker_cpu_share" in r]
        cpu = f"{statistics.median(shares):.0%}" if shares else "-"
        print(
            f"{m['mode']:<11} {m['baseline_rps_median']:>15,.0f} {m['during_rps_median']:>13,.0f} "
            f"{m['ratio']:>6.2f} {rate:>11.1f} {cpu:>11} {busy:>12.0%} "
            f"{m['embedding_throughout']!s:>11}"
        )


if __name__ == "__main__":
    sys.exit(main())
