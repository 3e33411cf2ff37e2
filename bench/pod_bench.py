"""Pod reads at scale: entry list pages and full-text search, p50/p99.

One user holds N entries among several other users (their entries as many again, so the
GIN index and the tables are shared). Data is bulk-loaded in PostgreSQL (multi-row
INSERT ... SELECT generate_series), not through the API. Each measurement runs the
repository query the API runs (caches off: the uncached cost), timed from Python over
asyncpg, so it includes the driver and SQLAlchemy but not HTTP or GraphQL (see
`me_query.py` for that layer's cost).

    .venv/bin/python bench/pod_bench.py --sizes 10000 100000 --runs 200
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import BENCH, backing_services, progress
from pod_data import ENTRY_TEXT, WORDS

OTHER_USERS = 9


async def _load(db, user_id: uuid.UUID, count: int) -> None:
    """Insert `count` entries for `user_id` in batches of 10,000, with varied text."""
    from sqlalchemy import text

    statement = text(
        f"""
        INSERT INTO entries (user_id, kind, title, body, fields, created_at, updated_at)
        SELECT CAST(:u AS uuid),
               {ENTRY_TEXT},
               now() - n * interval '1 minute', now() - n * interval '1 minute'
        FROM generate_series(CAST(:start AS int), CAST(:stop AS int)) AS n,
             (SELECT CAST(:words AS text[]) AS w) AS words
        """  # noqa: S608 (ENTRY_TEXT is a constant of pod_data, not input)
    )
    for start in range(1, count + 1, 10_000):
        stop = min(start + 9_999, count)
        async with db() as session, session.begin():
            await session.execute(
                statement, {"u": user_id, "start": start, "stop": stop, "words": list(WORDS)}
            )


async def _user(db) -> uuid.UUID:
    from sqlalchemy import text

    async with db() as session, session.begin():
        tag = uuid.uuid4().hex[:10]
        return (
            await session.execute(
                text(
                    "INSERT INTO users (email, username, password_hash) "
                    "VALUES (:e, :n, 'x') RETURNING id"
                ),
                {"e": f"bench-{tag}@example.com", "n": f"bench_{tag}"},
            )
        ).scalar_one()


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2),
    }


async def _time(runs: int, call) -> dict[str, float]:
    for _ in range(min(10, runs)):
        await call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return _percentiles(samples)


async def _measure(db, reads, user_id: uuid.UUID, runs: int) -> dict[str, dict[str, float]]:
    from datastore.pod.repository import pages

    filters, sort = pages.EntryFilter(), pages.EntrySort()

    async def first_page():
        return await pages.list_page(reads, user_id, filters, sort, after=None, limit=20)

    rows, _ = await first_page()
    middle = rows[-1]

    async def next_page():
        key = pages.PageKey(value=middle[1], id=middle[0].id)
        await pages.list_page(reads, user_id, filters, sort, after=key, limit=20)

    async def title_page():
        title = pages.EntrySort("TITLE", False)
        await pages.list_page(reads, user_id, filters, title, after=None, limit=20)

    def search(query: str, prefix: bool):
        async def run():
            async with db() as session:
                await pages.search_page(
                    session, user_id, query, filters, prefix=prefix, after=None, limit=20
                )

        return run

    return {
        "list: first page (20, newest)": await _time(runs, first_page),
        "list: next page (keyset cursor)": await _time(runs, next_page),
        "list: first page by title": await _time(runs, title_page),
        "search: common word 'meeting'": await _time(runs, search("meeting", False)),
        "search: two words 'budget invoice'": await _time(runs, search("budget invoice", False)),
        "search: as-you-type 'budget inv'": await _time(runs, search("budget inv", True)),
        "search: rare '4242'": await _time(runs, search("4242", False)),
    }


async def bench(env: dict[str, str], sizes: list[int], runs: int) -> dict:
    from datastore.kit.postgres import create_engine, create_session_factory
    from datastore.kit.raw_reads import RawReads
    from datastore.kit.settings import load_settings

    settings = load_settings(**{k.lower(): v for k, v in env.items()})
    engine = create_engine(settings.database_url)
    db = create_session_factory(engine)
    reads = RawReads(engine, size=2, count_statements=False)
    results: dict = {}
    try:
        for size in sizes:
            progress(f"load: {size:,} entries for the measured user")
            target = await _user(db)
            await _load(db, target, size)
            per_other = max(size // OTHER_USERS, 1)
            progress(f"load: {OTHER_USERS} other users with {per_other:,} entries each")
            for _ in range(OTHER_USERS):
                await _load(db, await _user(db), per_other)
            async with engine.connect() as connection:
                from sqlalchemy import text

                await connection.execute(text("ANALYZE entries"))
                await connection.commit()
            progress(f"measure: {runs} runs per query at {size:,}")
            results[size] = await _measure(db, reads, target, runs)
    finally:
        await reads.close()
        await engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=200, help="timed runs per query")
    args = parser.parse_args()
    with backing_services() as env:
        results = asyncio.run(bench(env, args.sizes, args.runs))
    print(f"\n{'query':40} " + " ".join(f"{f'{s:,}':>18}" for s in args.sizes))
    print(f"{'':40} " + " ".join(f"{'p50 / p99 ms':>18}" for _ in args.sizes))
    for name in next(iter(results.values())):
        cells = [
            f"{results[s][name]['p50_ms']:>8} / {results[s][name]['p99_ms']:<7}" for s in args.sizes
        ]
        print(f"{name:40} " + " ".join(f"{c:>18}" for c in cells))
    out = BENCH / "results" / "pod_bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({str(k): v for k, v in results.items()}, indent=2))
    progress(f"wrote {out}")


if __name__ == "__main__":
    main()
