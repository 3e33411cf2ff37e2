"""Emotions from a classifier trained on sentence embeddings (multinomial logistic regression).

The weights are small (7 x 384) and ship in the package, one file per model name, trained by
`personalpod train-emotions` (training.py) from tests/ai/labelled/emotions.jsonl. Results
are stored under EMOTION_MODEL, so analyses of an earlier model stay readable by its name.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from datastore.kit.ai.embedder import Embedder

EMOTION_MODEL = "minilm-emotion-logreg-1"
FEATURES = "all-MiniLM-L6-v2"  # the sentence embeddings EMOTION_MODEL was trained on
EMOTIONS = ("joy", "sadness", "anger", "fear", "surprise", "love", "neutral")
MODELS_DIR = Path(__file__).resolve().parent / "models"
# How strongly each emotion says "good day" or "bad day" (the sentiment blends it in).
VALENCE = {
    "joy": 1.0,
    "love": 1.0,
    "surprise": 0.2,
    "neutral": 0.0,
    "fear": -0.8,
    "sadness": -1.0,
    "anger": -0.9,
}


def weights_path(model: str) -> Path:
    return MODELS_DIR / f"{model}.npz"


@cache
def _weights(model: str) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    with np.load(weights_path(model)) as data:
        classes = tuple(str(c) for c in data["classes"])
        return data["coef"].astype(np.float64), data["intercept"].astype(np.float64), classes


def emotion_probabilities(
    embedding: Sequence[float], *, model: str = EMOTION_MODEL
) -> dict[str, float]:
    """Emotion name -> probability (0..1, summing to 1) for a unit `embedding`."""
    coef, intercept, classes = _weights(model)
    logits = coef @ np.asarray(embedding, dtype=np.float64) + intercept
    shares = np.exp(logits - logits.max())
    shares /= shares.sum()
    found = dict(zip(classes, (float(s) for s in shares), strict=True))
    return {emotion: round(found.get(emotion, 0.0), 4) for emotion in EMOTIONS}


def valence(emotions: dict[str, float]) -> float:
    """-1..1: the emotions' expected pleasantness."""
    return sum(VALENCE[e] * share for e, share in emotions.items())


class EmotionScorer:
    """The AI worker's emotion model: an entry's embedding in, emotion shares out.

    The classifier reads the features it was trained on (FEATURES, all-MiniLM-L6-v2). When
    the search embeds with another model (EMBEDDING_MODEL), `features` embeds the texts
    again with the classifier's own, so stored emotions keep one meaning whatever the
    search uses.
    """

    def __init__(self, model: str = EMOTION_MODEL, features: Embedder | None = None) -> None:
        self.model = model
        self.features = features

    async def score_texts(
        self, texts: Sequence[str], vectors: Sequence[Sequence[float]], embedded_by: str
    ) -> list[dict[str, float]]:
        """Emotions of `texts`, given their `vectors` from the model named `embedded_by`."""
        if embedded_by != FEATURES:
            if self.features is None or self.features.name != FEATURES:
                raise RuntimeError(f"{self.model} needs {FEATURES} vectors")
            vectors = await self.features.encode(texts)
        return [emotion_probabilities(v, model=self.model) for v in vectors]
