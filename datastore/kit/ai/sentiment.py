"""Sentiment of a whole entry: its title and sentences scored by VADER, blended with the
pleasantness of its emotions, calibrated on entries whose writers rated their mood.

Sentence by sentence, so negation stays local ("not happy") and a mixed entry averages its
good and bad parts, the stronger sentences weighing more. The emotion classifier reads
meaning VADER's word list misses (a puppy that "cried" all the way home is a happy entry).
The label and its confidence come from a small calibrated model over the blended score,
so `confidence` is the probability that the writer's own mood agrees with the label.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from datastore.kit.ai.emotions import MODELS_DIR, valence
from datastore.kit.ai.text import sentences

# -2: blend weights, label model and mood line fitted on the dev split of the mood-rated
# entries only (datastore/kit/ai/training.py); -1 was fitted on all of them.
SENTIMENT_MODEL = "vader-sentences-emotion-2"
LABELS = ("NEGATIVE", "NEUTRAL", "POSITIVE")
# The weights of a calibration file that names none (vader-sentences-emotion-1).
LEXICON_WEIGHT = 0.5
EMOTION_WEIGHT = 1.0


@dataclass(frozen=True)
class Sentiment:
    label: str  # POSITIVE, NEGATIVE or NEUTRAL
    confidence: float  # probability that the writer's mood agrees with the label
    compound: float  # -1..1


@cache
def _analyzer() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@cache
def calibration(model: str = SENTIMENT_MODEL) -> dict[str, Any]:
    """The fitted blend, label model and mood line of `model` (training.sentiment_run)."""
    return dict(json.loads((MODELS_DIR / f"{model}.json").read_text()))


def lexicon_score(title: str | None, body: str | None) -> float:
    """VADER per sentence (the title is one), averaged with weight |score| + 0.1."""
    parts = ([title.strip()] if title and title.strip() else []) + sentences(
        body or "", min_chars=2
    )
    scores = [float(_analyzer().polarity_scores(p)["compound"]) for p in parts]
    if not scores:
        return 0.0
    weights = [abs(s) + 0.1 for s in scores]
    return sum(s * w for s, w in zip(scores, weights, strict=True)) / sum(weights)


def blended_score(
    lexicon: float, emotions: dict[str, float], model: str = SENTIMENT_MODEL
) -> float:
    fitted = calibration(model)
    weights = (
        fitted.get("lexicon_weight", LEXICON_WEIGHT),
        fitted.get("emotion_weight", EMOTION_WEIGHT),
    )
    return math.tanh(weights[0] * lexicon + weights[1] * valence(emotions))


def label_probabilities(compound: float, model: str = SENTIMENT_MODEL) -> dict[str, float]:
    fitted = calibration(model)
    logits = [
        c * compound + b
        for c, b in zip(fitted["label_coef"], fitted["label_intercept"], strict=True)
    ]
    peak = max(logits)
    weights = [math.exp(v - peak) for v in logits]
    return {
        label: w / sum(weights) for label, w in zip(fitted["label_classes"], weights, strict=True)
    }


def predicted_mood(compound: float, model: str = SENTIMENT_MODEL) -> float | None:
    """The mood (1..10) a writer with this score typically rates; None for other models."""
    if not (MODELS_DIR / f"{model}.json").exists():
        return None
    fitted = calibration(model)
    mood = fitted["mood_intercept"] + fitted["mood_slope"] * compound
    return round(min(10.0, max(1.0, mood)), 1)


def analyze_sentiment(title: str | None, body: str | None, emotions: dict[str, float]) -> Sentiment:
    compound = blended_score(lexicon_score(title, body), emotions)
    probabilities = label_probabilities(compound)
    label = max(probabilities, key=lambda k: probabilities[k])
    return Sentiment(
        label=label, confidence=round(probabilities[label], 4), compound=round(compound, 4)
    )
