"""What the unified search returns: ranked hits from the journal and the pod."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

JOURNAL = "JOURNAL"
POD = "POD"


@dataclass(frozen=True)
class Hit:
    source: str  # JOURNAL or POD
    id: uuid.UUID
    score: float
    kind: str = JOURNAL  # the pod entry's kind (NOTE, ...) for pod hits
    title: str | None = None
    snippet: str = ""
    # How strongly the hit matches, comparable across queries: the share of the query's
    # information matched (full text) or the cosine similarity (semantic).
    strength: float = 0.0
