"""Search and assistant quality on the labelled journal of tests/search/labelled.

    .venv/bin/python bench/search_quality.py [--json-out bench/results/search_quality.json]
        [--model all-mpnet-base-v2 [--model-path FOLDER]]

One user writes the 108 entries; they are embedded in passages and indexed as the AI
worker does. Each query runs through the search's own rankings (FULL_TEXT, SEMANTIC) and
fusion (HYBRID), also written with OR between its words (syntax the API documents, which
makes full text match loosely). Fusion parameters and the assistant's answer scoring are
tuned on the DEV split only (a small grid), then reported on DEV and HELD_OUT with the
shipped defaults and the tuned values. Prints a table and writes JSON. Only PostgreSQL
(throwaway pgserver) and the embedding model are needed. `--model` measures another
embedding model (all-mpnet-base-v2: from its packages or `--model-path`, verified against
the committed sha256 manifest as the server does).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import itertools
import json
import os
import secrets
import sys
import uuid
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench._common import ROOT, machine, progress
from tests.search import labelled

MODES = ("FULL_TEXT", "SEMANTIC", "HYBRID")
DEPTH = 50


def _or_written(text: str) -> str:
    return " OR ".join(text.split())


def _metrics(ranked: list[list[str]], relevant: list[frozenset[str]]) -> dict[str, float]:
    """recall@5, recall@10 and MRR (first relevant hit), averaged over queries."""
    if not ranked:
        return {"recall@5": 0.0, "recall@10": 0.0, "mrr": 0.0, "queries": 0}
    r5 = r10 = mrr = 0.0
    for hits, wanted in zip(ranked, relevant, strict=True):
        r5 += len(wanted & set(hits[:5])) / len(wanted)
        r10 += len(wanted & set(hits[:10])) / len(wanted)
        rank = next((n for n, key in enumerate(hits, 1) if key in wanted), None)
        mrr += 1 / rank if rank else 0.0
    n = len(ranked)
    return {
        "recall@5": round(r5 / n, 3),
        "recall@10": round(r10 / n, 3),
        "mrr": round(mrr / n, 3),
        "queries": n,
    }


async def _load(clients: Any, embedder: Any) -> tuple[uuid.UUID, dict[uuid.UUID, str]]:
    from sqlalchemy import text

    from datastore.journal.repository.analysis import AnalysisRepository
    from datastore.journal.repository.search import JournalSearchRepository
    from datastore.kit.ai.text import content_hash, embed_text, passages

    user = uuid.uuid4()
    entries = labelled.entries()
    ids: dict[str, uuid.UUID] = {}
    async with clients.db() as session, session.begin():
        await session.execute(
            text("INSERT INTO users (id, email, username, password_hash) VALUES (:u, :e, :n, 'x')"),
            {"u": user, "e": f"{user.hex[:12]}@bench.example", "n": f"q_{user.hex[:12]}"},
        )
        for entry in entries:
            row = await session.execute(
                text(
                    "INSERT INTO journal_entries (user_id, title, content) "
                    "VALUES (:u, :t, :c) RETURNING id"
                ),
                {"u": user, "t": entry.title, "c": entry.content},
            )
            ids[entry.key] = row.scalar_one()
    progress(f"load: {len(entries)} entries; embedding their passages")
    runs = [passages(e.title, e.content) for e in entries]
    flat = await embedder.encode([p for run in runs for p in run])
    async with clients.db() as session, session.begin():
        analysis = AnalysisRepository(session)
        for entry, run in zip(entries, runs, strict=True):
            vectors, flat = flat[: len(run)], flat[len(run) :]
            await analysis.save_embedding(
                "JOURNAL",
                ids[entry.key],
                user,
                model=embedder.name,
                content_hash=content_hash(embed_text(entry.title, entry.content)),
                vector=vectors[0],
            )
            await analysis.save_chunks("JOURNAL", ids[entry.key], user, vectors)
        await JournalSearchRepository(session).add_terms_of_entries(list(ids.values()))
    return user, {v: k for k, v in ids.items()}


async def _rankings(clients: Any, embedder: Any, user: uuid.UUID, text: str) -> tuple:
    from datastore.kit.fulltext import semantic_text
    from datastore.search.rankings import Rankings

    vector = (await embedder.encode([semantic_text(text)]))[0]
    async with clients.db() as session:
        rankings = Rankings(session)
        lexical = await rankings.full_text(
            user, text, kinds=["JOURNAL"], limit=DEPTH, snippets=False
        )
        semantic = await rankings.semantic(
            user, vector, text, kinds=["JOURNAL"], limit=DEPTH, snippets=False
        )
    return lexical, semantic


def _search_table(runs: dict, keys: dict, fusion: Any) -> dict:
    """Metrics of each mode and split, for natural and OR-written queries."""
    from datastore.search.fusion import fuse

    table: dict[str, Any] = {}
    for split in (labelled.DEV, labelled.HELD_OUT):
        for variant in ("natural", "or_written"):
            for kind in (labelled.WORDS, labelled.MEANING, "all"):
                chosen = [
                    r
                    for r in runs[variant]
                    if r["query"].split == split and kind in ("all", r["query"].kind)
                ]
                relevant = [r["query"].relevant for r in chosen]
                for mode in MODES:
                    ranked = []
                    for r in chosen:
                        if mode == "FULL_TEXT":
                            hits = r["lexical"]
                        elif mode == "SEMANTIC":
                            hits = r["semantic"]
                        else:
                            hits = fuse(r["lexical"], r["semantic"], fusion)
                        ranked.append([keys[h.id] for h in hits])
                    table[f"{split}/{variant}/{kind}/{mode}"] = _metrics(ranked, relevant)
    return table


def _objective(table: dict, split: str) -> float:
    """What fusion is tuned for: HYBRID's recall@5 + MRR over natural and OR-written."""
    return sum(
        table[f"{split}/{variant}/all/HYBRID"][m]
        for variant in ("natural", "or_written")
        for m in ("recall@5", "mrr")
    )


