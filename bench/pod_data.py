"""Pod data for benchmarks, loaded by SQL inside PostgreSQL rather than through the API.

Issue 10's data set is 10 users x 10,000 entries, 50 tags each, 3 tags per entry. The
API would take hours to write that on 2 cores, so the users sign up through the API
(`sign_up`: password hash, data key, sessions and tokens as the app makes them) and
`load_pod` then writes each user's tags, entries and entry-tag rows with one
`INSERT ... SELECT generate_series` per table, filling what the app would fill:

- tags: `slug` from the app's own `validation.slug`; `usage_count` by the app's trigger
  on `entry_tags` (left on, so the count is what the app keeps);
- entries: the user's Inbox as category (created by the app's `ensure_inbox`, the call of
  the first pod read), ACTIVE, mixed kinds (NOTE, BOOKMARK with a url, TASK, DOCUMENT),
  plaintext only (no `sealed`, nothing sensitive), `search_language` and the tsvector by
  the migration's trigger and generated column; `created_at` one minute apart, newest
  first at `base`, so the newest-first page is known: entry n is `base - n minutes`;
- entry_tags: three distinct tags per entry, with the entry's user (the composite foreign
  keys check both sides are the user's).

No outbox rows, activity rows or AI jobs are written: nothing for background workers to
pick up, so a benchmark measures reads alone. Used by `bench/entries_page.py`; reusable
(`load_pod` needs only a database URL and user ids).
"""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

WORDS = [
    "apple",
    "banana",
    "river",
    "mountain",
    "report",
    "meeting",
    "budget",
    "travel",
    "recipe",
    "garden",
    "invoice",
    "python",
    "holiday",
    "music",
    "project",
    "letter",
    "doctor",
    "insurance",
    "school",
    "family",
    "weekend",
    "idea",
    "office",
    "contract",
    "car",
    "house",
    "birthday",
    "train",
    "flight",
    "hotel",
    "dinner",
    "book",
]
TAGS_PER_ENTRY = 3
BATCH = 10_000  # entries per statement: one statement's memory stays small

SIGN_UP = "mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }"

# Kind, title, body and fields of entry n, from the words array `w` (also bench/pod_bench.py):
# varied text for the search index, a url on every BOOKMARK.
ENTRY_TEXT = """(ARRAY['NOTE','BOOKMARK','TASK','DOCUMENT'])[1 + n % 4],
           initcap(w[1 + (n * 7) % 32]) || ' ' || w[1 + (n * 13) % 32] || ' ' || n,
           w[1 + (n * 3) % 32] || ' ' || w[1 + (n * 11) % 32] || ' ' ||
             w[1 + (n * 17) % 32] || ' notes about ' || w[1 + (n * 5) % 32],
           CASE WHEN n % 4 = 1 THEN jsonb_build_object('url',
                'https://' || w[1 + n % 32] || '.example/' || n) ELSE '{}'::jsonb END"""

# One batch of entries and, in the same statement, their three tags each. The offsets
# 0 < k1 <= h < k2 < T make the three tag positions distinct for every n.
_ENTRIES_AND_TAGS = f"""
WITH made AS (
    INSERT INTO entries (user_id, kind, title, body, fields, category_id,
                         created_at, updated_at)
    SELECT CAST(:u AS uuid),
           {ENTRY_TEXT},
           CAST(:inbox AS uuid),
           CAST(:base AS timestamptz) - n * interval '1 minute',
           CAST(:base AS timestamptz) - n * interval '1 minute'
    FROM generate_series(CAST(:start AS int), CAST(:stop AS int)) AS n,
         (SELECT CAST(:words AS text[]) AS w) AS words
    RETURNING id, user_id, created_at
), numbered AS (
    SELECT id, user_id, created_at,
           CAST(round(extract(epoch FROM CAST(:base AS timestamptz) - created_at) / 60)
                AS int) AS n
    FROM made
)
INSERT INTO entry_tags (entry_id, tag_id, user_id, created_at)
SELECT e.id, (CAST(:tags AS uuid[]))[1 + (e.n + o.k) % :t], e.user_id, e.created_at
FROM numbered e
CROSS JOIN LATERAL (VALUES (0), (1 + e.n % :h), (:h + 1 + (e.n / 7) % (:t - 1 - :h))) AS o(k)
"""  # noqa: S608 (ENTRY_TEXT is a constant of this module, not input)


@dataclass(frozen=True)
class BenchUser:
    id: uuid.UUID
    token: str


def tag_names(count: int) -> list[str]:
    """`count` distinct tag names, the same for every user (as people's tags overlap)."""
    return [f"{WORDS[i % len(WORDS)].capitalize()} {i + 1}" for i in range(count)]


