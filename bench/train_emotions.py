"""Train a new version of the journal's emotion classifier and calibrate a new sentiment
version; both are written beside the shipped ones (datastore/kit/ai/models) and never
overwrite an existing version.

    .venv/bin/python bench/train_emotions.py [--sentiment vader-sentences-emotion-N]

The emotion half is `personalpod train-emotions` (datastore/kit/ai/training.py has the
method). The sentiment half fits the blend, label model and mood line on the dev split of
tests/ai/labelled/moods.jsonl only; bench/journal_quality.py reports the held-out split.
Ship a version by naming it in emotions.EMOTION_MODEL / sentiment.SENTIMENT_MODEL.
"""

from __future__ import annotations

import argparse

from _labelled import LABELLED, embed

from datastore.kit.ai.emotions import MODELS_DIR
from datastore.kit.ai.training import emotion_run, sentiment_run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentiment", default="", help="also calibrate this sentiment version")
    parser.add_argument("--skip-emotions", action="store_true")
    args = parser.parse_args()
    if not args.skip_emotions:
        emotion_run(LABELLED / "emotions.jsonl", MODELS_DIR, embed=embed)
    if args.sentiment:
        sentiment_run(LABELLED / "moods.jsonl", MODELS_DIR, name=args.sentiment, embed=embed)


if __name__ == "__main__":
    main()
