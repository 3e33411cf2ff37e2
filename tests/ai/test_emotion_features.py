"""Emotions keep their meaning whatever EMBEDDING_MODEL the search uses: the classifier
reads the all-MiniLM-L6-v2 features it was trained on."""

from __future__ import annotations

import pytest

from datastore.kit.ai.embedder import shared_embedder
from datastore.kit.ai.emotions import EmotionScorer

TEXTS = [
    "I can't stop smiling, today was wonderful and everything went right.",
    "I am terrified about the surgery tomorrow and I can't sleep.",
]
# What a 768-dimension search model hands over: nothing the classifier could read.
FOREIGN = [[0.036] * 768, [0.036] * 768]


def _dominant(shares: dict[str, float]) -> str:
    return max(shares, key=lambda e: shares[e])


async def test_texts_embedded_by_another_model_are_scored_on_the_classifiers_features() -> None:
    scorer = EmotionScorer(features=shared_embedder())
    found = await scorer.score_texts(TEXTS, FOREIGN, "all-mpnet-base-v2")
    assert [_dominant(s) for s in found] == ["joy", "fear"]


async def test_without_its_features_the_scorer_refuses_rather_than_misreads() -> None:
    with pytest.raises(RuntimeError, match="needs all-MiniLM-L6-v2 vectors"):
        await EmotionScorer().score_texts(TEXTS, FOREIGN, "all-mpnet-base-v2")
