"""The whole secret-tag story with the Node reference client (serenity-kit OPAQUE, AES-KW,
AES-256-GCM) over real HTTP: register, write hidden entries, see them nowhere else, unlock
and read them, be rate limited on wrong phrases, change the phrase, rotate the data key,
then crypto-shred; and a dump of every table holds no phrase, key or plaintext, while
each step is in the owner's signed security log."""

from __future__ import annotations

import asyncio
import base64
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from tests.support.cli import personalpod
from tests.support.client import GraphQLClient, error_codes
from tests.support.ids import raw_id
from tests.support.journal import create_entry
from tests.support.search import SEARCH, wait_until_embedded
from tests.support.security_log import events
from tests.support.vault import vault_client

PHRASE = "the owl flies at midnight"
NEW_PHRASE = "salt on the lighthouse stairs"
PLAINTEXTS = [
    "quokkazanzibar first secret about the lake",
    "quokkazanzibar second secret about my brother",
    "quokkazanzibar third secret about the letter",
]
ORDINARY = """
{ journalEntries(first: 100) { edges { node { id content } } } }
"""
CHANGES = "{ changes(first: 100) { edges { node { entityId } } } }"
ACTIVITIES = "{ activities(first: 100) { edges { node { kind details } } } }"
NOTIFICATIONS = "{ notifications(first: 100) { edges { node { title body } } } }"
INSIGHTS = """
query($from: Date!, $to: Date!) {
  moodTrend(from: $from, to: $to, bucket: DAY) { edges { node { start average count } } }
  writingStreaks { current longest }
}
"""
NODE = "query($id: ID!) { node(id: $id) { id } }"


@pytest.fixture
def quick_unlock_limits(server: Any) -> Iterator[Any]:
    """Three wrong phrases per tag in a 6-second window, so the test can wait it out."""
    vault = server.services.clients.settings.vault
    saved = (vault.unlock_limit_per_tag, vault.unlock_window_seconds)
    vault.unlock_limit_per_tag, vault.unlock_window_seconds = 3, 6
    yield vault
    vault.unlock_limit_per_tag, vault.unlock_window_seconds = saved


def _address() -> str:
    return f"2001:db8:1::{secrets.token_hex(2)}"


async def _dump(server: Any) -> str:
    """Every row of every table as text, as a database dump would show it."""
    async with server.services.clients.db() as session:
        tables = await session.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        )
        rows = []
        for (table,) in tables:
            # Table names come from the catalog, not from input.
            found = await session.execute(text(f'SELECT t::text FROM "{table}" t'))  # noqa: S608
            rows += [row for (row,) in found]
    return "\n".join(rows)


def _forms(secret: bytes) -> list[str]:
    """A key as it could appear in the clear: hex, base64, URL-safe base64."""
    return [
        secret.hex(),
        base64.b64encode(secret).decode().rstrip("="),
        base64.urlsafe_b64encode(secret).decode().rstrip("="),
    ]


_COUNTS = {
    table: text(f"SELECT count(*) FROM {table} WHERE tag_id::text = :t")  # noqa: S608
    for table in ("vault_keys", "vault_entries", "vault_sessions", "opaque_sessions")
}


async def _count(server: Any, table: str, tag_uuid: str) -> int:
    async with server.services.clients.db() as session:
        return (await session.execute(_COUNTS[table], {"t": tag_uuid})).scalar_one()


