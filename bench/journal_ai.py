"""Journal AI benchmark: embeddings per second, and semantic and hybrid search latency for
one user with 10,000 journal entries among 100,000 (ten users).

    .venv/bin/python bench/journal_ai.py [--entries 100000] [--users 10] [--real 2000]
                                          [--queries 200] [--json-out bench/results/journal_ai.json]

Rows are bulk-loaded with SQL; vectors are random unit vectors except for `--real` entries
of the measured user, which get real embeddings (so semantic queries find real neighbours).
Search is timed through the same service the GraphQL resolver calls: embedding the query
on the CPU, then PostgreSQL (an exact cosine scan over that user's rows, full text, fusion).
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

from bench._common import ROOT, backing_services, machine, progress, warn_if_busy

WORDS = [
    "morning",
    "coffee",
    "work",
    "meeting",
    "deadline",
    "run",
    "park",
    "dog",
    "walk",
    "family",
    "dinner",
    "exam",
    "study",
    "anxious",
    "happy",
    "tired",
    "sleep",
    "rain",
    "sun",
    "beach",
    "trip",
    "flight",
    "budget",
    "bills",
    "friend",
    "call",
    "garden",
    "book",
    "film",
    "music",
    "gym",
    "doctor",
    "headache",
    "recipe",
    "bread",
    "market",
    "train",
    "office",
]
QUERIES = [
    "anxious about the exam",
    "family dinner with a friend",
    "tired after a work meeting",
    "beach trip",
    "budget bills",
    "morning run",
    "book music",
    "sleep headache",
]


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _sentence(n: int) -> str:
    picked = [WORDS[(n * 7 + k * 13) % len(WORDS)] for k in range(12)]
    return f"Day {n}: " + " ".join(picked) + "."


async def _measure_embeddings(embedder, count: int) -> dict:
    texts = [_sentence(n) for n in range(count)]
    await embedder.encode(texts[:32])  # warm up (model load, first-call allocations)
    started = time.perf_counter()
    await embedder.encode(texts, batch_size=16)
    elapsed = time.perf_counter() - started
    single = []
    for query in QUERIES * 5:
        t = time.perf_counter()
        await embedder.encode([query])
        single.append((time.perf_counter() - t) * 1000)
    return {
        "sentences": count,
        "per_second": round(count / elapsed, 1),
        "query_ms_p50": round(_percentile(single, 50), 2),
    }


async def _load(services, args) -> uuid.UUID:
    import asyncpg
    import numpy as np
    from pgvector.asyncpg import register_vector

    url = services.clients.settings.database_url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(url)
    await register_vector(conn)
    users = [uuid.uuid4() for _ in range(args.users)]
    await conn.executemany(
        "INSERT INTO users (id, email, username, password_hash) VALUES ($1, $2, $3, 'x')",
        [(u, f"{u.hex[:12]}@bench.example", f"b_{u.hex[:12]}") for u in users],
    )
    per_user = args.entries // args.users
    progress(f"load: {args.entries} entries ({per_user} per user, {args.users} users)")
    for n, user in enumerate(users):
        await conn.execute(
            """
            INSERT INTO journal_entries (user_id, title, content, entry_date, mood)
            SELECT $1, 'Day ' || g,
                   'Day ' || g || ': ' || array_to_string(ARRAY(
                       SELECT ($2::text[])[1 + ((g * 7 + k * 13) % array_length($2::text[], 1))]
                       FROM generate_series(0, 11) k), ' ') || '.',
                   DATE '2020-01-01' + (g % 2000), 1 + g % 10
            FROM generate_series(1, $3) g
            """,
            user,
            list(WORDS),
            per_user,
        )
        progress(f"load: entries of user {n + 1}/{args.users}")
    rng = np.random.default_rng(7)
    for n, user in enumerate(users):
        ids = await conn.fetch("SELECT id FROM journal_entries WHERE user_id = $1", user)
        vectors = rng.standard_normal((len(ids), 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        await conn.copy_records_to_table(
            "embeddings",
            records=[
                ("JOURNAL", r["id"], user, "random", "0" * 32, v)
                for r, v in zip(ids, vectors, strict=True)
            ],
            columns=["source", "entry_id", "user_id", "model", "content_hash", "embedding"],
        )
        await conn.execute(
            "INSERT INTO embedding_chunks (source, entry_id, chunk, user_id, embedding) "
            "SELECT source, entry_id, 0, user_id, embedding FROM embeddings WHERE user_id = $1",
            user,
        )
        progress(f"load: vectors of user {n + 1}/{args.users}")
    target = users[0]
    await conn.execute("ANALYZE")
    await conn.close()
    await _real_vectors(services, target, args.real)
    return target


async def _real_vectors(services, user: uuid.UUID, count: int) -> None:
    """Real embeddings for `count` of the user's entries, so neighbours are meaningful."""
    from sqlalchemy import text

    from datastore.journal.repository.analysis import AnalysisRepository
    from datastore.kit.ai.text import content_hash, embed_text

    embedder = services.embedder
    async with services.clients.db() as session:
        rows = (
            await session.execute(
                text("SELECT id, title, content FROM journal_entries WHERE user_id = :u LIMIT :n"),
                {"u": user, "n": count},
            )
        ).all()
    for start in range(0, len(rows), 256):
        chunk = rows[start : start + 256]
        texts = [embed_text(r[1], r[2]) for r in chunk]
        vectors = await embedder.encode(texts)
        async with services.clients.db() as session, session.begin():
            analysis = AnalysisRepository(session)
            for row, body, vector in zip(chunk, texts, vectors, strict=True):
                await analysis.save_embedding(
                    "JOURNAL",
                    row[0],
                    user,
                    model=embedder.name,
                    content_hash=content_hash(body),
                    vector=vector,
                )
                await analysis.save_chunks("JOURNAL", row[0], user, [vector])
        progress(f"load: real vectors {start + len(chunk)}/{len(rows)}")


