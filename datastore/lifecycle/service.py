"""The purge job: erases accounts whose deletion grace period ended, from every store, then
verifies that nothing of them is left.

Claimed with FOR UPDATE SKIP LOCKED under a lease (`PURGING`), so many workers share the
queue and a purge whose worker died is taken over when its lease ends. Every step is
idempotent and the `users` row goes last, so a purge interrupted anywhere simply runs again.
Order: sessions and unpublished events first (nothing writes for the user afterwards),
groups handed over, DynamoDB, Redis, blobs (by the keys their rows name, collected before
the rows go), then PostgreSQL in batches; a second pass over DynamoDB, Redis and the blobs
catches what in-flight work (a relay, a fan-out, the media job) wrote meanwhile. Last, the
security audit log gets ACCOUNT_DELETED with what the verification counted.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.accounts.repository.users import UserRepository
from datastore.accounts.service import AccountService
from datastore.chat.repository.erasure import emptied_conversation_ids
from datastore.kit.clients import Clients
from datastore.kit.polling import drain_forever
from datastore.lifecycle.repository.blobs import BlobEraser
from datastore.lifecycle.repository.dynamodb import DynamoEraser
from datastore.lifecycle.repository.postgres import PostgresEraser
from datastore.lifecycle.repository.redis import RedisEraser

log = structlog.get_logger("personalpod.lifecycle")

LEASE_SECONDS = 900

# Each step's name and count, as the purge goes (the CLI prints them).
Progress = Callable[[str, int], None]


def _quiet(_step: str, _count: int) -> None:
    return None


@dataclass(frozen=True)
class Leftovers:
    """What is left of an account, per store and table: all zero after a purge."""

    postgres: dict[str, int] = field(default_factory=dict)
    dynamodb: dict[str, int] = field(default_factory=dict)
    redis: int = 0
    blobs: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        stores = (self.postgres, self.dynamodb, self.blobs)
        return sum(sum(s.values()) for s in stores) + self.redis

    def per_store(self) -> dict[str, int]:
        return {
            "postgres": sum(self.postgres.values()),
            "dynamodb": sum(self.dynamodb.values()),
            "redis": self.redis,
            "blobs": sum(self.blobs.values()),
        }

    def nonzero(self) -> dict[str, int]:
        found = {f"postgres {k}": v for k, v in self.postgres.items() if v}
        found |= {f"dynamodb {k}": v for k, v in self.dynamodb.items() if v}
        found |= {f"blobs {k}": v for k, v in self.blobs.items() if v}
        if self.redis:
            found["redis keys and members"] = self.redis
        return found


@dataclass(frozen=True)
class PurgeReport:
    user_id: uuid.UUID
    left: Leftovers
    blob_keys: frozenset[str]


class AccountPurger:
    def __init__(self, clients: Clients, accounts: AccountService) -> None:
        self.clients = clients
        self.accounts = accounts
        self.postgres = PostgresEraser(clients.db, batch=clients.settings.lifecycle_purge_batch)
        self.dynamo = DynamoEraser(clients.dynamo)
        self.redis = RedisEraser(clients.redis)
        self.blobs = BlobEraser(clients.blobs)

    async def run(self) -> None:
        """Forever: purge due accounts, then sleep. Safe to run in many processes at once."""
        await drain_forever(
            self._purge_one,
            interval_seconds=lambda: self.clients.settings.lifecycle_poll_seconds,
            failure_event="account_purge_failed",
            log=log,
        )

    async def _purge_one(self) -> int:
        return int(await self.run_once() is not None)

    async def run_once(
        self, user_id: uuid.UUID | None = None, progress: Progress = _quiet
    ) -> PurgeReport | None:
        """Claim one due account (or `user_id`, if due) and purge it; None if none was due."""
        async with self.clients.db() as db, db.begin():
            claimed = await UserRepository(db).claim_due_deletion(
                lease_seconds=LEASE_SECONDS, user_id=user_id
            )
        if claimed is None:
            return None
        return await self.purge(claimed, progress)

    async def purge(self, user_id: uuid.UUID, progress: Progress = _quiet) -> PurgeReport:
        """Erase a claimed account from every store and verify."""
        progress("sessions", len(await self.accounts.end_sessions(user_id)))
        progress("postgres outbox", await self.postgres.delete_outbox(user_id))
        emptied = await self.postgres.hand_over_groups(user_id)
        progress("chat groups left empty", len(emptied))
        await self.dynamo.delete_conversations(emptied_conversation_ids(emptied))
        await self._extend(user_id)
        await self.dynamo.erase(user_id, progress)
        progress("redis", await self.redis.erase(user_id))
        keys = await self.postgres.blob_keys(user_id)
        progress("blobs", await self.blobs.erase(keys))
        await self._extend(user_id)
        keys |= await self.postgres.blob_keys(user_id)  # written by the media job meanwhile

        async def deleted(db: AsyncSession, rows: int) -> None:
            await self.accounts.record_deleted(db, user_id, rows=rows, blobs=len(keys))

        await self.postgres.erase(user_id, progress, deleted)
        await self.postgres.anonymize_json(user_id, progress)
        # In-flight work (the relay, a fan-out, the media job) may have written meanwhile.
        await self.dynamo.erase(user_id, _quiet)
        await self.redis.erase(user_id)
        await self.blobs.erase(keys)
        progress("postgres blob_garbage", await self.postgres.forget_blob_garbage(keys))
        left = await self.verify(user_id, keys)
        progress("left in every store (verified)", left.total)
        log.info("account_purged", user_id=str(user_id), left=left.total, **left.per_store())
        if left.total:
            log.error("account_purge_incomplete", user_id=str(user_id), left=left.nonzero())
        return PurgeReport(user_id, left, frozenset(keys))

    async def verify(self, user_id: uuid.UUID, blob_keys: set[str] | None = None) -> Leftovers:
        """Count what is left of the account in every store, found generically. Blobs are
        found by key: `blob_keys` after a purge (their rows are gone), else the rows' own."""
        keys = blob_keys if blob_keys is not None else await self.postgres.blob_keys(user_id)
        return Leftovers(
            postgres=await self.postgres.leftovers(user_id),
            dynamodb=await self.dynamo.leftovers(user_id),
            redis=await self.redis.leftovers(user_id),
            blobs={
                "store": await self.blobs.left(keys),
                "blob_garbage": await self.postgres.blob_garbage_left(keys),
            },
        )

    async def _extend(self, user_id: uuid.UUID) -> None:
        async with self.clients.db() as db, db.begin():
            await UserRepository(db).extend_purge_lease(user_id, lease_seconds=LEASE_SECONDS)
