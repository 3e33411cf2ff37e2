"""Train the journal's emotion classifier and calibrate its sentiment; writes the files the
package ships (datastore/kit/ai/models/<model>.npz and .json).

    .venv/bin/python bench/train_emotions.py

Emotions: multinomial logistic regression over all-MiniLM-L6-v2 sentence embeddings of the
`train` split of tests/ai/labelled/emotions.jsonl, its C chosen by 5-fold cross-validation
on that split; the `heldout` split is only measured. Sentiment: the blended score of each
entry of moods.jsonl, a 3-class logistic regression from that score to the label the
writer's mood implies (so confidence is a probability), and a line from score to mood.
Retrain under a new model name when the data or features change: stored analyses keep the
name of the model that wrote them.
"""

from __future__ import annotations

import json
import sys

import numpy as np
from _labelled import embed, load, mood_truth
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import accuracy_score, recall_score
from sklearn.model_selection import StratifiedKFold, cross_val_score

from datastore.kit.ai.emotions import (
    EMOTION_MODEL,
    EMOTIONS,
    MODELS_DIR,
    emotion_probabilities,
    weights_path,
)
from datastore.kit.ai.sentiment import SENTIMENT_MODEL, blended_score, lexicon_score
from datastore.kit.ai.text import embed_text

GRID = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)


def train_emotions() -> None:
    rows = load("emotions.jsonl")
    train = [r for r in rows if r["split"] == "train"]
    held = [r for r in rows if r["split"] == "heldout"]
    x_train, y_train = embed([r["text"] for r in train]), [r["label"] for r in train]
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=15)
    scores = {
        c: cross_val_score(
            LogisticRegression(C=c, max_iter=5000), x_train, y_train, cv=folds
        ).mean()
        for c in GRID
    }
    best = max(scores, key=lambda c: scores[c])
    model = LogisticRegression(C=best, max_iter=5000).fit(x_train, y_train)
    np.savez_compressed(
        weights_path(EMOTION_MODEL),
        coef=model.coef_.astype(np.float32),
        intercept=model.intercept_.astype(np.float32),
        classes=np.array(model.classes_, dtype=str),
    )
    predicted = model.predict(embed([r["text"] for r in held]))
    truth = [r["label"] for r in held]
    print(f"emotions: {len(train)} train, {len(held)} held out; C={best} (CV {scores[best]:.3f})")
    print(f"  held-out accuracy {accuracy_score(truth, predicted):.3f}")
    recall = recall_score(truth, predicted, labels=list(EMOTIONS), average=None)
    print("  recall " + ", ".join(f"{e} {r:.2f}" for e, r in zip(EMOTIONS, recall, strict=True)))


def calibrate_sentiment() -> None:
    entries = load("moods.jsonl")
    vectors = embed([embed_text(e["title"], e["content"]) for e in entries])
    scores = np.array(
        [
            blended_score(lexicon_score(e["title"], e["content"]), emotion_probabilities(v))
            for e, v in zip(entries, vectors, strict=True)
        ]
    ).reshape(-1, 1)
    moods = np.array([e["mood"] for e in entries])
    labels = LogisticRegression(C=10.0, max_iter=5000).fit(
        scores, [mood_truth(int(m)) for m in moods]
    )
    line = LinearRegression().fit(scores, moods)
    fitted = {
        "label_classes": list(labels.classes_),
        "label_coef": [float(c[0]) for c in labels.coef_],
        "label_intercept": [float(b) for b in labels.intercept_],
        "mood_slope": float(line.coef_[0]),
        "mood_intercept": float(line.intercept_),
        "trained_on": f"tests/ai/labelled/moods.jsonl ({len(entries)} entries)",
    }
    (MODELS_DIR / f"{SENTIMENT_MODEL}.json").write_text(json.dumps(fitted, indent=2) + "\n")
    print(f"sentiment: calibrated on {len(entries)} entries with mood ratings")


if __name__ == "__main__":
    train_emotions()
    calibrate_sentiment()
    sys.exit(0)