async def test_secret_tag_lifecycle_with_the_reference_client(
    client: GraphQLClient,
    server: Any,
    fast_workers: Any,
    quick_unlock_limits: Any,
    service_env: dict[str, str],
) -> None:
    # given: an account with one ordinary entry, embedded
    account = await client.sign_up()
    ordinary = await create_entry(
        client, account.token, title="Walk", content="A quokkazanzibar walk by the lake", mood=7
    )
    await wait_until_embedded(server, [ordinary["id"]])
    today = ordinary["entryDate"]
    insights_before = await client.data(INSIGHTS, {"from": today, "to": today}, token=account.token)
    held: dict[str, set[str]] = {"exportKeys": set(), "keks": set(), "dataKeys": set()}

    def remember(answer: dict[str, Any]) -> dict[str, Any]:
        for name, values in answer["secrets"].items():
            held[name].update(values)
        return answer

    # when: the reference client registers a tag and writes three hidden entries
    async with vault_client(server.url, account, _address()) as app:
        registered = remember(await app.send("register", phrase=PHRASE, name="Night"))
        written = remember(await app.send("write", texts=PLAINTEXTS))
    tag_id, hidden_ids = registered["tagId"], written["ids"]
    assert len(hidden_ids) == 3

    # then: they are on no other read path
    listed = await client.data(ORDINARY, token=account.token)
    assert [e["node"]["id"] for e in listed["journalEntries"]["edges"]] == [ordinary["id"]]
    for mode in ("FULL_TEXT", "SEMANTIC", "HYBRID"):
        found = await client.data(
            SEARCH, {"q": "quokkazanzibar secret", "mode": mode}, token=account.token
        )
        ids = [e["node"].get("entry", {}).get("id") for e in found["search"]["edges"]]
        assert not set(ids) & set(hidden_ids), mode
    insights_after = await client.data(INSIGHTS, {"from": today, "to": today}, token=account.token)
    assert insights_after == insights_before
    changes = await client.data(CHANGES, token=account.token)
    assert not {e["node"]["entityId"] for e in changes["changes"]["edges"]} & set(hidden_ids)
    for query in (ACTIVITIES, NOTIFICATIONS):
        assert "quokkazanzibar secret" not in str(await client.data(query, token=account.token))
    for hidden in hidden_ids:
        assert (await client.data(NODE, {"id": hidden}, token=account.token))["node"] is None
    async with server.services.clients.db() as session:
        vectors = await session.execute(
            text("SELECT count(*) FROM embeddings WHERE entry_id::text = ANY(:ids)"),
            {"ids": [raw_id(i) for i in hidden_ids]},
        )
        assert vectors.scalar_one() == 0
        jobs = await session.execute(
            text("SELECT count(*) FROM ai_jobs WHERE target_id::text = ANY(:ids)"),
            {"ids": [raw_id(i) for i in hidden_ids]},
        )
        assert jobs.scalar_one() == 0

    # and: another device unlocks by speaking the phrase and reads them back
    async with vault_client(server.url, account, _address()) as phone:
        unlocked = remember(await phone.send("unlock", phrase=PHRASE, byLookup=True))
        assert unlocked["ok"] and unlocked["tagId"] == tag_id
        assert remember(await phone.send("read"))["texts"] == sorted(PLAINTEXTS)

    # and: wrong phrases fail in the client, then the tag is RATE_LIMITED, the account not
    async with vault_client(server.url, account, _address()) as thief:
        await thief.send("unlock", phrase=PHRASE, byLookup=True)  # learns the tag id
        for _ in range(3):
            assert (await thief.send("unlock", phrase="wrong guess"))["wrongPhrase"] is True
        limited = await thief.send("unlock", phrase="another guess")
        assert limited["error"] == "RATE_LIMITED"
    me = await client.execute("{ me { id } }", token=account.token)
    assert me["data"]["me"]["id"] == account.user_id
    await asyncio.sleep(quick_unlock_limits.unlock_window_seconds + 0.5)

    # and: the phrase changes; only the new one unlocks, the blobs are untouched
    async with vault_client(server.url, account, _address()) as app:
        remember(await app.send("unlock", phrase=PHRASE, byLookup=True))
        remember(await app.send("changePhrase", phrase=NEW_PHRASE))
    async with vault_client(server.url, account, _address()) as app:
        old = await app.send("unlock", phrase=PHRASE, byLookup=True)
        assert old["error"] == "NOT_FOUND"  # its lookup hash is gone
        await app.send("unlock", phrase=NEW_PHRASE, byLookup=True)
        assert (await app.send("unlock", phrase=PHRASE))["wrongPhrase"] is True
    async with vault_client(server.url, account, _address()) as app:
        assert remember(await app.send("unlock", phrase=NEW_PHRASE, byLookup=True))["ok"]
        assert (await app.send("read"))["texts"] == sorted(PLAINTEXTS)
        # and: the data key rotates in batches, stopped after one and resumed
        stopped = remember(await app.send("rotateKey", batch=2, stopAfter=1))
        assert stopped == {**stopped, "keyVersion": 2, "replaced": 2, "complete": False}
        assert await _count(server, "vault_keys", raw_id(tag_id)) == 2
        resumed = remember(await app.send("reencrypt", batch=2))
        assert resumed["complete"] is True and resumed["replaced"] == 1
        assert await _count(server, "vault_keys", raw_id(tag_id)) == 1
        assert (await app.send("read"))["texts"] == sorted(PLAINTEXTS)

    # then: a dump of every table holds no phrase, no key in the clear, no plaintext
    dump = await _dump(server)
    assert tag_id and raw_id(tag_id) in dump  # the dump does include the vault's rows
    for phrase in (PHRASE, NEW_PHRASE):
        assert phrase not in dump and phrase.encode().hex() not in dump
    for plaintext in PLAINTEXTS:
        assert plaintext not in dump and plaintext.encode().hex() not in dump
    keys = [base64.urlsafe_b64decode(k + "=" * (-len(k) % 4)) for k in held["exportKeys"]]
    keys += [base64.b64decode(k) for k in held["keks"] | held["dataKeys"]]
    assert len(keys) >= 6
    for key in keys:
        for form in _forms(key):
            assert form not in dump

    # when: the tag is deleted
    async with vault_client(server.url, account, _address()) as app:
        await app.send("unlock", phrase=NEW_PHRASE, byLookup=True)
        shredded = await app.send("deleteTag")
    # then: no key, no blob, no session of it is left
    assert (shredded["keysDeleted"], shredded["entriesDeleted"]) == (1, 3)
    for table in ("vault_keys", "vault_entries", "vault_sessions", "opaque_sessions"):
        assert await _count(server, table, raw_id(tag_id)) == 0
    async with server.services.clients.db() as session:
        tags = await session.execute(
            text("SELECT count(*) FROM secret_tags WHERE id::text = :t"), {"t": raw_id(tag_id)}
        )
        assert tags.scalar_one() == 0
    gone = await client.execute(
        "query($t: ID!) { journalEntries(secretTag: $t) { edges { node { id } } } }",
        {"t": tag_id},
        token=account.token,
    )
    assert error_codes(gone) == ["NOT_FOUND"]

    # and: every step is in my signed security log, and the chain verifies
    steps = [
        (e["type"], e["errorCode"])
        for e in reversed(await events(client, account, first=100))
        if e["category"] in {"SECRET_TAG", "VAULT"}
    ]
    opened = [("SECRET_TAG_UNLOCKED", None), ("VAULT_OPENED", None)]
    assert steps == [
        ("SECRET_TAG_REGISTERED", None),
        ("VAULT_OPENED", None),
        *opened,  # the phone
        *opened,  # the thief, who then guesses until limited
        ("SECRET_TAG_UNLOCK_FAILED", "RATE_LIMITED"),
        *opened,
        ("SECRET_TAG_ROTATED", None),  # the phrase
        ("SECRET_TAG_UNLOCK_FAILED", "UNKNOWN_TAG"),  # the old phrase's lookup
        *opened,
        *opened,
        ("SECRET_TAG_ROTATED", None),  # the data key
        *opened,
        ("SECRET_TAG_DELETED", None),
    ]
    verified = await asyncio.to_thread(personalpod, "verify-audit", env=service_env)
    assert verified.returncode == 0, verified.stderr
