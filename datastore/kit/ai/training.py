"""Training the journal's emotion classifier and calibrating its sentiment from labelled
texts (tests/ai/labelled). `personalpod train-emotions` and bench/train_emotions.py call it.

Emotions: multinomial logistic regression over the classifier's sentence embeddings
(emotions.FEATURES) of the `train` split, its C chosen by stratified k-fold
cross-validation on that split; the `heldout` split is only measured. Sentiment: the
mood-rated entries are split by a hash of their text into dev and held-out; the blend of
lexicon and emotions, the label model (so `confidence` is a probability) and the line from
score to mood are all fitted on dev, so held-out numbers are clean. A trained version is
written under a new name and never overwrites one: stored analyses name their model.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from datastore.kit.ai.emotions import EMOTIONS, FEATURES

GRID = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
# Lexicon weights tried against an emotion weight of 1 (only the ratio changes the ranking).
BLEND_GRID = (0.0, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0)
# Dev Spearman differences below this are noise on ~70 entries; among the weights that
# close to the best, the heaviest lexicon wins: VADER carries negation ("not happy"),
# which the emotion classifier reads as joy and the mood-rated set barely tests.
BLEND_TOLERANCE = 0.01
EMOTION_FAMILY = "minilm-emotion-logreg"

Embed = Callable[[list[str]], np.ndarray]
Progress = Callable[[str], None]


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def subset(rows: Sequence[dict[str, Any]], per_class: int) -> list[dict[str, Any]]:
    """The first `per_class` texts of each label in each split (a quick, small run)."""
    kept: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row["split"], row["label"])
        if seen.get(key, 0) < per_class:
            seen[key] = seen.get(key, 0) + 1
            kept.append(row)
    return kept


@dataclass(frozen=True)
class EmotionTraining:
    coef: np.ndarray
    intercept: np.ndarray
    classes: tuple[str, ...]
    c: float
    cv_accuracy: float
    trained_texts: int
    held_out_texts: int
    held_out_accuracy: float | None
    recall: dict[str, float]


def train_emotions(
    rows: Sequence[dict[str, Any]], embed: Embed, *, folds: int = 5, progress: Progress
) -> EmotionTraining:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, recall_score
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    train = [r for r in rows if r["split"] == "train"]
    held = [r for r in rows if r["split"] == "heldout"]
    progress(f"embedding {len(train) + len(held)} texts with {FEATURES}")
    vectors = embed([r["text"] for r in train + held])
    x_train, y_train = vectors[: len(train)], [r["label"] for r in train]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=15)
    scores = {}
    for c in GRID:
        model = LogisticRegression(C=c, max_iter=5000)
        scores[c] = float(cross_val_score(model, x_train, y_train, cv=splitter).mean())
        progress(f"C={c}: {folds}-fold cross-validated accuracy {scores[c]:.3f}")
    best = max(scores, key=lambda c: scores[c])
    model = LogisticRegression(C=best, max_iter=5000).fit(x_train, y_train)
    accuracy, recall = None, {}
    if held:
        truth = [r["label"] for r in held]
        predicted = model.predict(vectors[len(train) :])
        accuracy = float(accuracy_score(truth, predicted))
        found = recall_score(truth, predicted, labels=list(EMOTIONS), average=None, zero_division=0)
        recall = {e: round(float(r), 3) for e, r in zip(EMOTIONS, found, strict=True)}
    return EmotionTraining(
        coef=model.coef_.astype(np.float32),
        intercept=model.intercept_.astype(np.float32),
        classes=tuple(str(c) for c in model.classes_),
        c=best,
        cv_accuracy=scores[best],
        trained_texts=len(train),
        held_out_texts=len(held),
        held_out_accuracy=accuracy,
        recall=recall,
    )


def next_version(folder: Path, family: str = EMOTION_FAMILY) -> str:
    """`family-N` with N one past the highest version in `folder`."""
    pattern = re.compile(rf"^{re.escape(family)}-(\d+)\.npz$")
    found = [int(m.group(1)) for p in folder.glob("*.npz") if (m := pattern.match(p.name))]
    return f"{family}-{max(found, default=0) + 1}"


def write_weights(training: EmotionTraining, path: Path) -> None:
    """Write the classifier to `path`, which must not exist (FileExistsError otherwise)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as out:  # exclusive: an existing version is never overwritten
        np.savez_compressed(
            out,
            coef=training.coef,
            intercept=training.intercept,
            classes=np.array(training.classes, dtype=str),
            features=np.array(FEATURES),
            cv_accuracy=np.array(training.cv_accuracy),
        )


# Sentiment -------------------------------------------------------------------------------


def mood_split(entry: dict[str, Any]) -> str:
    """dev or heldout, fixed by the text (a third held out), whatever order the file has."""
    text = f"{entry.get('title') or ''}\n{entry['content']}"
    digest = hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()
    return "heldout" if int(digest[:8], 16) % 3 == 0 else "dev"


