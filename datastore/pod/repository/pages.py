"""Pages of entries: filtered lists and full-text search, with keyset cursors.

Keyset (not offset) pagination: a page continues strictly after the last row's
(sort key, id), so entries inserted meanwhile never shift or repeat rows of later pages.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    cast,
    exists,
    func,
    literal,
    literal_column,
    select,
    tuple_,
)
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from datastore.kit.raw_reads import RawReads, in_array
from datastore.pod.repository.entries import visible_now
from datastore.pod.rows import ENTRY_COLUMNS, TAG_COLUMNS, EntryRecord, TagRecord
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


class PageRow(NamedTuple):
    entry: EntryRecord
    sort_value: Any
    tags: list[TagRecord] | None  # by slug; None when not asked for


@dataclass(frozen=True)
class SearchHit:
    entry: Entry
    rank: float
    snippet: str


_E = Entry.__table__.c
# Filter values travel as bound parameters, so each filter shape has one statement,
# built and compiled once per process (SQLAlchemy memoises a statement's cache key).
_USER = bindparam("user_id", type_=_E.user_id.type)


@dataclass(frozen=True)
class _Shape:
    """Which filters are set: the statement's structure, not its values."""

    statuses: bool
    kinds: bool
    category: str  # "", "exact" or "subtree"
    tags: bool
    bounds: tuple[bool, bool, bool, bool]

    @classmethod
    def of(cls, filters: EntryFilter) -> _Shape:
        category = ""
        if filters.category_id is not None:
            category = "subtree" if filters.include_subcategories else "exact"
        bounds = (
            filters.created_after is not None,
            filters.created_before is not None,
            filters.updated_after is not None,
            filters.updated_before is not None,
        )
        return cls(
            bool(filters.statuses), bool(filters.kinds), category, bool(filters.tag_ids), bounds
        )


_BOUNDS = (
    ("created_after", _E.created_at, False),
    ("created_before", _E.created_at, True),
    ("updated_after", _E.updated_at, False),
    ("updated_before", _E.updated_at, True),
)


def _sort_column(field: str) -> ColumnElement[Any]:
    if field == "TITLE":
        return func.lower(_E.title)
    return _E.updated_at if field == "UPDATED" else _E.created_at


def _subtree() -> Select[Any]:
    tree = (
        select(Category.id)
        .where(Category.id == bindparam("category_id"), Category.user_id == _USER)
        .cte("subtree", recursive=True)
    )
    child = aliased(Category)
    tree = tree.union_all(
        select(child.id).where(child.parent_id == tree.c.id, child.user_id == _USER)
    )
    return select(tree.c.id)


def _filter_clauses(shape: _Shape) -> list[ColumnElement[bool]]:
    """WHERE clauses of a filter shape, always scoped to the user and to unexpired entries."""
    clauses = [_E.user_id == _USER, visible_now()]
    if shape.statuses:
        clauses.append(in_array(_E.status, "statuses"))
    else:
        clauses.append(_E.status != "DELETED")
    if shape.kinds:
        clauses.append(in_array(_E.kind, "kinds"))
    if shape.category == "subtree":
        clauses.append(_E.category_id.in_(_subtree()))
    elif shape.category == "exact":
        clauses.append(_E.category_id == bindparam("category_id"))
    if shape.tags:
        tagged = in_array(EntryTag.__table__.c.tag_id, "tag_ids")
        clauses.append(exists().where(EntryTag.entry_id == _E.id, tagged))
    for (name, column, upper), present in zip(_BOUNDS, shape.bounds, strict=True):
        if present:
            bound = bindparam(name, type_=column.type)
            clauses.append(column < bound if upper else column >= bound)
    return clauses


def filter_clauses(filters: EntryFilter) -> list[ColumnElement[bool]]:
    """WHERE clauses of `filters`; their values are `filter_params`."""
    return _filter_clauses(_Shape.of(filters))


def filter_params(user_id: uuid.UUID, filters: EntryFilter) -> dict[str, Any]:
    """The bound values of `filter_clauses(filters)`."""
    params: dict[str, Any] = {"user_id": user_id}
    if filters.statuses:
        params["statuses"] = list(filters.statuses)
    if filters.kinds:
        params["kinds"] = list(filters.kinds)
    if filters.category_id is not None:
        params["category_id"] = filters.category_id
    if filters.tag_ids:
        params["tag_ids"] = list(filters.tag_ids)
    for name, _column, _upper in _BOUNDS:
        if getattr(filters, name) is not None:
            params[name] = getattr(filters, name)
    return params


# Each entry's tags by slug, as rows in TagRecord order (asyncpg decodes the records).
_TAG_FIELDS = ", ".join(f"tags.{column.key}" for column in TAG_COLUMNS)  # our own names
_TAG_ROWS: ColumnElement[Any] = literal_column(
    f"ARRAY(SELECT ROW({_TAG_FIELDS}) FROM entry_tags JOIN tags ON tags.id = entry_tags.tag_id "  # noqa: S608
    "WHERE entry_tags.entry_id = entries.id ORDER BY tags.slug)"
)


@lru_cache(maxsize=512)
def _page_statement(shape: _Shape, sort: EntrySort, after: bool, tags: bool) -> Select[Any]:
    """The Core statement of one page shape: entry columns in record order, the sort
    value, and with `tags` each entry's tags; at most a few hundred shapes exist."""
    column = _sort_column(sort.field)
    extra = [_TAG_ROWS.label("tags")] if tags else []
    statement = select(*ENTRY_COLUMNS, column.label("sort_value"), *extra).where(
        *_filter_clauses(shape)
    )
    if after:
        key = tuple_(column, _E.id)
        bound = tuple_(
            bindparam("after_value", type_=column.type), bindparam("after_id", type_=_E.id.type)
        )
        statement = statement.where(key < bound if sort.descending else key > bound)
    if sort.descending:
        statement = statement.order_by(column.desc(), _E.id.desc())
    else:
        statement = statement.order_by(column.asc(), _E.id.asc())
    return statement.limit(bindparam("limit"))


async def list_page(
    reads: RawReads,
    user_id: uuid.UUID,
    filters: EntryFilter,
    sort: EntrySort,
    *,
    after: PageKey | None,
    limit: int,
    with_tags: bool = False,
) -> tuple[list[PageRow], bool]:
    """Up to `limit` entries with their sort values (and, `with_tags`, their tags in the
    same statement), and whether more follow."""
    statement = _page_statement(_Shape.of(filters), sort, after is not None, with_tags)
    params = filter_params(user_id, filters)
    params["limit"] = limit + 1
    if after is not None:
        params["after_value"], params["after_id"] = after.value, after.id
    # Core, compiled once, on asyncpg: no ORM compile, no identity map, no Session.
    rows = await reads.fetch(statement, params)
    width = len(ENTRY_COLUMNS)
    page = [
        PageRow(
            EntryRecord(*row[:width]),
            row[width],
            [TagRecord(*tag) for tag in row[width + 1]] if with_tags else None,
        )
        for row in rows[:limit]
    ]
    return page, len(rows) > limit


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
        .where(Entry.search.op("@@")(q.c.q), *filter_clauses(filters))
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
    rows = (await session.execute(statement, filter_params(user_id, filters))).all()
    hits = [SearchHit(entry=r[0], rank=float(r[1]), snippet=r[2]) for r in rows[:limit]]
    return hits, len(rows) > limit
