"""The hottest single-statement reads (the entries page, its tags, the viewer's row)
straight on an asyncpg pool.

Through SQLAlchemy's async engine one such read cost about 260 µs of CPU (pool checkout,
the greenlet bridge, result processing); the same statement on asyncpg costs about 75.
The statements are still built with SQLAlchemy Core and compiled once each, by the
engine's own dialect, so they read as the rest of the code does; rows come back as
asyncpg records that also answer by attribute, like Core rows. Statements are counted
per request as the engine's are (datastore/kit/postgres.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import asyncpg
import orjson
from sqlalchemy import ARRAY, ColumnElement, any_, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from datastore.kit.postgres import CONNECT_ARGS, count_statement, load_json

# Compiled statements kept per process: each page shape is one (a few hundred at most).
MOST_COMPILED = 1024
_BOUND_BY_CALLER = object()


def in_array(column: ColumnElement[Any], name: str) -> ColumnElement[bool]:
    """`column = ANY(:name)`, the list bound as one array: one statement for any length,
    where an expanding IN is rendered anew for each (and cannot be prepared once)."""
    return column == any_(bindparam(name, type_=ARRAY(column.type)))


class Record(asyncpg.Record):
    """A row that answers `row.title` as well as `row[3]` and `row["title"]`."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    # Each positional parameter's name, the value the statement itself gives it (a
    # literal such as `status != 'DELETED'`, or a bindparam's default, which the caller
    # may override), and the dialect's conversion, if any.
    names: tuple[str, ...]
    literals: tuple[Any, ...]
    converters: tuple[Callable[[Any], Any] | None, ...]

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        values = [
            params[name] if literal is _BOUND_BY_CALLER or name in params else literal
            for name, literal in zip(self.names, self.literals, strict=True)
        ]
        for index, convert in enumerate(self.converters):
            if convert is not None:
                values[index] = convert(values[index])
        return values


class RawReads:
    """A small asyncpg pool beside the engine's, opened at first use."""

    def __init__(self, engine: AsyncEngine, *, size: int, count_statements: bool) -> None:
        _args, connect = engine.dialect.create_connect_args(engine.url)
        self._connect: dict[str, Any] = {**connect, **CONNECT_ARGS}
        self._dialect: Dialect = engine.dialect
        self._size = size
        self._count = count_statements
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()
        self._compiled: dict[int, tuple[ClauseElement, _Compiled]] = {}

    async def fetch(self, statement: ClauseElement, params: Mapping[str, Any]) -> list[Record]:
        """The rows of one read-only statement, outside any transaction."""
        compiled = self._compile(statement)
        pool = self._pool or await self._open()
        if self._count:
            count_statement()
        return await pool.fetch(compiled.sql, *compiled.arguments(params))

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    async def _open(self) -> asyncpg.Pool:
        async with self._opening:
            if self._pool is None:
                self._pool = await asyncpg.create_pool(
                    **self._connect,
                    min_size=0,
                    max_size=self._size,
                    record_class=Record,
                    init=_set_codecs,
                    reset=_nothing_to_reset,
                )
            return self._pool

    def _compile(self, statement: ClauseElement) -> _Compiled:
        # Keyed by identity, the statement kept alive beside it: hot statements are
        # module constants or memoised per shape, so the same object comes back.
        known = self._compiled.get(id(statement))
        if known is not None and known[0] is statement:
            return known[1]
        compiled = cast(SQLCompiler, statement.compile(dialect=self._dialect))
        names = tuple(compiled.positiontup or ())
        binds = [compiled.binds[name] for name in names]
        literals = tuple(_BOUND_BY_CALLER if b.required else b.effective_value for b in binds)
        converters = tuple(
            b.type.dialect_impl(self._dialect).bind_processor(self._dialect) for b in binds
        )
        made = _Compiled(str(compiled), names, literals, converters)
        if len(self._compiled) >= MOST_COMPILED:
            self._compiled.clear()
        self._compiled[id(statement)] = (statement, made)
        return made


async def _set_codecs(connection: asyncpg.Connection) -> None:
    """JSON and JSONB as Python values, read with the engine's own decoder."""
    for name in ("json", "jsonb"):
        await connection.set_type_codec(
            name, schema="pg_catalog", encoder=_dump_json, decoder=load_json
        )


async def _nothing_to_reset(_connection: asyncpg.Connection) -> None:
    """Instead of asyncpg's reset query on every release (RESET ALL, UNLISTEN *, CLOSE
    ALL...: a round trip per read). These reads are single statements outside any
    transaction that set, listen to and hold nothing; asyncpg still rolls back a
    connection left in a transaction before calling this."""


def _dump_json(value: Any) -> str:
    return orjson.dumps(value).decode()
