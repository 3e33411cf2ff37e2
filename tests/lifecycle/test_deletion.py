"""deleteAccount: signed out and hidden at once, restorable during the grace period, then
purged from every store (verified to zero) while friends keep their data and a coherent
history with my group messages as tombstones."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from datastore.lifecycle.service import AccountPurger
from tests.support.client import GraphQLClient, error_codes
from tests.support.files import stored_files
from tests.support.lifecycle import (
    DELETE,
    FRIENDS,
    ME,
    RESTORE,
    SEARCH,
    SIGN_IN,
    end_grace_period,
    fill_every_domain,
    rows_mentioning,
)
from tests.support.pod import create_entry
from tests.support.sharing import ACTIVITY
from tests.support.wait import eventually

CONVERSATIONS = "query { conversations { edges { node { id kind } } } }"
MY_GROUPS = "query { myGroups { edges { node { id myRole memberCount } } } }"
HISTORY = """
query($c: ID!) { messages(conversationId: $c, first: 50) { edges { node {
  body deleted clientId kind media { fileName }
  sender { username displayName accountState }
  reactions { edges { node { reaction count } } } } } } }
"""
ENTRIES = "query { entries { edges { node { title } } } }"
JOURNAL = "query { journalEntries { edges { node { title } } } }"
NOTIFICATIONS = """
query { unreadNotificationCount
  notifications(first: 100, unreadOnly: true) { edges { node { kind } } } }
