"""Choosing the sentence that answers, or abstaining: pure functions over scored candidates.

Each candidate is a sentence of a retrieved entry with its cosine similarity to the
question (and to the question with the conversation's context). A sentence scores higher
when it holds what the question asks for (a number for "how many", a time for "when", a
name for "who" or "which hospital") that the question does not already contain, and when
it (under its entry's title) has the question's words; lower when it only repeats them.
The evidence for the best sentence is its similarity plus a share of the question's words
its entry holds; below a threshold the assistant says it does not know instead of quoting
something unrelated. The weights and the evidence threshold were chosen on the development split of
tests/search/labelled by bench/search_quality.py.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

NUMBER = "number"
TIME = "time"
NAME = "name"

_ASKS = (
    # "when" asks for a time at the start ("when did I..."), not in a clause ("what did
    # Dad want to be when he was young").
    (TIME, re.compile(r"\btime\b|^(and |so |but )?when\b|\bwhat (day|date|month|year)\b")),
    (
        NUMBER,
        re.compile(
            r"\bhow (many|much|long|far|old|big|heavy|fast|often)\b"
            r"|\bwhat (grade|score|mark|percentage|number|price|weight|distance)\b|\bweigh"
        ),
    ),
    (
        NAME,
        re.compile(
            r"\bwho\b|\bwhose\b|\bwhere\b|\bname\b|\bcalled\b|\bnamed\b"
            r"|\bwhich (hospital|city|town|place|country|school|restaurant|company|shop|band)\b"
        ),
    ),
)
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred|thousand|half|dozen)\b",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\d{1,2}[:.]\d{2}|\b\d{1,2} ?(a\.m\.|p\.m\.|am|pm)|\b(monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|january|february|march|april|may|june|july|august|september|"
    r"october|november|december|yesterday|tonight|morning|evening|noon|midnight)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")
_STOP = frozenset(
    {
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "about",
        "as",
        "into",
        "up",
        "down",
        "out",
        "over",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "done",
        "have",
        "has",
        "had",
        "i",
        "me",
        "my",
        "mine",
        "we",
        "us",
        "our",
        "you",
        "your",
        "he",
        "him",
        "his",
        "she",
        "her",
        "it",
        "its",
        "they",
        "them",
        "their",
        "this",
        "that",
        "these",
        "those",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "there",
        "here",
        "so",
        "then",
        "than",
        "too",
        "very",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "not",
        "no",
        "yes",
        "just",
        "also",
        "again",
        "still",
        "much",
        "many",
        "more",
        "most",
        "some",
        "any",
        "all",
        "each",
        "get",
        "got",
        "go",
        "went",
        "gone",
        "make",
        "made",
    }
)


@dataclass(frozen=True)
class Candidate:
    source: str
    entry_id: uuid.UUID
    kind: str
    title: str | None
    sentence: str
    similarity: float  # cosine to the question
    in_context: float  # cosine to the question with the conversation's context
    entry_strength: float  # the entry's retrieval score, 0-1 (1 = the top entry)


@dataclass(frozen=True)
class Scoring:
    answer_type_bonus: float = 0.15
    overlap_weight: float = 0.2  # share of the question's words in the sentence and title
    echo_penalty: float = 0.1  # share of the sentence's words that are the question's
    entry_weight: float = 0.05
    context_weight: float = 0.8  # a follow-up's similarity in context counts this much
    min_evidence: float = 0.4  # below this evidence for the best sentence: abstain
    evidence_overlap: float = 0.1  # weight of the share of question words the entry holds


DEFAULT_SCORING = Scoring()


def asks_for(question: str) -> str | None:
    """NUMBER, TIME or NAME when the question asks for one, else None."""
    lowered = question.lower()
    for kind, pattern in _ASKS:
        if pattern.search(lowered):
            return kind
    return None


@lru_cache(maxsize=8192)  # every sentence is compared with the question many times
def content_words(text: str) -> frozenset[str]:
    """Lower-cased words that carry meaning, crudely stemmed (plural s, -ed, -ing)."""
    words = (w.lower().strip("'\u2019-") for w in _WORD.findall(text))
    return frozenset(_stem(w) for w in words if w and w not in _STOP)


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def holds(kind: str | None, sentence: str, question: str) -> bool:
    """Whether `sentence` holds something of `kind` that `question` does not."""
    if kind == NUMBER:
        return bool(_new(_NUMBER, sentence, question))
    if kind == TIME:
        return bool(_new(_TIME, sentence, question) or _new(_NUMBER, sentence, question))
    if kind == NAME:
        return bool(_names(sentence) - _names(question, all_words=True))
    return False


def _new(pattern: re.Pattern[str], sentence: str, question: str) -> set[str]:
    asked = {m.group(0).lower() for m in pattern.finditer(question)}
    return {m.group(0).lower() for m in pattern.finditer(sentence)} - asked


def _names(text: str, *, all_words: bool = False) -> set[str]:
    """Capitalised words past the first of the text (names, places), lower-cased."""
    words = _WORD.findall(text)
    start = 0 if all_words else 1
    return {w.lower() for w in words[start:] if w[0].isupper() and w != "I"}


def _share(asked: AbstractSet[str], found: AbstractSet[str]) -> float:
    return len(asked & found) / len(asked) if asked else 0.0


def score(
    candidate: Candidate,
    question: str,
    scoring: Scoring = DEFAULT_SCORING,
    *,
    context: str = "",
) -> float:
    """How well the sentence answers the question (higher is better). A sentence repeating
    the conversation's earlier questions (`context`) is an echo too."""
    similarity = max(candidate.similarity, scoring.context_weight * candidate.in_context)
    asked = asks_for(question)
    # What the conversation already said (a "half marathon") is not new either.
    known = f"{context} {question}".strip()
    bonus = scoring.answer_type_bonus if holds(asked, candidate.sentence, known) else 0.0
    words = content_words(candidate.sentence)
    question_words = content_words(question)
    echoed = question_words | content_words(context)
    echo = len(words & echoed) / len(words) if words else 1.0
    overlap = _share(question_words, words | content_words(candidate.title or ""))
    return (
        similarity
        + bonus
        + scoring.overlap_weight * overlap
        - scoring.echo_penalty * echo
        + scoring.entry_weight * candidate.entry_strength
    )


