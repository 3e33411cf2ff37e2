"""How right the journal's analysis is, on the labelled sets of tests/ai/labelled:

    .venv/bin/python bench/journal_quality.py [--json-out bench/results/journal_quality.json]

- emotions: accuracy and per-class recall of the shipped classifier on the 210 held-out
  texts of emotions.jsonl (never used in training), beside a nearest-emotion-word baseline;
- sentiment: Spearman correlation of the compound score with the writer's own mood on
  the held-out third of moods.jsonl (its blend, label model and mood line were fitted on
  the dev split only), beside VADER over the body alone (the previous analyser); label
  accuracy against the mood's label, how well `confidence` is calibrated as a probability
  (expected calibration error), and the mean error of `predictedMood`; dev for contrast;
- topics: adjusted Rand index of the discovered clusters against the labels of topics.jsonl
  (one person's entries about six pastimes and chores), with each cluster's name.

Needs only the model (no services): it runs the same functions the AI worker runs.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import numpy as np
from _labelled import embed, load
from scipy.stats import spearmanr
from sklearn.metrics import accuracy_score, adjusted_rand_score, recall_score

from datastore.kit.ai.clusters import cluster, topic_name
from datastore.kit.ai.embedder import MODEL_NAME, MODELS
from datastore.kit.ai.emotions import EMOTION_MODEL, EMOTIONS, emotion_probabilities
from datastore.kit.ai.sentiment import (
    SENTIMENT_MODEL,
    _analyzer,
    analyze_sentiment,
    blended_score,
    label_probabilities,
    lexicon_score,
    predicted_mood,
)
from datastore.kit.ai.text import embed_text
from datastore.kit.ai.training import mood_split, mood_truth
from datastore.kit.settings import JournalSettings


def emotions() -> dict:
    held = [r for r in load("emotions.jsonl") if r["split"] == "heldout"]
    vectors = embed([r["text"] for r in held])
    truth = [r["label"] for r in held]
    predicted = []
    for v in vectors:
        shares = emotion_probabilities(v)
        predicted.append(max(shares, key=lambda e: shares[e]))
    words = embed([f"I feel {e}." if e != "neutral" else "Nothing special." for e in EMOTIONS])
    baseline = [EMOTIONS[int(np.argmax(words @ v))] for v in vectors]
    recall = recall_score(truth, predicted, labels=list(EMOTIONS), average=None)
    # Sentiment on texts it was never calibrated on: joy and love should read positive,
    # sadness, anger and fear negative.
    polar = {"joy": "POSITIVE", "love": "POSITIVE", "sadness": "NEGATIVE"}
    polar |= {"anger": "NEGATIVE", "fear": "NEGATIVE"}
    signs = [
        analyze_sentiment(None, r["text"], emotion_probabilities(v)).label == polar[r["label"]]
        for r, v in zip(held, vectors, strict=True)
        if r["label"] in polar
    ]
    return {
        "sentiment_polarity_on_held_out": round(float(np.mean(signs)), 3),
        "sentiment_polarity_texts": len(signs),
        "model": EMOTION_MODEL,
        "held_out": len(held),
        "accuracy": round(accuracy_score(truth, predicted), 3),
        "baseline_nearest_word_accuracy": round(accuracy_score(truth, baseline), 3),
        "recall": {e: round(float(r), 2) for e, r in zip(EMOTIONS, recall, strict=True)},
    }


def _ece(confidences: list[float], correct: list[bool], bins: int = 5) -> float:
    edges = np.linspace(0, 1, bins + 1)
    total, error = len(confidences), 0.0
    conf, hit = np.array(confidences), np.array(correct, dtype=float)
    for low, high in itertools.pairwise(edges):
        inside = (conf > low) & (conf <= high)
        if inside.any():
            error += inside.sum() / total * abs(conf[inside].mean() - hit[inside].mean())
    return round(float(error), 3)


def _sentiment_split(entries: list[dict], scores: np.ndarray, moods: np.ndarray) -> dict:
    truth = [mood_truth(int(m)) for m in moods]
    probabilities = [label_probabilities(float(s)) for s in scores]
    labels = [max(p, key=lambda k: p[k]) for p in probabilities]
    confidence = [p[label] for p, label in zip(probabilities, labels, strict=True)]
    correct = [a == b for a, b in zip(labels, truth, strict=True)]
    body_only = [_analyzer().polarity_scores(e["content"])["compound"] for e in entries]
    guesses = np.array([predicted_mood(float(s)) for s in scores], dtype=float)
    return {
        "entries": len(entries),
        "spearman_with_mood": round(float(spearmanr(scores, moods)[0]), 3),
        "baseline_vader_body_spearman": round(float(spearmanr(body_only, moods)[0]), 3),
        "label_accuracy": round(float(np.mean(correct)), 3),
        "mean_confidence": round(float(np.mean(confidence)), 3),
        "confidence_ece": _ece(confidence, correct),
        "predicted_mood_mae": round(float(np.abs(guesses - moods).mean()), 2),
    }


def sentiment() -> dict:
    """The shipped sentiment on the mood-rated entries: its blend, label model and mood line
    were fitted on the dev split only (training.mood_split), so held-out is the clean number."""
    entries = load("moods.jsonl")
    vectors = embed([embed_text(e["title"], e["content"]) for e in entries])
    scores = np.array(
        [
            blended_score(lexicon_score(e["title"], e["content"]), emotion_probabilities(v))
            for e, v in zip(entries, vectors, strict=True)
        ]
    )
    moods = np.array([e["mood"] for e in entries])
    splits = np.array([mood_split(e) for e in entries])
    result: dict = {"model": SENTIMENT_MODEL, "entries": len(entries)}
    for split in ("dev", "heldout"):
        inside = splits == split
        chosen = [e for e, keep in zip(entries, inside, strict=True) if keep]
        result[split] = _sentiment_split(chosen, scores[inside], moods[inside])
    return result


def topics() -> dict:
    entries = load("topics.jsonl")
    texts = [embed_text(e["title"], e["content"]) for e in entries]
    settings = JournalSettings()
    found = cluster(
        embed(texts),
        texts,
        distance_threshold=settings.topic_cluster_distance
        or MODELS[MODEL_NAME].topic_cluster_distance,
        min_size=settings.topic_min_entries,
    )
    labels = [-1] * len(entries)
    for n, group in enumerate(found):
        for position in group.members:
            labels[position] = n
    return {
        "entries": len(entries),
        "adjusted_rand_index": round(adjusted_rand_score([e["topic"] for e in entries], labels), 3),
        "clusters": [
            {
                "name": topic_name(c.keywords),
                "size": len(c.members),
                "labels": sorted({entries[p]["topic"] for p in c.members}),
            }
            for c in found
        ],
        "unclustered": labels.count(-1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json-out", default="")
    args = parser.parse_args()
    results = {"emotions": emotions(), "sentiment": sentiment(), "topics": topics()}
    e, s, t = results["emotions"], results["sentiment"], results["topics"]
    print(f"emotions ({e['model']}), {e['held_out']} held-out texts:")
    baseline = e["baseline_nearest_word_accuracy"]
    print(f"  accuracy {e['accuracy']} (nearest emotion word {baseline})")
    print("  recall   " + ", ".join(f"{k} {v}" for k, v in e["recall"].items()))
    print(
        f"  sentiment label right on {e['sentiment_polarity_on_held_out']} of the "
        f"{e['sentiment_polarity_texts']} held-out joy/love/sadness/anger/fear texts"
    )
    print(f"sentiment ({s['model']}), {s['entries']} entries with the writer's mood:")
    for split in ("heldout", "dev"):
        r = s[split]
        print(
            f"  {split:7} ({r['entries']}): Spearman with mood {r['spearman_with_mood']} "
            f"(VADER on the body only {r['baseline_vader_body_spearman']}), label accuracy "
            f"{r['label_accuracy']} at mean confidence {r['mean_confidence']} (ECE "
            f"{r['confidence_ece']}), predicted mood MAE {r['predicted_mood_mae']}"
        )
    print(f"topics: {t['entries']} entries of one person, ARI {t['adjusted_rand_index']}:")
    for c in t["clusters"]:
        print(f"  {c['name']!r}: {c['size']} entries, labelled {', '.join(c['labels'])}")
    print(f"  not in any cluster: {t['unclustered']}")
    if args.json_out:
        Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json_out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
