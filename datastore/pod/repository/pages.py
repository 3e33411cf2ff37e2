"""Pages of entries: filtered lists and full-text search, with keyset cursors.

Keyset (not offset) pagination: a page continues strictly after the last row's
(sort key, id), so entries inserted meanwhile never shift or repeat rows of later pages.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    cast,
    exists,
    func,
    literal,
    select,
    tuple_,
)
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from datastore.pod.repository.entries import visible_now
from datastore.pod.tables import Category, Entry, EntryTag, PodPreferences


@dataclass(frozen=True)
class EntryFilter:
    kinds: tuple[str, ...] = ()
    # Empty: every status but DELETED (trash is only listed when asked for).
    statuses: tuple[str, ...] = ()
    category_id: uuid.UUID | None = None
    include_subcategories: bool = False
    tag_ids: tuple[uuid.UUID, ...] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None


@dataclass(frozen=True)
class EntrySort:
    field: str = "CREATED"
    descending: bool = True


@dataclass(frozen=True)
class PageKey:
    """Where a page starts: after the row with this sort value and id."""

    value: Any
    id: uuid.UUID


@dataclass(frozen=True)
class SearchHit:
    entry: Entry
    rank: float
    snippet: str


def _sort_column(field: str) -> ColumnElement[Any]:
    if field == "TITLE":
        return func.lower(Entry.title)
    column = Entry.updated_at if field == "UPDATED" else Entry.created_at
    return column.expression


def _subtree(user_id: uuid.UUID, category_id: uuid.UUID) -> Select[Any]:
    tree = (
        select(Category.id)
        .where(Category.id == category_id, Category.user_id == user_id)
        .cte("subtree", recursive=True)
    )
    child = aliased(Category)
    tree = tree.union_all(
        select(child.id).where(child.parent_id == tree.c.id, child.user_id == user_id)
    )
    return select(tree.c.id)


def filter_clauses(user_id: uuid.UUID, filters: EntryFilter) -> list[ColumnElement[bool]]:
    """WHERE clauses of `filters`, always scoped to the user and to unexpired entries."""
    clauses = [Entry.user_id == user_id, visible_now()]
    if filters.statuses:
        clauses.append(Entry.status.in_(filters.statuses))
    else:
        clauses.append(Entry.status != "DELETED")
    if filters.kinds:
        clauses.append(Entry.kind.in_(filters.kinds))
    if filters.category_id is not None:
        if filters.include_subcategories:
            clauses.append(Entry.category_id.in_(_subtree(user_id, filters.category_id)))
        else:
            clauses.append(Entry.category_id == filters.category_id)
    if filters.tag_ids:
        clauses.append(
            exists().where(EntryTag.entry_id == Entry.id, EntryTag.tag_id.in_(filters.tag_ids))
        )
    bounds = (
        (Entry.created_at, filters.created_after, filters.created_before),
        (Entry.updated_at, filters.updated_after, filters.updated_before),
    )
    for column, after, before in bounds:
        if after is not None:
            clauses.append(column >= after)
        if before is not None:
            clauses.append(column < before)
    return clauses


async def list_page(
    session: AsyncSession,
    user_id: uuid.UUID,
    filters: EntryFilter,
    sort: EntrySort,
    *,
    after: PageKey | None,
    limit: int,
) -> tuple[list[tuple[Entry, Any]], bool]:
    """Up to `limit` entries with their sort values, and whether more follow."""
    column = _sort_column(sort.field)
    statement = select(Entry, column.label("sort_value")).where(*filter_clauses(user_id, filters))
    if after is not None:
        key = tuple_(column, Entry.id)
        bound = tuple_(literal(after.value, column.type), literal(after.id, Entry.id.type))
        statement = statement.where(key < bound if sort.descending else key > bound)
    if sort.descending:
        statement = statement.order_by(column.desc(), Entry.id.desc())
    else:
        statement = statement.order_by(column.asc(), Entry.id.asc())
    rows = (await session.execute(statement.limit(limit + 1))).all()
    return [(row[0], row[1]) for row in rows[:limit]], len(rows) > limit


# The last word of what is being typed, to match as a prefix: a plain word at the very
# end, not quoted, not excluded with '-' and not the OR operator.
_TRAILING_WORD = re.compile(r"(?:^|\s)(\w+)$")


def split_prefix(query: str) -> tuple[str, str | None]:
    """(web-search part, trailing word to match as a prefix or None)."""
    if query.count('"') % 2 == 1:
        return query, None
    match = _TRAILING_WORD.search(query)
    if match is None or match.group(1).lower() == "or":
        return query, None
    return query[: match.start(1)], match.group(1)


def _search_language(user_id: uuid.UUID) -> ColumnElement[Any]:
    language = (
        select(PodPreferences.search_language)
        .where(PodPreferences.user_id == user_id)
        .scalar_subquery()
    )
    return cast(func.coalesce(language, "english"), REGCONFIG)


async def search_page(
    session: AsyncSession,
    user_id: uuid.UUID,
    query: str,
    filters: EntryFilter,
    *,
    prefix: bool,
    after: PageKey | None,
    limit: int,
) -> tuple[list[SearchHit], bool]:
    """Best matches first, with highlighted snippets, and whether more follow.

    One statement: the user's language and the tsquery in a CTE, ranking over the GIN
    index match, and `ts_headline` (the expensive part) only on the page's rows.
    """
    head, word = split_prefix(query) if prefix else (query, None)
    config = _search_language(user_id)
    tsquery: ColumnElement[Any] = func.websearch_to_tsquery(config, head)
    if word is not None:
        tsquery = tsquery.op("&&")(func.to_tsquery(config, literal(word + ":*")))
    q = select(tsquery.label("q"), config.label("cfg")).cte("q")
    rank = func.ts_rank_cd(Entry.search, q.c.q, 32).label("rank")
    matches = (
        select(Entry, rank)
        .join(q, literal(True))
        .where(Entry.search.op("@@")(q.c.q), *filter_clauses(user_id, filters))
    )
    if after is not None:
        matches = matches.where(
            tuple_(func.ts_rank_cd(Entry.search, q.c.q, 32), Entry.id)
            < tuple_(literal(float(after.value)), literal(after.id, Entry.id.type))
        )
    page = matches.order_by(rank.desc(), Entry.id.desc()).limit(limit + 1).subquery("page")
    found = aliased(Entry, page)
    document = func.concat_ws(" … ", page.c.title, page.c.body)
    snippet = func.ts_headline(
        q.c.cfg,
        document,
        q.c.q,
        "StartSel=<mark>, StopSel=</mark>, MaxFragments=2, MaxWords=24, MinWords=8",
    )
    statement = (
        select(found, page.c.rank, snippet)
        .select_from(page)
        .join(q, literal(True))
        .order_by(page.c.rank.desc(), page.c.id.desc())
    )
    rows = (await session.execute(statement)).all()
    hits = [SearchHit(entry=r[0], rank=float(r[1]), snippet=r[2]) for r in rows[:limit]]
    return hits, len(rows) > limit
