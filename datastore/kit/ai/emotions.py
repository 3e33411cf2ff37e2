"""Emotions scored by embedding similarity to a few prototype sentences per emotion.

Each emotion's score is a softmax over the entry's best cosine similarity to that emotion's
prototypes; the scores add up to 1. Cheap (the entry's embedding is computed anyway) and
replaceable: results are stored under EMOTION_MODEL, so a better model can sit beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from datastore.kit.ai.embedder import Embedder

EMOTION_MODEL = "minilm-emotion-prototypes-1"
TEMPERATURE = 25.0  # sharpens cosine gaps of ~0.1 into clear preferences

PROTOTYPES: dict[str, tuple[str, ...]] = {
    "joy": (
        "I am so happy and cheerful today, everything went great.",
        "What a wonderful, joyful day full of laughter.",
        "I feel glad and delighted about how things turned out.",
    ),
    "sadness": (
        "I feel sad, lonely and down.",
        "I cried today, I miss them and feel empty.",
        "Everything feels gloomy and I am heartbroken.",
    ),
    "anger": (
        "I am furious and angry, this is so unfair.",
        "They made me mad, I was irritated and annoyed all day.",
        "I lost my temper and shouted in rage.",
    ),
    "fear": (
        "I am scared and anxious about what might happen.",
        "I felt nervous and afraid, my heart was racing with worry.",
        "I am terrified and panicking about the future.",
    ),
    "surprise": (
        "I was completely surprised, I did not expect that at all.",
        "What a shock, I was astonished and amazed by the news.",
        "Out of nowhere something unexpected happened.",
    ),
    "love": (
        "I love them so much and feel deeply connected.",
        "I feel affection and tenderness for my partner.",
        "I am grateful for the people I care about and who care about me.",
    ),
    "neutral": (
        "I went to the store and bought groceries.",
        "Today was an ordinary day, nothing special happened.",
        "I had a meeting at ten and then lunch.",
    ),
}
EMOTIONS = tuple(PROTOTYPES)


class EmotionScorer:
    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._prototypes: dict[str, list[list[float]]] | None = None

    async def _vectors(self) -> dict[str, list[list[float]]]:
        if self._prototypes is None:
            sentences = [s for group in PROTOTYPES.values() for s in group]
            vectors = await self.embedder.encode(sentences)
            found: dict[str, list[list[float]]] = {}
            position = 0
            for emotion, group in PROTOTYPES.items():
                found[emotion] = vectors[position : position + len(group)]
                position += len(group)
            self._prototypes = found
        return self._prototypes

    async def score(self, embedding: Sequence[float]) -> dict[str, float]:
        """Emotion name -> share (0..1, summing to 1) for a unit `embedding`."""
        prototypes = await self._vectors()
        best = {
            emotion: max(_dot(embedding, v) for v in vectors)
            for emotion, vectors in prototypes.items()
        }
        peak = max(best.values())
        weights = {e: math.exp(TEMPERATURE * (s - peak)) for e, s in best.items()}
        total = sum(weights.values())
        return {e: round(w / total, 4) for e, w in weights.items()}


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))