"""
STORES = ("postgres", "dynamodb", "redis", "blobs")


async def security_rows(server: Any, user_id: str) -> list[str]:
    hashed = server.services.security_audit.user_hash(uuid.UUID(user_id))
    async with server.services.clients.db() as db:
        rows = await db.execute(
            text("SELECT event_type FROM security_audit_logs WHERE user_hash = :h ORDER BY id"),
            {"h": hashed},
        )
        return list(rows.scalars())


async def test_a_deleted_account_is_purged_from_every_store_and_friends_keep_theirs(
    client: GraphQLClient, server: Any, fast_workers: Any, purge_job: AccountPurger
) -> None:
    # given: my data in every domain and store, and a friend
    me, friend = await client.sign_up(), await client.sign_up()
    made = await fill_every_domain(client, server, me, friend)
    user_id = uuid.UUID(me.uuid)
    before = await purge_job.verify(user_id)
    notes_before = await client.data(NOTIFICATIONS, token=friend.token)
    blob_keys = await purge_job.postgres.blob_keys(user_id)
    # when: a wrong password first, then the deletion
    wrong = await client.execute(DELETE, {"p": "not my password"}, token=me.token)
    still = await client.data(ME, token=me.token)
    deleted = await client.data(DELETE, {"p": me.password}, token=me.token)
    after_token = await client.execute(ME, token=me.token)
    refused = await client.execute(SIGN_IN, {"l": me.username, "p": me.password})
    searched = await client.data(SEARCH, {"q": me.username}, token=friend.token)
    friends_view = await client.data(FRIENDS, token=friend.token)
    await end_grace_period(server, me)
    report = await purge_job.run_once(user_id)
    restored = await client.execute(RESTORE, {"l": me.email, "p": me.password})
    # then: the verification saw my data in every store before, and sees none after
    assert report is not None and report.user_id == user_id
    left = report.left
    assert before.postgres["users"] == 1 and sum(before.postgres.values()) > 30
    for column in (
        "entry_shares.person_id",
        "entry_shares.owner_id",
        "share_links.owner_id",
        "attachments.user_id",
        "uploads.user_id",
        "chat_media.user_id",
        "secret_tags.user_id",
        "vault_entries.user_id",
        "vault_sessions.user_id",
        "opaque_sessions.user_id",
        "embeddings.user_id",
        "activity_logs.actor_id",
    ):
        assert before.postgres[column] > 0, column
    for table in (
        "sessions",
        "sync_log",
        "notifications",
        "assistant_sessions",
        "chat_messages",
        "chat_inbox",
        "chat_stats",
        "chat_fanout",
    ):
        assert before.dynamodb[table] > 0, table
    assert before.redis > 0
    # the photo, its stripped copy's thumbnail, and the chat photo's: at least four blobs
    assert before.blobs["store"] >= 4 and len(blob_keys) >= 4
    assert left.nonzero() == {} and left.total == 0
    assert left.per_store() == dict.fromkeys(STORES, 0)
    assert set(left.dynamodb) >= {"sessions", "chat_messages", "sync_log", "notifications"}
    assert {"entries.user_id", "embeddings.user_id", "outbox.user_id"} <= set(left.postgres)
    assert blob_keys <= report.blob_keys
    assert not blob_keys & stored_files(Path(server.services.clients.settings.blob_dir))
    assert await rows_mentioning(server, me.uuid) == {}
    # bad input changed nothing; the deletion signed me out and hid me at once
    assert error_codes(wrong) == ["BAD_USER_INPUT"]
    assert wrong["errors"][0]["extensions"]["field"] == "password"
    assert still["me"]["accountState"] == "ACTIVE"
    grace = datetime.fromisoformat(deleted["deleteAccount"]["deleteAfter"]) - datetime.now(UTC)
    assert timedelta(days=13, hours=23) < grace <= timedelta(days=14)
    assert error_codes(after_token) == ["UNAUTHENTICATED"]
    assert error_codes(refused) == ["FORBIDDEN"]
    assert refused["errors"][0]["extensions"]["accountState"] == "PENDING_DELETION"
    assert "restoreAccount" in refused["errors"][0]["message"]
    assert searched["people"]["edges"] == []
    assert friends_view["friends"]["edges"] == [
        {"node": {"username": me.username, "accountState": "DELETED"}}
    ]
    assert error_codes(restored) == ["UNAUTHENTICATED"]  # nothing left to restore
    # the security log keeps its rows (keyed hashes only) and ends with ACCOUNT_DELETED
    logged = await security_rows(server, me.uuid)
    assert logged[-1] == "ACCOUNT_DELETED"
    assert {"SIGN_IN", "ACCOUNT_DELETION_REQUESTED", "SIGN_IN_FAILED"} <= set(logged)
    await _friend_keeps_theirs(client, friend, me.username, made)
    # notifications about me went, and the unread count still matches what is listed
    notes = await client.data(NOTIFICATIONS, token=friend.token)
    assert notes_before["unreadNotificationCount"] > 0
    assert notes["unreadNotificationCount"] == len(notes["notifications"]["edges"])
    assert notes["unreadNotificationCount"] < notes_before["unreadNotificationCount"]


async def _friend_keeps_theirs(
    client: GraphQLClient, friend: Any, my_username: str, made: Any
) -> None:
    # my group messages are tombstones, the friend's are intact without my reaction
    history = await client.data(HISTORY, {"c": made.group}, token=friend.token)
    nodes = [e["node"] for e in history["messages"]["edges"]]
    mine = [n for n in nodes if n["sender"]["accountState"] == "DELETED"]
    theirs = [n for n in nodes if n["body"] == "their own words"]
    assert len(mine) == 2  # the text and the photo
    for tombstone in mine:
        assert tombstone["body"] is None and tombstone["deleted"] is True
        assert tombstone["media"] is None and tombstone["kind"] in ("TEXT", "IMAGE")
        assert tombstone["sender"] == {
            "username": "deleted-account",
            "displayName": "Deleted account",
            "accountState": "DELETED",
        }
    # the friend's reaction to my message is theirs: it stays on the tombstone
    assert [t["reactions"]["edges"] for t in mine if t["reactions"]["edges"]] == [
        [{"node": {"reaction": "LIKE", "count": 1}}]
    ]
    assert len(theirs) == 1 and theirs[0]["reactions"]["edges"] == []  # my LOVE is gone
    entries = (await client.data(ENTRIES, token=friend.token))["entries"]["edges"]
    assert sorted(e["node"]["title"] for e in entries) == [
        "Friend's note",
        "Friend's shared list, edited by me",
    ]
    assert (await client.data(JOURNAL, token=friend.token))["journalEntries"]["edges"] == [
        {"node": {"title": "Theirs"}}
    ]
    # the friend's history of their shared entry names a deleted account, not me
    activity = await client.data(ACTIVITY, {"e": made.friends_entry}, token=friend.token)
    by = [e["node"]["by"] for e in activity["activity"]["edges"] if e["node"]["by"]]
    assert by and all(b == {"username": "deleted-account"} for b in by)
    assert my_username not in str(activity)
    # the direct conversation went with me; the group I owned is the friend's now
    kinds = await client.data(CONVERSATIONS, token=friend.token)
    assert made.pair not in [e["node"]["id"] for e in kinds["conversations"]["edges"]]
    groups = (await client.data(MY_GROUPS, token=friend.token))["myGroups"]["edges"]
    owned = [e["node"] for e in groups if e["node"]["id"] == made.my_group]
    assert owned == [{"id": made.my_group, "myRole": "OWNER", "memberCount": 1}]
    assert (await client.data(FRIENDS, token=friend.token))["friends"]["edges"] == []


async def test_restore_within_the_grace_period_brings_everything_back(
    client: GraphQLClient, server: Any, purge_job: AccountPurger
) -> None:
    # given: a deleted account with an entry
    me, friend = await client.sign_up(), await client.sign_up()
    await create_entry(client, me, title="Keep me")
    await client.data(DELETE, {"p": me.password}, token=me.token)
    # when
    wrong = await client.execute(RESTORE, {"l": me.email, "p": "not my password"})
    restored = await client.data(RESTORE, {"l": me.email, "p": me.password})
    token = restored["restoreAccount"]["token"]
    # then
    assert error_codes(wrong) == ["UNAUTHENTICATED"]
    assert restored["restoreAccount"]["user"]["accountState"] == "ACTIVE"
    assert (await client.data(ENTRIES, token=token))["entries"]["edges"] == [
        {"node": {"title": "Keep me"}}
    ]
    found = await client.data(SEARCH, {"q": me.username}, token=friend.token)
    assert found["people"]["edges"] == [{"node": {"username": me.username}}]
    assert (await client.data(ME, token=token))["me"]["lastLoginAt"] is not None
    assert await purge_job.run_once(uuid.UUID(me.uuid)) is None  # nothing is due
    logged = await security_rows(server, me.uuid)
    assert logged[-4:] == [
        "ACCOUNT_DELETION_REQUESTED",
        "SIGN_IN_FAILED",  # the wrong password
        "ACCOUNT_RESTORED",
        "SIGN_IN",
    ]


async def test_restore_after_the_grace_period_is_refused(
    client: GraphQLClient, server: Any, purge_job: AccountPurger
) -> None:
    # given: a deletion whose grace period ended, not purged yet
    me = await client.sign_up()
    await client.data(DELETE, {"p": me.password}, token=me.token)
    await end_grace_period(server, me)
    # when
    late = await client.execute(RESTORE, {"l": me.email, "p": me.password})
    # then
    assert error_codes(late) == ["FORBIDDEN"]
    assert late["errors"][0]["message"] == "This account has been deleted."


async def test_a_wrong_password_changes_nothing_and_is_logged(
    client: GraphQLClient, server
) -> None:
    # given
    me = await client.sign_up()
    await create_entry(client, me, title="Still here")
    # when
    wrong = await client.execute(DELETE, {"p": "not my password"}, token=me.token)
    # then
    assert error_codes(wrong) == ["BAD_USER_INPUT"]
    assert wrong["errors"][0]["message"] == "The password is wrong."
    assert (await client.data(ME, token=me.token))["me"]["accountState"] == "ACTIVE"
    assert (await client.data(ENTRIES, token=me.token))["entries"]["edges"] == [
        {"node": {"title": "Still here"}}
    ]
    async with server.services.clients.db() as db:
        row = await db.execute(
            text("SELECT account_state, delete_after FROM users WHERE id = :u"), {"u": me.uuid}
        )
        assert tuple(row.one()) == ("ACTIVE", None)
    assert (await security_rows(server, me.uuid))[-1] == "ACCOUNT_DELETION_REQUESTED"
    async with server.services.clients.db() as db:
        failed = await db.execute(
            text(
                "SELECT success, error_code FROM security_audit_logs WHERE user_hash = :h "
                "ORDER BY id DESC LIMIT 1"
            ),
            {"h": server.services.security_audit.user_hash(uuid.UUID(me.uuid))},
        )
        assert tuple(failed.one()) == (False, "WRONG_PASSWORD")


async def test_wrong_deletion_passwords_are_rate_limited(client: GraphQLClient) -> None:
    # given
    me = await client.sign_up()
    # when
    codes = [
        error_codes(await client.execute(DELETE, {"p": f"guess {i}"}, token=me.token))
        for i in range(6)
    ]
    # then: five wrong guesses, then no more checks; the account is untouched
    assert codes[:5] == [["BAD_USER_INPUT"]] * 5
    assert codes[5] == ["RATE_LIMITED"]
    assert (await client.data(ME, token=me.token))["me"]["accountState"] == "ACTIVE"


async def test_the_purge_job_runs_by_itself_once_the_grace_period_ends(
    client: GraphQLClient, server: Any, fast_purge: AccountPurger
) -> None:
    # given: the in-process worker, polling quickly
    me = await client.sign_up()
    await create_entry(client, me, title="Gone soon")
    await client.data(DELETE, {"p": me.password}, token=me.token)
    # when
    await end_grace_period(server, me)

    async def gone() -> bool:
        async with server.services.clients.db() as db:
            found = await db.execute(text("SELECT 1 FROM users WHERE id = :u"), {"u": me.uuid})
            return found.first() is None

    await eventually(gone, timeout=60)
    # then
    assert (await fast_purge.verify(uuid.UUID(me.uuid), set())).total == 0
    assert (await security_rows(server, me.uuid))[-1] == "ACCOUNT_DELETED"
