"""A labelled journal for measuring search and the assistant (bench/search_quality.py).

108 diary-like entries (five long ones, past the model's window), 40 queries with their
relevant entries (20 sharing words with them, 20 meaning-only: no content word in common),
16 questions with the entry and the words their answer must quote, and 10 questions whose
answer is in no entry. Every second item of each list is held out: tune on DEV, report
HELD_OUT too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
DEV = "dev"
HELD_OUT = "held_out"
WORDS = "words"
MEANING = "meaning"


@dataclass(frozen=True)
class Entry:
    key: str
    title: str
    content: str


@dataclass(frozen=True)
class Query:
    text: str
    relevant: frozenset[str]
    kind: str  # WORDS or MEANING
    split: str


@dataclass(frozen=True)
class Question:
    text: str
    entry: str | None  # None: the answer is in no entry
    answer: str | None  # words the quoted sentence must hold
    split: str


def _split(n: int) -> str:
    return DEV if n % 2 == 0 else HELD_OUT


def entries() -> list[Entry]:
    return [Entry(*row) for row in json.loads((HERE / "entries.json").read_text())]


def _labels() -> dict:
    return json.loads((HERE / "queries.json").read_text())


def queries() -> list[Query]:
    labels = _labels()
    return [
        Query(text, frozenset(relevant), kind, _split(n))
        for kind in (WORDS, MEANING)
        for n, (text, relevant) in enumerate(labels[kind])
    ]


def questions() -> list[Question]:
    labels = _labels()
    answerable = [
        Question(text, entry, answer, _split(n))
        for n, (text, entry, answer) in enumerate(labels["questions"])
    ]
    unanswerable = [
        Question(text, None, None, _split(n)) for n, text in enumerate(labels["unanswerable"])
    ]
    return answerable + unanswerable
