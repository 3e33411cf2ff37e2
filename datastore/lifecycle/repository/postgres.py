"""PostgreSQL side of the purge: batched deletes by the plan, and leftover counts found
from the database's own catalogue, so a table the plan does not know is still counted.

This is the one module that touches every domain's tables in SQL, by name from the plan
and the catalogue: erasure is about all of them at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from datastore.accounts.tables import DELETED_ACCOUNT_ID
from datastore.chat.repository.erasure import GroupHandover
from datastore.kit.postgres import rowcount
from datastore.lifecycle.plan import (
    BLOBS,
    JSON_KEPT,
    POSTGRES,
    UNOWNED_BLOBS,
    UNREFERENCED,
    Policy,
)

Progress = Callable[[str, int], None]
LastWords = Callable[[AsyncSession, int], Awaitable[None]]

# Every foreign key column that references users(id), from the catalogue.
USER_FOREIGN_KEYS = """
SELECT c.conrelid::regclass::text AS table_name, a.attname AS column_name
FROM pg_constraint c
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
WHERE c.contype = 'f' AND c.confrelid = 'users'::regclass
"""

# Every JSON column of the schema, with its type (json or jsonb).
JSON_COLUMNS = """
SELECT table_name, column_name, udt_name FROM information_schema.columns
WHERE table_schema = current_schema() AND data_type IN ('json', 'jsonb')
ORDER BY table_name, column_name
"""

# Every uuid column of the schema (the plan's columns must exist; `user_id` ones count).
UUID_COLUMNS = """
SELECT table_name, column_name FROM information_schema.columns
WHERE table_schema = current_schema() AND data_type = 'uuid'
"""


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def deleted_first() -> list[tuple[str, str]]:
    """The columns whose rows the purge deletes itself, in plan order."""
    explicit = [k for k, p in UNREFERENCED.items() if p is Policy.DELETE]
    cascade = [k for k, p in POSTGRES.items() if p in (Policy.CASCADE, Policy.HANDOVER)]
    return explicit + cascade


def anonymized() -> list[tuple[str, str]]:
    return [k for k, p in UNREFERENCED.items() if p is Policy.ANONYMIZE]


class PostgresEraser:
    def __init__(self, db: async_sessionmaker[AsyncSession], *, batch: int) -> None:
        self.db = db
        self.batch = batch

    async def hand_over_groups(self, user_id: uuid.UUID) -> list[uuid.UUID]:
        """Groups I own pass on; the ids of groups that were left empty and deleted."""
        async with self.db() as db, db.begin():
            return await GroupHandover(db).hand_over(user_id)

    async def delete_outbox(self, user_id: uuid.UUID) -> int:
        """Unpublished events first, so no relay writes my data anywhere afterwards."""
        return await self._delete_batches("outbox", "user_id", user_id)

    async def erase(self, user_id: uuid.UUID, progress: Progress, last: LastWords) -> int:
        """Delete every row of the plan in batches, then the user, in one transaction with
        `last` (the security log's ACCOUNT_DELETED); rows deleted."""
        total = 0
        existing = await self._uuid_columns()
        for table, column in anonymized():
            count = await self._anonymize_batches(table, column, user_id)
            progress(f"postgres {table}.{column} (now a deleted account)", count)
        for table, column in deleted_first():
            if (table, column) not in existing:
                continue  # a table of another branch, not migrated here
            count = await self._delete_batches(table, column, user_id)
            progress(f"postgres {table}.{column}", count)
            total += count
        async with self.db() as db, db.begin():
            # Whatever a cascade still reaches (children of children, late inserts).
            result = await db.execute(text("DELETE FROM users WHERE id = :u"), {"u": user_id})
            if rowcount(result):
                await last(db, total + rowcount(result))
        progress("postgres users", rowcount(result))
        return total + rowcount(result)

    async def _delete_batches(self, table: str, column: str, user_id: uuid.UUID) -> int:
        change = f"DELETE FROM {quoted(table)}"  # noqa: S608 (plan names)
        return await self._in_batches(change, table, f"{quoted(column)} = :u", {"u": user_id})

    async def _anonymize_batches(self, table: str, column: str, user_id: uuid.UUID) -> int:
        change = f"UPDATE {quoted(table)} SET {quoted(column)} = :dead"  # noqa: S608
        params = {"u": user_id, "dead": DELETED_ACCOUNT_ID}
        return await self._in_batches(change, table, f"{quoted(column)} = :u", params)

    async def anonymize_json(self, user_id: uuid.UUID, progress: Progress) -> int:
        """Others' JSON that names me (a share with me in their activity, my id in their
        published events) names the deleted account instead; rows changed."""
        total = 0
        for table, column, kind in await self._json_columns():
            where = f"{quoted(column)}::text LIKE :pattern"
            if table in JSON_KEPT:
                where += f" AND NOT ({JSON_KEPT[table]})"
            change = (
                f"UPDATE {quoted(table)} SET {quoted(column)} = "  # noqa: S608
                f"replace({quoted(column)}::text, :me, :dead)::{kind}"
            )
            params = {
                "me": str(user_id),
                "dead": str(DELETED_ACCOUNT_ID),
                "pattern": f"%{user_id}%",
            }
            count = await self._in_batches(change, table, where, params)
            if count:
                progress(f"postgres {table}.{column} (JSON now names a deleted account)", count)
            total += count
        return total

    async def _in_batches(self, change: str, table: str, where: str, params: dict[str, Any]) -> int:
        """`change` (a DELETE or UPDATE of `table`) on the rows `where` selects, in batches:
        short transactions, so a large account never holds locks for long."""
        statement = text(
            f"{change} WHERE ctid = ANY (ARRAY("  # noqa: S608 (plan and catalogue names)
            f"SELECT ctid FROM {quoted(table)} WHERE {where} LIMIT :n))"
        )
        total = 0
        while True:
            async with self.db() as db, db.begin():
                result = await db.execute(statement, {**params, "n": self.batch})
            total += rowcount(result)
            if rowcount(result) < self.batch:
                return total

    async def _json_columns(self) -> list[tuple[str, str, str]]:
        async with self.db() as db:
            rows = (await db.execute(text(JSON_COLUMNS))).all()
        return [(t, c, k) for t, c, k in rows if k in ("json", "jsonb")]

    async def blob_keys(self, user_id: uuid.UUID) -> set[str]:
        """The blob store keys of every row of the user that names a blob."""
        parts = [
            f"SELECT {quoted(c)} FROM {quoted(t)} "  # noqa: S608 (plan names)
            f"WHERE {quoted(owner)} = :u AND {quoted(c)} IS NOT NULL"
            for (t, c), owner in BLOBS.items()
        ]
        async with self.db() as db:
            rows = await db.execute(text(" UNION ".join(parts)), {"u": user_id})
        return {str(key) for key in rows.scalars()}

    async def forget_blob_garbage(self, keys: set[str]) -> int:
        """Queued deletions of blobs the purge deleted itself; how many rows went."""
        return sum([await self._garbage(table, keys, delete=True) for table in UNOWNED_BLOBS])

    async def blob_garbage_left(self, keys: set[str]) -> int:
        return sum([await self._garbage(table, keys, delete=False) for table in UNOWNED_BLOBS])

    async def _garbage(self, table: str, keys: set[str], *, delete: bool) -> int:
        if not keys:
            return 0
        verb = "DELETE" if delete else "SELECT count(*)"
        statement = text(f"{verb} FROM {quoted(table)} WHERE blob_key = ANY (:keys)")
        async with self.db() as db, db.begin():
            result = await db.execute(statement, {"keys": sorted(keys)})
            return rowcount(result) if delete else int(result.scalar_one())

    async def user_columns(self) -> list[tuple[str, str]]:
        """Every column that may hold a user id: foreign keys to users, uuid `user_id`
        columns, and the plan's own."""
        async with self.db() as db:
            found = {(t, c) for t, c in (await db.execute(text(USER_FOREIGN_KEYS))).all()}
        existing = await self._uuid_columns()
        found |= {(t, c) for t, c in existing if c == "user_id"}
        found |= {k for k in (*POSTGRES, *UNREFERENCED) if k in existing}
        return sorted(found)

    async def _uuid_columns(self) -> set[tuple[str, str]]:
        async with self.db() as db:
            return {(t, c) for t, c in (await db.execute(text(UUID_COLUMNS))).all()}

    async def leftovers(self, user_id: uuid.UUID) -> dict[str, int]:
        """Rows left per `table.column` (and `users`), and rows whose JSON names the user
        (`table.column (JSON)`; outbox rows still to be relayed are the relay's), in one
        statement."""
        columns = await self.user_columns()
        parts = ["SELECT 'users', count(*) FROM users WHERE id = :u"] + [
            f"SELECT '{t}.{c}', count(*) FROM {quoted(t)} WHERE {quoted(c)} = :u"  # noqa: S608
            for t, c in columns
        ]
        for t, c, _ in await self._json_columns():
            kept = f" AND NOT ({JSON_KEPT[t]})" if t in JSON_KEPT else ""
            parts.append(
                f"SELECT '{t}.{c} (JSON)', count(*) FROM {quoted(t)} "  # noqa: S608
                f"WHERE {quoted(c)}::text LIKE :pattern{kept}"
            )
        async with self.db() as db:
            rows = await db.execute(
                text(" UNION ALL ".join(parts)), {"u": user_id, "pattern": f"%{user_id}%"}
            )
        return {name: int(count) for name, count in rows.all()}
