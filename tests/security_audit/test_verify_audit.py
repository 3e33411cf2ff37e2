"""`personalpod verify-audit` passes on an intact chain and names the first bad row."""

from __future__ import annotations

import asyncio
import base64

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from datastore.security_audit.chain import link
from datastore.security_audit.tables import SecurityAuditLogRow
from datastore.security_audit.verify import verify_chain
from tests.security_audit.conftest import ChainDatabase
from tests.support.cli import personalpod


async def verify_audit(chain: ChainDatabase, *args: str, **env: str):
    return await asyncio.to_thread(personalpod, "verify-audit", *args, env={**chain.env, **env})


async def row_ids(chain: ChainDatabase) -> list[int]:
    async with chain.engine.connect() as connection:
        result = await connection.execute(text("SELECT id FROM security_audit_logs ORDER BY id"))
        return list(result.scalars())


async def test_an_intact_chain_verifies_from_its_first_row(chain: ChainDatabase) -> None:
    # given
    await chain.append(5)
    # when
    result = await verify_audit(chain, "--batch-size", "2")
    # then
    assert result.returncode == 0, result.stderr
    assert "security audit log verified: 5 rows" in result.stdout


async def test_an_empty_log_verifies(chain: ChainDatabase) -> None:
    result = await verify_audit(chain)
    assert result.returncode == 0, result.stderr
    assert "verified: 0 rows" in result.stdout


async def test_a_message_updated_in_postgresql_is_found_at_its_row(chain: ChainDatabase) -> None:
    # given
    await chain.append(5)
    ids = await row_ids(chain)
    # when: someone with the database edits the third row
    await chain.tamper(
        "UPDATE security_audit_logs SET message = 'nothing happened' WHERE id = :id", id=ids[2]
    )
    result = await verify_audit(chain, "--batch-size", "2")
    # then
    assert result.returncode == 1
    assert f"BROKEN at row {ids[2]} (ALTERED)" in result.stderr, result.stderr
    assert "2 rows before it verified" in result.stderr


async def test_a_deleted_middle_row_is_found_at_the_row_after_it(chain: ChainDatabase) -> None:
    # given
    await chain.append(5)
    ids = await row_ids(chain)
    # when
    await chain.tamper("DELETE FROM security_audit_logs WHERE id = :id", id=ids[2])
    result = await verify_audit(chain)
    # then
    assert result.returncode == 1
    assert f"BROKEN at row {ids[3]} (BROKEN_LINK)" in result.stderr, result.stderr
    assert "deleted" in result.stderr


async def test_a_deleted_first_row_is_found(chain: ChainDatabase) -> None:
    await chain.append(3)
    ids = await row_ids(chain)
    await chain.tamper("DELETE FROM security_audit_logs WHERE id = :id", id=ids[0])
    result = await verify_audit(chain)
    assert result.returncode == 1
    assert f"BROKEN at row {ids[1]} (BROKEN_LINK)" in result.stderr, result.stderr


async def test_a_row_rehashed_without_the_signing_key_is_found_forged(
    chain: ChainDatabase,
) -> None:
    # given
    await chain.append(5)
    ids = await row_ids(chain)
    # when: the third row is edited and its hash recomputed (no secret needed for that)
    async with chain.engine.connect() as connection:
        row = (
            await connection.execute(
                select(SecurityAuditLogRow.__table__).where(SecurityAuditLogRow.id == ids[2])
            )
        ).one()
    forged = SecurityAuditLogRow(**{**row._asdict(), "message": "nothing happened"})
    await chain.tamper(
        "UPDATE security_audit_logs SET message = :message, row_hash = :hash WHERE id = :id",
        message=forged.message,
        hash=link(forged.chained_values()),
        id=ids[2],
    )
    result = await verify_audit(chain)
    # then: the hash matches its values, the signature does not
    assert result.returncode == 1
    assert f"BROKEN at row {ids[2]} (FORGED)" in result.stderr, result.stderr


async def test_rows_of_a_rotated_signing_key_verify_with_its_verify_key(
    chain: ChainDatabase,
) -> None:
    # given: two rows signed by an old key, then two by the current one
    old_seed = bytes(range(32))
    await chain.append(2, seed=old_seed)
    await chain.append(2)
    old_env = {"AUDIT_SIGNING_KEY": base64.b64encode(old_seed).decode()}
    printed = await asyncio.to_thread(personalpod, "audit-verify-key", env={**chain.env, **old_env})
    old_verify_key = printed.stdout.strip()
    # when
    without = await verify_audit(chain)
    with_old = await verify_audit(chain, AUDIT_VERIFY_KEYS_OLD=old_verify_key)
    # then
    assert without.returncode == 1
    assert "(UNKNOWN_KEY)" in without.stderr and "AUDIT_VERIFY_KEYS_OLD" in without.stderr
    assert with_old.returncode == 0, with_old.stderr
    assert "verified: 4 rows" in with_old.stdout


async def test_concurrent_appends_make_one_line(chain: ChainDatabase) -> None:
    # given: twenty appends at once, each in its own transaction
    log = chain.log(chain.seed)
    await chain.append(1)
    # when
    await asyncio.gather(*(chain.append(1) for _ in range(20)))
    # then: every row follows exactly the one before it
    result = await verify_chain(log.read_db, log.keys)
    assert result.ok, result
    assert result.verified == 21


async def test_the_application_cannot_update_or_delete_rows(chain: ChainDatabase) -> None:
    await chain.append(1)
    for statement in (
        "UPDATE security_audit_logs SET message = 'x'",
        "DELETE FROM security_audit_logs",
    ):
        async with chain.engine.begin() as connection:
            with pytest.raises(DBAPIError, match="append-only"):
                await connection.execute(text(statement))