def _tune_fusion(runs: dict, keys: dict) -> Any:
    from datastore.search.fusion import DEFAULT_FUSION, RRF, SCORE

    best, best_value = DEFAULT_FUSION, -1.0
    # Floors from high to low: among settings equally good on DEV the first, most cautious
    # one wins (a loose lexical match should not count without evidence that it helps).
    grid = itertools.product(
        (SCORE, RRF),
        (0.1, 0.25, 0.5, 0.75, 1.0),
        (0.6, 0.5, 0.4, 0.3, 0.2, 0.0),
        (0.3, 0.25, 0.2, 0.1),
    )
    for method, lexical_weight, lexical_floor, semantic_floor in grid:
        fusion = replace(
            DEFAULT_FUSION,
            method=method,
            lexical_weight=lexical_weight,
            lexical_floor=lexical_floor,
            semantic_floor=semantic_floor,
        )
        value = _objective(_search_table(runs, keys, fusion), labelled.DEV)
        if value > best_value + 1e-9:
            best, best_value = fusion, value
    return best


def _assistant_metrics(answers: list[dict], scoring: Any, keys: dict) -> dict:
    """Answer accuracy (right entry and the answer's words quoted), abstention precision
    (abstentions that were right) and recall (unanswerable questions abstained on)."""
    from datastore.assistant.answers import choose

    table: dict[str, Any] = {}
    for split in (labelled.DEV, labelled.HELD_OUT):
        correct = answerable = abstained = right_abstentions = unanswerable = 0
        for a in (x for x in answers if x["question"].split == split):
            question = a["question"]
            chosen = choose(a["candidates"], question.text, scoring)
            if question.entry is None:
                unanswerable += 1
            else:
                answerable += 1
            if not chosen:
                abstained += 1
                right_abstentions += question.entry is None
                continue
            top = chosen[0]
            if question.entry is not None and keys.get(top.entry_id) == question.entry:
                correct += question.answer is not None and question.answer in top.sentence
        table[split] = {
            "answer_accuracy": round(correct / max(answerable, 1), 3),
            "abstention_precision": round(right_abstentions / abstained, 3) if abstained else None,
            "abstention_recall": round(right_abstentions / max(unanswerable, 1), 3),
            "answerable": answerable,
            "unanswerable": unanswerable,
        }
    return table


def _tune_scoring(answers: list[dict], keys: dict) -> Any:
    from datastore.assistant.answers import DEFAULT_SCORING

    best, best_value = DEFAULT_SCORING, -1.0
    grid = itertools.product(
        (0.0, 0.1, 0.15, 0.2, 0.3),  # answer type bonus
        (0.0, 0.1, 0.2, 0.3),  # overlap weight
        (0.0, 0.1, 0.2, 0.3),  # echo penalty
        (0.05,),  # entry weight
        (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6),  # min evidence
        (0.0, 0.1, 0.2, 0.3),  # evidence overlap
    )
    for bonus, overlap, echo, entry_weight, min_evidence, evidence_overlap in grid:
        scoring = replace(
            DEFAULT_SCORING,
            answer_type_bonus=bonus,
            overlap_weight=overlap,
            echo_penalty=echo,
            entry_weight=entry_weight,
            min_evidence=min_evidence,
            evidence_overlap=evidence_overlap,
        )
        dev = _assistant_metrics(answers, scoring, keys)[labelled.DEV]
        value = (
            dev["answer_accuracy"]
            + (dev["abstention_precision"] or 0)
            + dev["abstention_recall"] * 0.5
        )
        if value > best_value + 1e-9:
            best, best_value = scoring, value
    return best


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