def evidence(
    candidates: list[Candidate], question: str, scoring: Scoring = DEFAULT_SCORING
) -> dict[uuid.UUID, float]:
    """How sure the retrieval is that each entry is about what was asked: its sentence most
    similar to the question (alone or in context), plus a share of the question's words
    the entry holds. An entry is judged whole, so the sentence that answers a follow-up
    ("and how long did it take?") may be another than the one the question resembles."""
    best: dict[uuid.UUID, float] = {}
    for c in candidates:
        similarity = max(c.similarity, scoring.context_weight * c.in_context)
        best[c.entry_id] = max(best.get(c.entry_id, 0.0), similarity)
    overlaps = _entry_overlaps(candidates, question)
    return {
        entry_id: similarity + scoring.evidence_overlap * overlaps[entry_id]
        for entry_id, similarity in best.items()
    }


def choose(
    candidates: list[Candidate],
    question: str,
    scoring: Scoring = DEFAULT_SCORING,
    *,
    context: str = "",
) -> list[Candidate]:
    """The best sentence of each entry, best first; empty when the evidence is too weak.
    `context`: the conversation's earlier questions."""
    ranked = sorted(candidates, key=lambda c: -score(c, question, scoring, context=context))
    strength = evidence(candidates, question, scoring)
    if not ranked or strength[ranked[0].entry_id] < scoring.min_evidence:
        return []
    best: dict[uuid.UUID, Candidate] = {}
    for candidate in ranked:
        if candidate.entry_id not in best and strength[candidate.entry_id] >= scoring.min_evidence:
            best[candidate.entry_id] = candidate
    return list(best.values())


def _entry_overlaps(candidates: list[Candidate], question: str) -> dict[uuid.UUID, float]:
    """Each entry's share of the question's words (its title and every sentence of it are
    among the candidates)."""
    words: dict[uuid.UUID, set[str]] = {}
    for c in candidates:
        found = words.setdefault(c.entry_id, set(content_words(c.title or "")))
        found |= content_words(c.sentence)
    asked = content_words(question)
    return {entry_id: _share(asked, found) for entry_id, found in words.items()}
