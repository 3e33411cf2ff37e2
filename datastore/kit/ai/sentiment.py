"""Sentiment with the VADER lexicon: a label, its confidence and the compound score."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

SENTIMENT_MODEL = "vader-3.3.2"


@dataclass(frozen=True)
class Sentiment:
    label: str  # POSITIVE, NEGATIVE or NEUTRAL
    confidence: float  # the share of the text VADER scored with that polarity
    compound: float  # -1..1


@cache
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def analyze_sentiment(text: str) -> Sentiment:
    scores = _analyzer().polarity_scores(text)
    compound = float(scores["compound"])
    # VADER's own thresholds for its compound score.
    if compound >= 0.05:
        label, share = "POSITIVE", scores["pos"]
    elif compound <= -0.05:
        label, share = "NEGATIVE", scores["neg"]
    else:
        label, share = "NEUTRAL", scores["neu"]
    confidence = max(float(share), abs(compound)) if label != "NEUTRAL" else float(share)
    return Sentiment(label=label, confidence=round(confidence, 4), compound=round(compound, 4))