async def _measure_search(services, user: uuid.UUID, mode: str, count: int) -> dict:
    search = services.search
    timings = []
    for n in range(count + 10):
        query = QUERIES[n % len(QUERIES)]
        started = time.perf_counter()
        hits, _ = await search.search(user, query, mode=mode, kinds=["JOURNAL"], limit=20, offset=0)
        if n >= 10:  # the first few warm caches and connections
            timings.append((time.perf_counter() - started) * 1000)
        assert hits or mode == "FULL_TEXT", f"{mode} found nothing for {query!r}"
    return {
        "queries": count,
        "p50_ms": round(_percentile(timings, 50), 2),
        "p99_ms": round(_percentile(timings, 99), 2),
        "mean_ms": round(statistics.mean(timings), 2),
    }


async def _run(env: dict, args) -> dict:
    from datastore.kit.settings import load_settings
    from server.container import Container

    settings = load_settings(**{k.lower(): v for k, v in env.items()})
    container = Container.build(settings)
    await container.start(run_workers=False)
    services = container.services
    try:
        embedder = services.embedder
        progress("embeddings: loading the model")
        await embedder.warm_up()
        busy = warn_if_busy("the embedding run")
        embeddings = await _measure_embeddings(embedder, args.sentences)
        progress(f"embeddings: {embeddings}")
        user = await _load(services, args)
        results = {"embeddings": embeddings, "busy_before": busy}
        for mode in ("FULL_TEXT", "SEMANTIC", "HYBRID"):
            progress(f"search: {mode} x {args.queries}")
            results[mode.lower()] = await _measure_search(services, user, mode, args.queries)
            progress(f"search: {mode} {results[mode.lower()]}")
        return results
    finally:
        await container.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--real", type=int, default=2000, help="real vectors for the user")
    parser.add_argument("--sentences", type=int, default=512, help="for embeddings/s")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--json-out", default=str(ROOT / "bench/results/journal_ai.json"))
    args = parser.parse_args()
    with backing_services() as env:
        results = asyncio.run(_run(env, args))
    summary = {
        "machine": machine(),
        "entries": args.entries,
        "users": args.users,
        "user_entries": args.entries // args.users,
        **results,
    }
    print(json.dumps(summary, indent=2))
    if args.json_out:
        Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json_out).write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