def blend(lexicon: float, valence: float, lexicon_weight: float, emotion_weight: float) -> float:
    return math.tanh(lexicon_weight * lexicon + emotion_weight * valence)


def calibrate_sentiment(
    lexicon: Sequence[float], valence: Sequence[float], moods: Sequence[int], *, progress: Progress
) -> dict[str, Any]:
    """Blend weights, label model and mood line fitted on the entries given (the dev split)."""
    from scipy.stats import spearmanr
    from sklearn.linear_model import LinearRegression, LogisticRegression

    spearman = {}
    for weight in BLEND_GRID:
        blended = [blend(x, v, weight, 1.0) for x, v in zip(lexicon, valence, strict=True)]
        spearman[weight] = float(spearmanr(blended, moods)[0])
        progress(f"lexicon weight {weight}: dev Spearman with mood {spearman[weight]:.3f}")
    best = max(spearman.values())
    weight = max(w for w, rho in spearman.items() if rho >= best - BLEND_TOLERANCE)
    scores = np.array([blend(x, v, weight, 1.0) for x, v in zip(lexicon, valence, strict=True)])
    labels = LogisticRegression(C=10.0, max_iter=5000).fit(
        scores.reshape(-1, 1), [mood_truth(int(m)) for m in moods]
    )
    line = LinearRegression().fit(scores.reshape(-1, 1), np.asarray(moods))
    return {
        "lexicon_weight": weight,
        "emotion_weight": 1.0,
        "label_classes": [str(c) for c in labels.classes_],
        "label_coef": [float(c[0]) for c in labels.coef_],
        "label_intercept": [float(b) for b in labels.intercept_],
        "mood_slope": float(line.coef_[0]),
        "mood_intercept": float(line.intercept_),
        "dev_spearman": round(spearman[weight], 3),
    }


def mood_truth(mood: int) -> str:
    """The label a writer's own mood rating implies: 1-4 bad, 5-6 so-so, 7-10 good."""
    return "NEGATIVE" if mood <= 4 else "NEUTRAL" if mood <= 6 else "POSITIVE"


# Runs -------------------------------------------------------------------------------------


def embed_with_features(texts: list[str]) -> np.ndarray:
    """The classifier's own features (FEATURES), whatever EMBEDDING_MODEL the search uses."""
    from datastore.kit.ai.embedder import shared_embedder

    return np.asarray(shared_embedder(model=FEATURES).encode_sync(texts, batch_size=32))


def emotion_run(
    data: Path,
    out_dir: Path,
    *,
    name: str = "",
    per_class: int = 0,
    folds: int = 5,
    embed: Embed = embed_with_features,
    progress: Progress = print,
) -> Path:
    """Train on `data` and write `<out_dir>/<name>.npz` (default: the next version);
    FileExistsError when that version exists."""
    target = out_dir / f"{name or next_version(out_dir)}.npz"
    if target.exists():  # before the minutes of training, not only at the write
        raise FileExistsError(target)
    rows = load_jsonl(data)
    rows = subset(rows, per_class) if per_class else rows
    training = train_emotions(rows, embed, folds=folds, progress=progress)
    progress(
        f"chose C={training.c}: cross-validated accuracy {training.cv_accuracy:.3f} "
        f"on {training.trained_texts} training texts"
    )
    if training.held_out_accuracy is not None:
        recall = ", ".join(f"{e} {r:.2f}" for e, r in training.recall.items())
        progress(
            f"held-out accuracy {training.held_out_accuracy:.3f} on "
            f"{training.held_out_texts} texts never trained on; recall {recall}"
        )
    write_weights(training, target)
    progress(f"wrote {target} ({target.stat().st_size // 1024} KB)")
    return target


def sentiment_run(
    moods: Path,
    out_dir: Path,
    *,
    name: str,
    embed: Embed = embed_with_features,
    progress: Progress = print,
) -> Path:
    """Calibrate the sentiment on the dev split of `moods` and write `<out_dir>/<name>.json`
    (FileExistsError when it exists)."""
    from datastore.kit.ai.emotions import emotion_probabilities, valence
    from datastore.kit.ai.sentiment import lexicon_score
    from datastore.kit.ai.text import embed_text

    target = out_dir / f"{name}.json"
    if target.exists():
        raise FileExistsError(target)
    entries = load_jsonl(moods)
    dev = [e for e in entries if mood_split(e) == "dev"]
    progress(f"sentiment: {len(dev)} dev entries of {len(entries)} (the rest held out)")
    vectors = embed([embed_text(e["title"], e["content"]) for e in dev])
    fitted = calibrate_sentiment(
        [lexicon_score(e["title"], e["content"]) for e in dev],
        [valence(emotion_probabilities(v)) for v in vectors],
        [int(e["mood"]) for e in dev],
        progress=progress,
    )
    fitted["trained_on"] = f"{moods.name}: the {len(dev)} dev entries (training.mood_split)"
    with target.open("x") as out:
        out.write(json.dumps(fitted, indent=2) + "\n")
    progress(f"wrote {target} (lexicon weight {fitted['lexicon_weight']})")
    return target