async def _run(database_url: str, model: str, model_path: str) -> dict:
    from datastore.assistant.answers import DEFAULT_SCORING
    from datastore.assistant.service import AssistantService
    from datastore.kit.ai.embedder import Embedder
    from datastore.kit.clients import Clients
    from datastore.kit.settings import load_settings
    from datastore.search.fusion import DEFAULT_FUSION
    from datastore.search.service import SearchService

    settings = load_settings(
        database_url=database_url,
        master_key=_key(),
        audit_hash_key=_key(),
        audit_signing_key=_key(),
        dynamodb_endpoint="http://127.0.0.1:9",  # never reached: only PostgreSQL is used
        redis_url="redis://127.0.0.1:9/0",
    )
    clients = Clients.build(settings)  # connects lazily; only PostgreSQL is used here
    embedder = Embedder(model_path, model=model, cache_dir=settings.embedding_model_dir)
    progress(f"search: embedding with {model} from {embedder.folder()}")
    try:
        await embedder.warm_up()
        user, keys = await _load(clients, embedder)
        runs: dict[str, list[dict]] = {"natural": [], "or_written": []}
        for query in labelled.queries():
            for variant, text in (("natural", query.text), ("or_written", _or_written(query.text))):
                lexical, semantic = await _rankings(clients, embedder, user, text)
                runs[variant].append({"query": query, "lexical": lexical, "semantic": semantic})
        progress("search: tuning fusion on the dev split")
        tuned = _tune_fusion(runs, keys)
        assistant = AssistantService(clients, SearchService(clients, embedder), embedder)
        answers = [
            {"question": q, "candidates": await assistant.candidates(user, q.text)}
            for q in labelled.questions()
        ]
        progress("assistant: tuning answer scoring on the dev split")
        tuned_scoring = _tune_scoring(answers, keys)
        return {
            "embedding_model": model,
            "search": {
                "default_fusion": asdict(DEFAULT_FUSION),
                "default": _search_table(runs, keys, DEFAULT_FUSION),
                "tuned_fusion": asdict(tuned),
                "tuned": _search_table(runs, keys, tuned),
            },
            "assistant": {
                "default_scoring": asdict(DEFAULT_SCORING),
                "default": _assistant_metrics(answers, DEFAULT_SCORING, keys),
                "tuned_scoring": asdict(tuned_scoring),
                "tuned": _assistant_metrics(answers, tuned_scoring, keys),
            },
        }
    finally:
        await clients.engine.dispose()


def _print(results: dict) -> None:
    for which in ("default", "tuned"):
        print(f"\nsearch ({which} fusion: {results['search'][f'{which}_fusion']})")
        print(f"{'split/variant/queries':40} {'mode':10} {'R@5':>6} {'R@10':>6} {'MRR':>6}")
        for key, row in results["search"][which].items():
            split, variant, kind, mode = key.split("/")
            print(
                f"{split + '/' + variant + '/' + kind:40} {mode:10} "
                f"{row['recall@5']:6.3f} {row['recall@10']:6.3f} {row['mrr']:6.3f}"
            )
    for which in ("default", "tuned"):
        print(f"\nassistant ({which} scoring: {results['assistant'][f'{which}_scoring']})")
        for split, row in results["assistant"][which].items():
            print(f"  {split:10} {row}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json-out", default="")
    parser.add_argument(
        "--model",
        default="all-MiniLM-L6-v2",
        choices=("all-MiniLM-L6-v2", "all-mpnet-base-v2"),
        help="EMBEDDING_MODEL to measure",
    )
    parser.add_argument("--model-path", default="", help="its folder (else its package)")
    args = parser.parse_args()
    suffix = "" if args.model == "all-MiniLM-L6-v2" else f"-{args.model}"
    json_out = args.json_out or str(ROOT / f"bench/results/search_quality{suffix}.json")
    from server.embedded.postgres import start_postgres
    from server.migrate import migrate_postgres

    postgres = start_postgres(data_dir=None, log=progress)
    try:
        migrate_postgres(postgres.url)
        results = asyncio.run(_run(postgres.url, args.model, args.model_path))
    finally:
        postgres.stop()
    results = {"machine": machine(), **results}
    _print(results)
    Path(json_out).parent.mkdir(parents=True, exist_ok=True)
    Path(json_out).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
