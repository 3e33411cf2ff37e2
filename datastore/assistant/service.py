"""The assistant: answers from the asker's own journal and pod notes, extractively.

Retrieval is the hybrid search scoped to the asker (so it cannot reach anyone else's data);
the answer is the sentences of the retrieved entries closest in meaning to the question,
each linked to its entry. Earlier questions of the session are added to the retrieval
query, so "and what about last week?" keeps its subject.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from datastore.assistant.repository import AssistantSessionRepository
from datastore.journal.repository import JournalEntryRepository
from datastore.kit.ai.text import sentences
from datastore.kit.errors import BadUserInput, NotFound
from datastore.pod.repository.embeddable import EmbeddableNoteRepository
from datastore.search.hits import JOURNAL, Hit

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from datastore.kit.ai.embedder import Embedder
    from datastore.kit.clients import Clients
    from datastore.search.service import SearchService

MAX_QUESTION = 500
QUESTIONS_PER_MINUTE = 30
RETRIEVED = 6
SUMMARY_SENTENCES = 3
CONTEXT_TURNS = 2


@dataclass(frozen=True)
class Passage:
    source: str
    entry_id: uuid.UUID
    kind: str
    title: str | None
    text: str
    score: float


@dataclass(frozen=True)
class Answer:
    session_id: str
    summary: str
    passages: list[Passage]


class AssistantService:
    def __init__(self, clients: Clients, search: SearchService, embedder: Embedder) -> None:
        self.clients = clients
        self.search = search
        self.embedder = embedder
        self.sessions = AssistantSessionRepository(clients.dynamo)

    async def ask(self, user_id: uuid.UUID, question: str, session_id: str | None) -> Answer:
        """Passages of my own entries that answer `question` (RATE_LIMITED when I ask often)."""
        await self.clients.limiter.check(
            f"assistant:{user_id}", limit=QUESTIONS_PER_MINUTE, window=60, what="questions"
        )
        question = question.strip()
        if not question or len(question) > MAX_QUESTION:
            raise BadUserInput(f"1 to {MAX_QUESTION} characters.", field="question")
        turns: list[dict[str, Any]] = []
        if session_id is not None:
            found = await self.sessions.turns(str(user_id), session_id)
            if found is None:
                raise NotFound("No such assistant session (it may have expired).")
            turns = found
        session_id = session_id or str(uuid.uuid4())
        context = " ".join(t["question"] for t in turns[-CONTEXT_TURNS:])
        passages = await self._passages(user_id, question, f"{context} {question}".strip())
        summary = " ".join(p.text for p in passages[:SUMMARY_SENTENCES])
        turns.append(
            {
                "question": question,
                "entries": [str(p.entry_id) for p in passages[:SUMMARY_SENTENCES]],
            }
        )
        await self.sessions.save(
            str(user_id),
            session_id,
            turns,
            ttl_seconds=self.clients.settings.journal.assistant_session_hours * 3600,
        )
        return Answer(session_id=session_id, summary=summary, passages=passages)

    async def _passages(self, user_id: uuid.UUID, question: str, query: str) -> list[Passage]:
        hits, _ = await self.search.search(
            user_id, query, mode="HYBRID", kinds=[JOURNAL, "NOTE"], limit=RETRIEVED, offset=0
        )
        async with self.clients.db() as session:
            texts = await _texts(session, user_id, hits)
        candidates = [
            (hit, sentence) for hit in hits for sentence in sentences(texts.get(hit.id, ""))
        ]
        if not candidates:
            return []
        vectors = await self.embedder.encode([question, *(s for _, s in candidates)])
        asked = vectors[0]
        scored = [
            (sum(a * b for a, b in zip(asked, v, strict=True)), hit, sentence)
            for (hit, sentence), v in zip(candidates, vectors[1:], strict=True)
        ]
        scored.sort(key=lambda item: -item[0])
        best: dict[uuid.UUID, Passage] = {}
        for score, hit, sentence in scored:
            if hit.id not in best:  # one passage per entry: its best sentence
                best[hit.id] = Passage(
                    hit.source, hit.id, hit.kind, hit.title, sentence, round(score, 4)
                )
        return list(best.values())


async def _texts(
    session: AsyncSession, user_id: uuid.UUID, hits: list[Hit]
) -> dict[uuid.UUID, str]:
    """Full texts of the hits, re-checked against the asker (defence in depth)."""
    found: dict[uuid.UUID, str] = {}
    journal_ids = [h.id for h in hits if h.source == JOURNAL]
    if journal_ids:
        for row in await JournalEntryRepository(session).list_by_ids(journal_ids):
            if row.user_id == user_id:
                found[row.id] = f"{row.title or ''}. {row.content}".strip(". ")
    pod_ids = [h.id for h in hits if h.source != JOURNAL]
    if pod_ids:
        notes = await EmbeddableNoteRepository(session).texts_by_ids(user_id, pod_ids)
        found.update(
            {i: f"{title or ''}. {body or ''}".strip(". ") for i, (title, body) in notes.items()}
        )
    return found
