"""The raw reads: Core statements on asyncpg give the rows, values and statement counts
the engine would; users' rows read for concurrent requests share statements."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import bindparam, func, insert, literal_column, select, text, update

from datastore.accounts.repository.users import UserRows
from datastore.accounts.tables import User
from datastore.kit.postgres import create_engine, statement_counts
from datastore.kit.raw_reads import RawReads, in_array
from datastore.kit.request_id import current_request_id
from datastore.kit.settings import Settings

_USERS = User.__table__.c
# A literal the statement binds itself ('ACTIVE'), beside the caller's list of ids.
_ACTIVE_USERS = select(_USERS.id, _USERS.username, _USERS.profile).where(
    in_array(_USERS.id, "ids"), _USERS.account_state == "ACTIVE"
)


@pytest.fixture(scope="module")
async def people(migrated: Settings) -> AsyncIterator[tuple[RawReads, list[uuid.UUID]]]:
    engine = create_engine(migrated.database_url)
    ids = [uuid.uuid4() for _ in range(3)]
    async with engine.begin() as connection:
        await connection.execute(
            insert(User.__table__),
            [
                {
                    "id": user_id,
                    "email": f"raw{n}-{user_id.hex[:8]}@example.com",
                    "username": f"raw{n}_{user_id.hex[:8]}",
                    "password_hash": "x",
                    "profile": {"n": n, "big": 123456789012345678901234567890, "tags": ["é"]},
                    "account_state": "ACTIVE" if n < 2 else "DEACTIVATED",
                }
                for n, user_id in enumerate(ids)
            ],
        )
    reads = RawReads(engine, size=2, count_statements=True)
    yield reads, ids
    await reads.close()
    await engine.dispose()


async def test_rows_answer_by_attribute_position_and_name_with_json_decoded(people) -> None:
    reads, ids = people
    # when
    [row] = await reads.fetch(_ACTIVE_USERS, {"ids": [ids[1]]})
    # then
    assert row.id == row[0] == row["id"] == ids[1]
    assert row.username.startswith("raw1_")
    assert row.profile == {"n": 1, "big": 123456789012345678901234567890, "tags": ["é"]}
    with pytest.raises(AttributeError):
        _ = row.no_such_column


async def test_one_statement_serves_lists_of_any_length_and_keeps_its_own_literals(
    people,
) -> None:
    reads, ids = people
    # when: one id, then all three (the third is not ACTIVE), then none
    one = await reads.fetch(_ACTIVE_USERS, {"ids": ids[:1]})
    all_three = await reads.fetch(_ACTIVE_USERS, {"ids": ids})
    none = await reads.fetch(_ACTIVE_USERS, {"ids": []})
    # then
    assert [row.id for row in one] == ids[:1]
    assert sorted(row.id for row in all_three) == sorted(ids[:2])
    assert none == []


async def test_statements_are_counted_for_the_request_that_runs_them(people) -> None:
    reads, ids = people
    request_id = uuid.uuid4().hex
    token = current_request_id.set(request_id)
    try:
        # when
        await reads.fetch(_ACTIVE_USERS, {"ids": ids})
        await reads.fetch(select(literal_column("1")), {})
    finally:
        current_request_id.reset(token)
    await reads.fetch(_ACTIVE_USERS, {"ids": ids})  # outside the request: not its own
    # then
    assert statement_counts[request_id] == 2


async def test_a_missing_parameter_is_named(people) -> None:
    reads, _ids = people
    with pytest.raises(KeyError, match="ids"):
        await reads.fetch(_ACTIVE_USERS, {})


async def test_concurrent_reads_of_users_share_one_statement_and_each_gets_its_own(
    people,
) -> None:
    reads, ids = people
    rows = UserRows(reads)
    request_id = uuid.uuid4().hex
    token = current_request_id.set(request_id)
    try:
        # when: ten reads at once, each of one or two of the users
        asked = [ids[n % 3 : n % 3 + 1 + n % 2] for n in range(10)]
        answers = await asyncio.gather(*(rows.by_ids(these) for these in asked))
    finally:
        current_request_id.reset(token)
    # then
    assert [sorted(row.id for row in answer) for answer in answers] == [sorted(a) for a in asked]
    assert statement_counts[request_id] == 1


async def test_a_grouped_read_sees_what_was_written_before_it_was_asked(
    people, migrated: Settings
) -> None:
    reads, ids = people
    rows = UserRows(reads)
    [before] = await rows.by_ids(ids[:1])
    # when
    engine = create_engine(migrated.database_url)
    async with engine.begin() as connection:
        await connection.execute(
            update(User.__table__).where(_USERS.id == ids[0]).values(display_name="Renamed")
        )
    await engine.dispose()
    [after] = await rows.by_ids(ids[:1])
    # then
    assert before.display_name is None
    assert after.display_name == "Renamed"


async def test_a_read_costs_one_statement_with_no_reset_after_it(
    people, migrated: Settings
) -> None:
    reads, _ids = people
    # when
    [row] = await reads.fetch(select(func.pg_backend_pid().label("pid")), {})
    # then: the server's last statement on that connection is the read, not a reset
    engine = create_engine(migrated.database_url)
    async with engine.connect() as connection:
        last = await connection.scalar(
            text("SELECT query FROM pg_stat_activity WHERE pid = :pid"), {"pid": row.pid}
        )
    await engine.dispose()
    assert "pg_backend_pid" in last


async def test_a_parameter_with_a_default_takes_the_callers_value_when_given(people) -> None:
    reads, _ids = people
    statement = select(bindparam("n", value=1).label("n"))
    # when
    [default] = await reads.fetch(statement, {})
    [given] = await reads.fetch(statement, {"n": 41})
    # then
    assert (default.n, given.n) == (1, 41)
