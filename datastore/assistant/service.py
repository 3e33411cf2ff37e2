"""The assistant: answers from the asker's own journal and pod notes, extractively.

Retrieval is the hybrid search scoped to the asker (so it cannot reach anyone else's data);
the answer is the sentence of the retrieved entries that answers the question best
(answers.py), each passage linked to its entry, or a clear "I don't know" when nothing is
close enough. A session (DynamoDB, with a TTL) keeps the recent questions and the entries
they cited: a follow-up ("and how long did it take?") is retrieved and read with them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from datastore.assistant.answers import DEFAULT_SCORING, Candidate, Scoring, choose
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
SUMMARY_PASSAGES = 1
CONTEXT_TURNS = 2
ABSTENTION = "I could not find an answer to that in your entries."


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
    answered: bool


@dataclass(frozen=True)
class Context:
    """What the session remembers: recent questions and the entries their answers cited."""

    questions: str
    entries: list[tuple[str, uuid.UUID, str]]  # source, id, kind


class AssistantService:
    def __init__(
        self,
        clients: Clients,
        search: SearchService,
        embedder: Embedder,
        scoring: Scoring = DEFAULT_SCORING,
    ) -> None:
        self.clients = clients
        self.search = search
        self.embedder = embedder
        self.scoring = scoring  # the benchmark tries others
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
        context = _context(turns[-CONTEXT_TURNS:])
        candidates = await self.candidates(user_id, question, context)
        earlier = context.questions if context else ""
        chosen = choose(candidates, question, self.scoring, context=earlier)
        passages = [
            Passage(c.source, c.entry_id, c.kind, c.title, c.sentence, round(c.similarity, 4))
            for c in chosen
        ]
        answered = bool(passages)
        summary = " ".join(p.text for p in passages[:SUMMARY_PASSAGES]) if answered else ABSTENTION
        turns.append(
            {
                "question": question,
                "entries": [
                    [p.source, str(p.entry_id), p.kind] for p in passages[:SUMMARY_PASSAGES]
                ],
            }
        )
        await self.sessions.save(
            str(user_id),
            session_id,
            turns,
            ttl_seconds=self.clients.settings.journal.assistant_session_hours * 3600,
        )
        return Answer(session_id, summary, passages, answered)

    async def candidates(
        self, user_id: uuid.UUID, question: str, context: Context | None = None
    ) -> list[Candidate]:
        """Every sentence of the entries retrieved for `question` (and of those the session
        cited), with its similarity to the question alone and in context."""
        query = f"{context.questions} {question}" if context else question
        hits, _ = await self.search.search(
            user_id, query, mode="HYBRID", kinds=[JOURNAL, "NOTE"], limit=RETRIEVED, offset=0
        )
        top = hits[0].score if hits and hits[0].score > 0 else 1.0
        strengths = {(h.source, h.id): max(h.score, 0.0) / top for h in hits}
        known = {(h.source, h.id) for h in hits}
        cited = [
            Hit(source, entry_id, 0.0, kind)
            for source, entry_id, kind in (context.entries if context else [])
        ]
        wanted = [*hits, *(h for h in cited if (h.source, h.id) not in known)]
        async with self.clients.db() as session:
            texts = await _texts(session, user_id, wanted)
        pairs = [
            (hit, sentence)
            for hit in wanted
            if (hit.source, hit.id) in texts
            for sentence in sentences(texts[(hit.source, hit.id)][1])
        ]
        if not pairs:
            return []
        asked = [question, query] if context else [question]
        vectors = await self.embedder.encode([*asked, *(s for _, s in pairs)])
        alone, in_context = vectors[0], vectors[len(asked) - 1]
        found = []
        for (hit, sentence), vector in zip(pairs, vectors[len(asked) :], strict=True):
            title, _ = texts[(hit.source, hit.id)]
            found.append(
                Candidate(
                    source=hit.source,
                    entry_id=hit.id,
                    kind=hit.kind,
                    title=title,
                    sentence=sentence,
                    similarity=_dot(alone, vector),
                    in_context=_dot(in_context, vector) if context else 0.0,
                    # An entry the conversation is about counts as well retrieved.
                    entry_strength=strengths.get((hit.source, hit.id), 1.0),
                )
            )
        return found


def _context(turns: list[dict[str, Any]]) -> Context | None:
    if not turns:
        return None
    # Sessions written before entries carried their source hold bare ids: skipped.
    entries = [
        (item[0], uuid.UUID(item[1]), item[2])
        for turn in turns
        for item in turn.get("entries", [])
        if isinstance(item, list) and len(item) == 3
    ]
    return Context(" ".join(t["question"] for t in turns), entries)


def _dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


async def _texts(
    session: AsyncSession, user_id: uuid.UUID, hits: list[Hit]
) -> dict[tuple[str, uuid.UUID], tuple[str | None, str]]:
    """Title and body of each hit, re-checked against the asker (defence in depth). The
    title is context, not a sentence of the answer."""
    found: dict[tuple[str, uuid.UUID], tuple[str | None, str]] = {}
    journal_ids = [h.id for h in hits if h.source == JOURNAL]
    if journal_ids:
        for row in await JournalEntryRepository(session).list_by_ids(journal_ids):
            if row.user_id == user_id:
                found[(JOURNAL, row.id)] = (row.title, row.content)
    pod_ids = [h.id for h in hits if h.source != JOURNAL]
    if pod_ids:
        notes = await EmbeddableNoteRepository(session).texts_by_ids(user_id, pod_ids)
        found.update({("POD", i): (title, body or "") for i, (title, body) in notes.items()})
    return found