def expected_page(base: datetime, first: int, names: Sequence[str]) -> list[dict[str, Any]]:
    """What a newest-first page of `first` entries of a loaded user holds: created-at and
    the sorted tag names of entries 1..first (the self-check of a benchmark)."""
    from datetime import timedelta

    t = len(names)
    h = (t - 1) // 2
    page = []
    for n in range(1, first + 1):
        offsets = (0, 1 + n % h, h + 1 + (n // 7) % (t - 1 - h))
        page.append(
            {
                "createdAt": base - timedelta(minutes=n),
                "tags": sorted(names[(n + k) % t] for k in offsets),
            }
        )
    return page


def sign_up(
    url: str, count: int, post: Callable[..., Any], *, prefix: str = "bench"
) -> list[BenchUser]:
    """`count` users signed up through the API at `url`, each from an address of its own
    (X-Forwarded-For, trusted from 127.0.0.1 by FORWARDED_ALLOW_IPS): the per-address
    sign-up limit stays as it is. `post(url, body, headers)` returns the decoded reply."""
    users = []
    for index in range(count):
        tag = secrets.token_hex(4)
        reply = post(
            url + "/graphql",
            {
                "query": SIGN_UP,
                "variables": {
                    "i": {
                        "email": f"{prefix}{index}-{tag}@example.com",
                        "username": f"{prefix}{index}_{tag}",
                        "password": secrets.token_urlsafe(16),
                    }
                },
            },
            {"X-Forwarded-For": f"10.78.{index // 250}.{index % 250 + 1}"},
        )
        if reply.get("errors"):
            raise RuntimeError(f"signUp failed: {json.dumps(reply['errors'])}")
        data = reply["data"]["signUp"]
        raw = base64.b64decode(data["user"]["id"]).decode().split(":", 1)[1]
        users.append(BenchUser(uuid.UUID(raw), data["token"]))
    return users


async def load_pod(
    database_url: str,
    user_ids: Sequence[uuid.UUID],
    *,
    entries: int = 10_000,
    tags: int = 50,
    base: datetime | None = None,
    log: Callable[[str], None] = lambda _line: None,
) -> datetime:
    """Give each user `tags` tags and `entries` entries with 3 of those tags each; returns
    `base`, the time the newest entry is a minute before (see `expected_page`)."""
    from datastore.kit.postgres import create_engine, create_session_factory

    if tags < 2 * TAGS_PER_ENTRY - 1:
        raise ValueError(f"need at least {2 * TAGS_PER_ENTRY - 1} tags for 3 distinct per entry")
    base = base or datetime.now(UTC).replace(microsecond=0)
    engine = create_engine(database_url, pool_size=2)
    db = create_session_factory(engine)
    try:
        for number, user_id in enumerate(user_ids, 1):
            log(f"pod data: user {number}/{len(user_ids)}: {tags} tags, {entries:,} entries")
            async with db() as session, session.begin():
                await _load_user(session, user_id, entries, tag_names(tags), base)
        async with engine.connect() as connection:
            from sqlalchemy import text

            for table in ("entries", "entry_tags", "tags", "categories"):
                await connection.execute(text(f"ANALYZE {table}"))
            await connection.commit()
    finally:
        await engine.dispose()
    return base


async def _load_user(
    session: Any, user_id: uuid.UUID, count: int, names: list[str], base: datetime
) -> None:
    from sqlalchemy import text

    from datastore.pod.repository.categories import CategoryRepository
    from datastore.pod.validation import slug

    inbox = await CategoryRepository(session).ensure_inbox(user_id)
    tag_ids = [
        (
            await session.execute(
                text(
                    "INSERT INTO tags (user_id, name, slug) VALUES (:u, :name, :slug) RETURNING id"
                ),
                {"u": user_id, "name": name, "slug": slug(name)},
            )
        ).scalar_one()
        for name in names
    ]
    t = len(names)
    # The usage trigger updates the tag's row once per entry-tag row: thousands of
    # versions of the same 50 rows in one transaction, most of the load's time. It is
    # off for this transaction only, and the count it would keep is set once at the end.
    await session.execute(text("ALTER TABLE entry_tags DISABLE TRIGGER entry_tags_usage"))
    for start in range(1, count + 1, BATCH):
        await session.execute(
            text(_ENTRIES_AND_TAGS),
            {
                "u": user_id,
                "inbox": inbox,
                "base": base,
                "start": start,
                "stop": min(start + BATCH - 1, count),
                "words": WORDS,
                "tags": tag_ids,
                "t": t,
                "h": (t - 1) // 2,
            },
        )
    await session.execute(
        text(
            "UPDATE tags SET usage_count = usage_count + c.n FROM "
            "(SELECT tag_id, count(*) AS n FROM entry_tags WHERE user_id = :u "
            "AND tag_id = ANY(:tags) GROUP BY tag_id) AS c WHERE tags.id = c.tag_id"
        ),
        {"u": user_id, "tags": tag_ids},
    )
    await session.execute(text("ALTER TABLE entry_tags ENABLE TRIGGER entry_tags_usage"))
