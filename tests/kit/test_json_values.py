"""JSONB values come back from PostgreSQL exactly as stored, on the fast decoder too."""

from __future__ import annotations

from sqlalchemy import text


async def test_jsonb_values_read_back_exactly(server) -> None:
    # given: values the fast decoder reads alike and one it would read as a float
    stored = '{"fields": {"url": "https://é.example", "n": 12, "x": [1.5, null, true]}, ' + (
        '"big": 123456789012345678901234567890}'
    )
    # when
    async with server.services.clients.read_db() as db:
        value = (await db.execute(text("SELECT CAST(:v AS jsonb)"), {"v": stored})).scalar_one()
    # then
    assert value["fields"] == {"url": "https://é.example", "n": 12, "x": [1.5, None, True]}
    assert value["big"] == 123456789012345678901234567890
    assert isinstance(value["big"], int)
