"""Text shaping shared by embeddings, hashing, snippets and the assistant."""

from __future__ import annotations

import hashlib
import re

MAX_EMBED_CHARS = 4000  # the model reads 256 word pieces; more text only costs time
# Passages of about this many words (~80 word pieces with the title) stay well inside the
# model's window, so a sentence deep in a long entry is embedded too. Keep in step with
# migrations/versions/2026_12_02_0014_search.py.
PASSAGE_WORDS = 60
MAX_PASSAGES = 40  # 2,400 words: past that, the first 40 passages stand for the entry
# A sentence may end after . ! ? (and closing quotes or brackets) before a space; it does
# only when the next word starts like a sentence and the dot does not end a title or an
# abbreviation ("Mrs. Okafor", "St. Mary's", "2 a.m. and"). Punctuation stays with its
# sentence, so nothing is lost.
_BREAK = re.compile(r"(?<=[.!?])(?<![A-Z]\.)[\"')\]]*(\s+)(?=[\"'(\[]?[A-Z0-9])|\n+")
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "st", "prof", "sr", "jr", "mt", "vs", "etc", "no", "fig"}
    | {"approx", "dept", "ave", "rd", "e.g", "i.e", "a.m", "p.m"}
)


def embed_text(title: str | None, body: str | None) -> str:
    """What is embedded for an entry: its title and body, the same for journal and pod."""
    return f"{title or ''}\n{body or ''}".strip()[:MAX_EMBED_CHARS]


def content_hash(text: str) -> str:
    """md5 of the embedded text: equal hashes mean there is nothing to re-embed."""
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def sentences(text: str, *, min_chars: int = 12) -> list[str]:
    """The sentences of `text` as written (final punctuation kept), short fragments dropped."""
    parts: list[str] = []
    start = 0
    for match in _BREAK.finditer(text):
        end = match.start(1) if match.group(1) is not None else match.start()
        words = text[start:end].split()
        if match.group(1) is not None and words and _abbreviation(words[-1]):
            continue
        parts.append(text[start:end].strip())
        start = match.end()
    parts.append(text[start:].strip())
    return [p for p in parts if len(p) >= min_chars]


def _abbreviation(word: str) -> bool:
    return word.rstrip(".").lower().lstrip("(\"'") in _ABBREVIATIONS


def passages(title: str | None, body: str | None) -> list[str]:
    """What an entry's vectors are computed from: its whole text first, then, when the body
    is longer than one passage, runs of whole sentences of about PASSAGE_WORDS words, each
    under the title (so a passage keeps its context)."""
    whole = embed_text(title, body)
    text = (body or "").strip()
    if len(text.split()) <= PASSAGE_WORDS:
        return [whole]
    runs: list[list[str]] = [[]]
    words = 0
    for sentence in sentences(text, min_chars=1):
        count = len(sentence.split())
        if runs[-1] and words + count > PASSAGE_WORDS:
            runs.append([])
            words = 0
        runs[-1].append(sentence)
        words += count
    heading = f"{title}\n" if title else ""
    return [whole, *(heading + " ".join(run) for run in runs[:MAX_PASSAGES])]
