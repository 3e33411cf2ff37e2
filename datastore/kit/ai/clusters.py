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


# Irregular past tenses a diary is full of, folded into their verb for naming.
_IRREGULAR = {"ran": "run", "swam": "swim", "ate": "eat", "sang": "sing", "wrote": "write"}


def stem(word: str) -> str:
    """A light stem, so "chords"/"chord" and "baking"/"baked"/"bake" count as one word."""
    word = _IRREGULAR.get(word, word)
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "ls":
                word = word[:-1]  # running -> run
            return word[:-1] if word.endswith("e") else word
    if word.endswith("s") and not word.endswith("ss") and len(word) > 4:
        word = word[:-1]
    return word[:-1] if word.endswith("e") and len(word) >= 4 else word


def surface_words(text: str) -> list[tuple[str, str]]:
    """(stem, word as written) of the words of `text` that could name a topic."""
    stops = stop_words()
    found = []
    for word in _WORD.findall(text.lower()):
        word = word.strip("'")
        if word in stops or len(word) < 3:
            continue
        found.append((stem(word), _IRREGULAR.get(word, word)))
    return found


def words(text: str) -> list[str]:
    return [s for s, _ in surface_words(text)]


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
    parsed = [[surface_words(text) for text in texts] for texts in classes]
    counts = [Counter(s for text in texts for s, _ in text) for texts in parsed]
    spread = [Counter(s for text in texts for s in {s for s, _ in text}) for texts in parsed]
    # Each stem is shown as its class writes it most often ("baking", not "bak").
    shown = [Counter(pair for text in texts for pair in text) for texts in parsed]
    overall: Counter[str] = Counter()
    for count in counts:
        overall.update(count)
    average = sum(overall.values()) / max(1, len(classes))
    ranked = []
    for count, docs, forms in zip(counts, spread, shown, strict=True):
        total = sum(count.values()) or 1
        floor = 2 if any(n >= 2 for n in docs.values()) else 1
        scores = {
            w: (n / total) * math.log(1 + average / overall[w])
            for w, n in count.items()
            if docs[w] >= floor
        }
        best = sorted(scores, key=lambda w: (-scores[w], w))[:top]
        ranked.append([_written(w, forms) for w in best])
    return ranked


def topic_name(keywords: Sequence[str]) -> str:
    """A readable name from the two most distinctive words: "Piano & chord"."""
    if not keywords:
        return "Untitled"
    head = keywords[0].capitalize()
    return f"{head} & {keywords[1]}"[:60] if len(keywords) > 1 else head[:60]


def _written(stem_: str, forms: Counter[tuple[str, str]]) -> str:
    return max(((n, word) for (s, word), n in forms.items() if s == stem_), default=(0, stem_))[1]


def _unit(vector: np.ndarray) -> list[float]:
    norm = float(np.linalg.norm(vector)) or 1.0
    return [float(v) / norm for v in vector]
