"""The labelled journal sets of tests/ai/labelled, embedded, for training and measuring.

emotions.jsonl: short first-person texts with one of seven emotions and a split (train or
heldout; the held-out texts never reach training). moods.jsonl: diary entries (title,
content) with the mood 1..10 their writer gave.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LABELLED = ROOT / "tests" / "ai" / "labelled"
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def load(name: str) -> list[dict[str, Any]]:
    lines = (LABELLED / name).read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def embed(texts: list[str]) -> np.ndarray:
    from datastore.kit.ai.embedder import shared_embedder

    return np.asarray(shared_embedder().encode_sync(texts, batch_size=32))
