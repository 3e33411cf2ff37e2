"""The PostgreSQL engine, the declarative base, the per-request statement counter and the
unified search's snippet options."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any, cast

import orjson
from sqlalchemy import CursorResult, MetaData, Result, event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import Pool

from datastore.kit import metrics
from datastore.kit.request_id import current_request_id

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# `ts_headline` options of the unified search: the journal's and the pod's shares of it
# (datastore/search) must mark their snippets alike.
SEARCH_HEADLINE = "StartSel=<mark>, StopSel=</mark>, MaxWords=24, MinWords=8, MaxFragments=2"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Statements are counted per request id so tests can assert that a query's round trips do
# not grow with its page size.
statement_counts: Counter[str] = Counter()

# What every connection tells the server about itself (the engine's and the raw reads').
CONNECT_ARGS: dict[str, Any] = {"server_settings": {"application_name": "personalpod"}}


def create_engine(
    database_url: str, *, pool_size: int = 10, count_statements: bool = False
) -> AsyncEngine:
    engine = create_async_engine(
        database_url,
        json_deserializer=load_json,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=False,
        connect_args=CONNECT_ARGS,
    )
    if count_statements:
        event.listen(engine.sync_engine, "before_cursor_execute", _count_statement)
    _measure_pool(engine.sync_engine.pool, pool_size * 2)
    return engine


# 19 digits in a row may be an integer beyond 64 bits, which orjson reads as a float.
_LONG_DIGITS = re.compile(r"\d{19}")


def load_json(text: str) -> Any:
    """JSON and JSONB values as Python, with orjson (several times the stdlib's speed: a page
    of entries decodes each one's `fields`); the stdlib for what orjson would read
    differently (integers beyond 64 bits) or refuse."""
    if _LONG_DIGITS.search(text) is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


def _measure_pool(pool: Pool, most: int) -> None:
    """Keep the pool gauges current: each event sets them from the pool's own counts, so
    a missed event (an invalidated connection) cannot make them drift."""
    metrics.DB_POOL_MAX.set(most)

    def measure(*_args: Any) -> None:
        checked_out = pool.checkedout()  # type: ignore[attr-defined]
        metrics.DB_POOL_IN_USE.set(checked_out)
        metrics.DB_POOL_OPEN.set(checked_out + pool.checkedin())  # type: ignore[attr-defined]

    for name in ("checkout", "checkin", "close", "close_detached", "invalidate"):
        event.listen(pool, name, measure)


def _count_statement(_conn: Any, _cursor: Any, _statement: str, *_args: Any) -> None:
    count_statement()


def count_statement() -> None:
    """One more statement for the current request, if there is one."""
    request_id = current_request_id.get()
    if request_id is not None:
        statement_counts[request_id] += 1


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def create_read_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for single-statement reads (loaders): autocommit skips BEGIN and ROLLBACK,
    two of the three round trips a one-query read would otherwise cost."""
    return async_sessionmaker(
        engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False
    )


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE touched (`execute` types every result as a plain Result)."""
    return cast(CursorResult[Any], result).rowcount or 0
