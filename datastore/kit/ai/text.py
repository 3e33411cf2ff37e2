"""Text shaping shared by embeddings, hashing, snippets and the assistant."""

from __future__ import annotations

import hashlib
import re

MAX_EMBED_CHARS = 4000  # the model reads 256 word pieces; more text only costs time
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def embed_text(title: str | None, body: str | None) -> str:
    """What is embedded for an entry: its title and body, the same for journal and pod."""
    return f"{title or ''}\n{body or ''}".strip()[:MAX_EMBED_CHARS]


def content_hash(text: str) -> str:
    """md5 of the embedded text: equal hashes mean there is nothing to re-embed."""
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def sentences(text: str, *, min_chars: int = 12) -> list[str]:
    parts = (p.strip() for p in _SENTENCE.split(text))
    return [p for p in parts if len(p) >= min_chars]
