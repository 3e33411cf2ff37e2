"""The `ai_jobs` queue: enqueued in the writer's transaction, claimed with SKIP LOCKED.

A claim is a short transaction that leases jobs (pushes `run_after` ahead), so no row lock
is held while the model runs and a crashed worker's jobs come back when the lease ends.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.kit.postgres import rowcount
from datastore.pod.repository.embeddable import EMBEDDABLE_NOTES

EMBED_JOURNAL = "embed_journal"
EMBED_POD = "embed_pod"
EMBED_TOPIC = "embed_topic"
KINDS = (EMBED_JOURNAL, EMBED_POD, EMBED_TOPIC)
LEASE_SECONDS = 300
MAX_ATTEMPTS = 5

_ENQUEUE = text(
    """
    INSERT INTO ai_jobs (kind, target_id, user_id) VALUES (:kind, :target_id, :user_id)
    ON CONFLICT (kind, target_id) DO UPDATE
    SET token = gen_random_uuid(), run_after = now(), attempts = 0
    """
)
_CLAIM = text(
    """
    UPDATE ai_jobs SET run_after = now() + make_interval(secs => :lease),
                       attempts = attempts + 1
    WHERE id IN (
        SELECT id FROM ai_jobs WHERE run_after <= now() AND attempts < :max_attempts
        ORDER BY run_after, id LIMIT :limit FOR UPDATE SKIP LOCKED
    )
    RETURNING id, kind, target_id, user_id, token
    """
)

# The pod says which notes may be embedded (a subquery), the journal which have a current
# vector: one statement, however many notes there are.
_ENQUEUE_STALE_POD_NOTES = text(
    "INSERT INTO ai_jobs (kind, target_id, user_id) "  # noqa: S608
    f"SELECT 'embed_pod', n.id, n.user_id FROM ({EMBEDDABLE_NOTES}) n "
    "LEFT JOIN embeddings e ON e.source = 'POD' AND e.entry_id = n.id "
    "WHERE e.entry_id IS NULL OR n.updated_at > e.updated_at "
    "ON CONFLICT (kind, target_id) DO NOTHING"
)


# Vectors another embedding model wrote are embedded again (before they are dropped).
_ENQUEUE_OTHER_MODELS = text(
    """
    INSERT INTO ai_jobs (kind, target_id, user_id)
    SELECT CASE source WHEN 'POD' THEN 'embed_pod' ELSE 'embed_journal' END, entry_id, user_id
    FROM embeddings WHERE model <> :model
    ON CONFLICT (kind, target_id) DO UPDATE
    SET token = gen_random_uuid(), run_after = now(), attempts = 0
    """
)


@dataclass(frozen=True)
class ClaimedJob:
    id: int
    kind: str
    target_id: uuid.UUID
    user_id: uuid.UUID
    token: uuid.UUID


class AIJobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enqueue(self, kind: str, target_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """Ask for `kind` work on `target_id`, in the caller's transaction."""
        await self.session.execute(
            _ENQUEUE, {"kind": kind, "target_id": target_id, "user_id": user_id}
        )

    async def claim(self, *, limit: int) -> list[ClaimedJob]:
        rows = await self.session.execute(
            _CLAIM, {"lease": LEASE_SECONDS, "max_attempts": MAX_ATTEMPTS, "limit": limit}
        )
        return [ClaimedJob(*row) for row in rows]

    async def finish(self, job: ClaimedJob) -> bool:
        """Done, unless it was enqueued again meanwhile (a newer token); False when the job
        is gone or newer (the account purged meanwhile, or the newer run finishes it)."""
        done = await self.session.execute(
            text("DELETE FROM ai_jobs WHERE id = :id AND token = :token"),
            {"id": job.id, "token": job.token},
        )
        return rowcount(done) > 0

    async def enqueue_stale_pod_notes(self) -> int:
        """Enqueue every pod note with no vector or edited since its vector; how many."""
        return rowcount(await self.session.execute(_ENQUEUE_STALE_POD_NOTES))

    async def enqueue_other_models(self, model: str) -> int:
        """Enqueue every entry and note whose vector another model than `model` wrote."""
        return rowcount(await self.session.execute(_ENQUEUE_OTHER_MODELS, {"model": model}))

    async def depth_by_kind(self) -> dict[str, int]:
        """Jobs still to run (leased ones included, given-up ones not), by kind; every
        kind is there, with 0 when none waits."""
        rows = await self.session.execute(
            text("SELECT kind, count(*) FROM ai_jobs WHERE attempts < :max GROUP BY kind"),
            {"max": MAX_ATTEMPTS},
        )
        return {**dict.fromkeys(KINDS, 0), **{kind: count for kind, count in rows}}

    async def pending_count(self) -> int:
        return (await self.session.execute(text("SELECT count(*) FROM ai_jobs"))).scalar_one()
