"""Topics found in one person's writing: agglomerative clusters of entry embeddings, named by
their most distinctive words (class-based TF-IDF, as BERTopic names its topics).

Average linkage over cosine distance with a distance threshold, so the number of topics
follows the writing instead of being fixed; clusters smaller than `min_size` are not topics.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_WORD = re.compile(r"[a-z][a-z']{2,}")
# Diary filler that names no topic, on top of scikit-learn's English stop words.
_FILLER = frozenset(
    [
        "today",
        "yesterday",
        "tomorrow",
        "morning",
        "evening",
        "night",
        "day",
        "days",
        "week",
        "time",
        "really",
        "just",
        "got",
        "get",
        "went",
        "feel",
        "felt",
        "feeling",
        "things",
        "thing",
        "bit",
        "lot",
        "little",
        "finally",
        "again",
        "still",
        "way",
        "make",
        "made",
        "did",
        "does",
        "going",
        "good",
        "great",
        "new",
        "first",
        "last",
        "later",
        "hour",
        "hours",
        "minutes",
        "bit",
        "i'm",
        "i've",
        "it's",
        "didn't",
        "don't",
        "can't",
        "couldn't",
        "wasn't",
    ]
)


@dataclass(frozen=True)
class Cluster:
    members: list[int]  # positions in the input
    centroid: list[float]  # unit vector
    keywords: list[str]  # most distinctive first


def stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | _FILLER


def words(text: str) -> list[str]:
    stops = stop_words()
    found = []
    for word in _WORD.findall(text.lower()):
        word = word.strip("'")
        if word in stops or len(word) < 3:
            continue
        # A light stem: "chords" and "chord" are one word for naming.
        if word.endswith("s") and not word.endswith("ss") and len(word) > 4:
            word = word[:-1]
        found.append(word)
    return found


def cluster(
    vectors: Sequence[Sequence[float]],
    texts: Sequence[str],
    *,
    distance_threshold: float,
    min_size: int,
    keywords: int = 5,
) -> list[Cluster]:
    """Clusters of at least `min_size` of the unit `vectors`, largest first."""
    if len(vectors) < max(2, min_size):
        return []
    from sklearn.cluster import AgglomerativeClustering

    matrix = np.asarray(vectors, dtype=np.float64)
    labels = AgglomerativeClustering(
        n_clusters=None,
        metric="cosine",
        linkage="average",
        distance_threshold=distance_threshold,
    ).fit_predict(matrix)
    groups: dict[int, list[int]] = {}
    for position, label in enumerate(labels):
        groups.setdefault(int(label), []).append(position)
    kept = sorted((g for g in groups.values() if len(g) >= min_size), key=len, reverse=True)
    if not kept:
        return []
    # The unclustered entries are one more class: words common everywhere score low.
    rest = [p for g in groups.values() if len(g) < min_size for p in g]
    names = distinctive_words([[texts[p] for p in g] for g in [*kept, rest]], top=keywords)
    return [
        Cluster(members=g, centroid=_unit(matrix[g].mean(axis=0)), keywords=names[i])
        for i, g in enumerate(kept)
    ]


def distinctive_words(classes: Sequence[Sequence[str]], *, top: int) -> list[list[str]]:
    """c-TF-IDF: each class's words by tf(word, class) * log(1 + A / tf(word)), A the mean
    number of words per class; a word must occur in two texts of its class to name it."""
    counts = [Counter(w for text in texts for w in words(text)) for texts in classes]
    spread = [Counter(w for text in texts for w in set(words(text))) for texts in classes]
    overall: Counter[str] = Counter()
    for count in counts:
        overall.update(count)
    average = sum(overall.values()) / max(1, len(classes))
    ranked = []
    for count, docs in zip(counts, spread, strict=True):
        total = sum(count.values()) or 1
        floor = 2 if any(n >= 2 for n in docs.values()) else 1
        scores = {
            w: (n / total) * math.log(1 + average / overall[w])
            for w, n in count.items()
            if docs[w] >= floor
        }
        ranked.append(sorted(scores, key=lambda w: (-scores[w], w))[:top])
    return ranked


def topic_name(keywords: Sequence[str]) -> str:
    """A readable name from the two most distinctive words: "Piano & chord"."""
    if not keywords:
        return "Untitled"
    head = keywords[0].capitalize()
    return f"{head} & {keywords[1]}"[:60] if len(keywords) > 1 else head[:60]


def _unit(vector: np.ndarray) -> list[float]:
    norm = float(np.linalg.norm(vector)) or 1.0
    return [float(v) / norm for v in vector]
