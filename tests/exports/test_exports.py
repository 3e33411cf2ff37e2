"""Exports end to end: requestExport -> worker -> READY -> signed download -> every item."""

from __future__ import annotations

import hashlib
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from datastore.exports.repository import ExportRepository
from tests.exports.support import (
    CHAT_FILE,
    EXPORTS,
    REQUEST,
    TEXT_FILE,
    download,
    fill_every_domain,
    items,
    open_archive,
    ready_export,
)
from tests.support.client import Account, GraphQLClient, error_codes
from tests.support.ids import raw_id
from tests.support.pod import create_entry
from tests.support.sharing import ENTRY_SHARES, SHARED_WITH_ME
from tests.support.vault import HIDDEN_ENTRIES, SECRET_TAGS
from tests.support.wait import eventually

POD = """
query($s: [EntryStatus!]) {
  entries(first: 100, filter: {statuses: $s}) { edges { node { id title kind } } }
  categories(first: 100) { edges { node { id name parent { id } } } }
  tags(first: 100) { edges { node { id name slug } } } }
"""
ATTACHMENTS = """
query($id: ID!) { entry(id: $id) { attachments { edges { node { id name sha256 status } } } } }
"""
ACTIVITY = """
query($after: String) { activity(first: 100, after: $after) {
  edges { node { action entityId } } pageInfo { hasNextPage endCursor } } }
"""
JOURNAL = """
query { journalEntries(first: 100) { edges { node { id content mood
  tags { edges { node { id } } } } } }
  journalTags(first: 100) { edges { node { id name } } }
  reminders(first: 100) { edges { node { id title } } } }
"""
MESSAGES = "query($c: ID!) { messages(conversationId: $c, first: 100) { edges { node { id } } } }"
NOTIFICATIONS = "query { notifications(first: 100) { edges { node { id kind data } } } }"
SESSIONS = "query { sessions(first: 100) { edges { node { id } } } }"
CHANGES = """
query($since: String) { changes(since: $since, first: 100) { edges { node { seq entityId } } } }
"""
AUDIT = "query { securityAuditLog(first: 50) { edges { node { type correlationId success } } } }"
ENTRY_ACTIVITY = """
query($e: ID) { activity(first: 50, entryId: $e) { edges { node { action newValues } } } }
"""
NODE = "query($id: ID!) { node(id: $id) { id ... on Export { status } } }"


def ids(edges: list[dict[str, Any]]) -> set[str]:
    return {raw_id(e["node"]["id"]) for e in edges}


async def _activity(client: GraphQLClient, account: Account) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    after = None
    while True:
        page = (await client.data(ACTIVITY, {"after": after}, token=account.token))["activity"]
        found += [(e["node"]["action"], raw_id(e["node"]["entityId"])) for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


async def _files_processed(client: GraphQLClient, account: Account, entry_id: str) -> list:
    """The entry's attachments once the media job is done with them."""

    async def done() -> list[dict[str, Any]] | None:
        data = await client.data(ATTACHMENTS, {"id": entry_id}, token=account.token)
        nodes = [e["node"] for e in data["entry"]["attachments"]["edges"]]
        return nodes if all(n["status"] != "PENDING" for n in nodes) else None

    return await eventually(done, timeout=30, interval=0.2)


async def test_an_export_holds_every_item_the_api_shows(client: GraphQLClient) -> None:
    # given: an account with data in every domain
    me, _friend, made = await fill_every_domain(client)
    attachments = await _files_processed(client, me, made["note"]["id"])

    # when: I export and download the archive through its signed URL
    export = await ready_export(client, me)
    response = await download(client, export["downloadUrl"], me)

    # then: the archive is whole and its manifest describes it
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["cache-control"] == "private, no-store"
    assert len(response.content) == export["sizeBytes"]
    assert hashlib.sha256(response.content).hexdigest() == export["sha256"]
    files = open_archive(response.content)
    manifest = files["manifest.json"]
    assert manifest["format"] == "personalpod.export.manifest"
    assert manifest["archiveId"] == raw_id(export["id"])
    assert manifest["syncPosition"]["seq"] == export["syncSeq"] > 0
    stored = [a["file"] for a in items(files, "pod/attachments.json")] + [
        m["mediaFile"] for m in items(files, "chat/messages.json") if m["mediaFile"]
    ]
    assert manifest["attachmentFiles"] == {
        "count": 3,
        "bytes": sum(len(files[name]) for name in stored),
        "missing": 0,
    }
    for listed in manifest["files"]:
        assert files[listed["file"]]["format"] == listed["format"]
        assert len(files[listed["file"]]["items"]) == listed["items"]
        assert f"## {listed['file']}" in files["README.md"]

    # then: the pod, section by section, as the API shows it
    pod = await client.data(POD, token=me.token)
    trash = await client.data(POD, {"s": ["DELETED"]}, token=me.token)
    entries = {e["id"]: e for e in items(files, "pod/entries.json")}
    assert set(entries) == ids(pod["entries"]["edges"]) | ids(trash["entries"]["edges"])
    assert entries[raw_id(made["trashed"]["id"])]["status"] == "DELETED"
    password = entries[raw_id(made["password"]["id"])]
    assert password["secrets"] == {"password": "correct-horse-9", "totpSeed": "JBSWY3DPEHPK3PXP"}
    assert password["tagIds"] == [raw_id(made["tag"]["id"])]
    assert password["categoryId"] == raw_id(made["categories"][1]["id"])
    sensitive = entries[raw_id(made["sensitive"]["id"])]
    assert sensitive["body"] is None and sensitive["secrets"] == {"body": "only for me"}
    assert entries[raw_id(made["task"]["id"])]["fields"]["done"] is True
    categories = {c["id"]: c for c in items(files, "pod/categories.json")}
    assert set(categories) == ids(pod["categories"]["edges"])
    assert categories[raw_id(made["categories"][1]["id"])]["parentId"] == raw_id(
        made["categories"][0]["id"]
    )
    assert {t["id"] for t in items(files, "pod/tags.json")} == ids(pod["tags"]["edges"])

    exported = {a["id"]: a for a in items(files, "pod/attachments.json")}
    assert set(exported) == {raw_id(a["id"]) for a in attachments}
    for attachment in attachments:
        item = exported[raw_id(attachment["id"])]
        assert item["file"] == f"files/pod/{item['id']}/{attachment['name']}"
        assert hashlib.sha256(files[item["file"]]).hexdigest() == attachment["sha256"]
    assert files[exported[raw_id(made["text"][0]["id"])]["file"]] == TEXT_FILE

    shares = {s["id"]: s for s in items(files, "pod/shares.json")}
    mine = await client.data(ENTRY_SHARES, {"id": made["note"]["id"]}, token=me.token)
    received = await client.data(SHARED_WITH_ME, token=me.token)
    assert set(shares) == ids(mine["entry"]["shares"]["edges"]) | {
        raw_id(e["node"]["share"]["id"]) for e in received["sharedWithMe"]["edges"]
    }
    assert shares[raw_id(made["shared"]["id"])]["direction"] == "MADE"
    assert shares[raw_id(made["received"]["id"])]["direction"] == "RECEIVED"
    assert {link["id"] for link in items(files, "pod/share_links.json")} == ids(
        mine["entry"]["shareLinks"]["edges"]
    )
    logged = [(a, e) for a, e in await _activity(client, me) if a != "EXPORTED"]
    archived = [(a["action"], a["entityId"]) for a in items(files, "pod/activity.json")]
    assert sorted(archived) == sorted(logged)

    # then: the journal, the vault (ciphertext only), chat, notifications, the account
    journal = await client.data(JOURNAL, token=me.token)
    journal_entries = items(files, "journal/entries.json")
    assert {e["id"] for e in journal_entries} == ids(journal["journalEntries"]["edges"])
    assert journal_entries[0]["tagIds"] == [raw_id(made["journal_tag"]["id"])]
    assert {t["id"] for t in items(files, "journal/tags.json")} == ids(
        journal["journalTags"]["edges"]
    )
    assert {r["id"] for r in items(files, "journal/reminders.json")} == ids(
        journal["reminders"]["edges"]
    )
    tags = await client.data(SECRET_TAGS, token=me.token)
    secret_tags = items(files, "vault/secret_tags.json")
    assert {t["id"] for t in secret_tags} == ids(tags["secretTags"]["edges"])
    assert [k["version"] for k in secret_tags[0]["wrappedKeys"]] == [1]
    hidden = await client.data(HIDDEN_ENTRIES, {"tag": made["secret_tag"].id}, token=me.token)
    shown = {
        raw_id(e["node"]["id"]): e["node"]["vaultBlob"]["ciphertext"]
        for e in hidden["journalEntries"]["edges"]
    }
    assert {h["id"]: h["ciphertext"] for h in items(files, "vault/hidden_entries.json")} == shown
    assert raw_id(made["hidden"]["id"]) not in {e["id"] for e in journal_entries}

    conversations = items(files, "chat/conversations.json")
    assert [c["id"] for c in conversations] == [raw_id(made["conversation"])]
    messages = items(files, "chat/messages.json")
    assert [m["body"] for m in messages] == ["hi from me", "hi back", None]
    assert [m["mediaFile"] is not None for m in messages] == [False, False, True]
    assert files[messages[2]["mediaFile"]] == CHAT_FILE
    listed = await client.data(MESSAGES, {"c": made["conversation"]}, token=me.token)
    # A message's global id is its conversation's and its own.
    assert {f"{m['conversationId']}/{m['id']}" for m in messages} == ids(
        listed["messages"]["edges"]
    )

    sessions = await client.data(SESSIONS, token=me.token)
    assert {s["id"] for s in items(files, "accounts/sessions.json")} == ids(
        sessions["sessions"]["edges"]
    )
    profile = items(files, "accounts/profile.json")
    assert [(p["email"], p["username"]) for p in profile] == [(me.email, me.username)]
    notifications = await client.data(NOTIFICATIONS, token=me.token)
    exported_ids = {n["id"] for n in items(files, "notifications/notifications.json")}
    shown_ids = ids(notifications["notifications"]["edges"])
    assert exported_ids and exported_ids <= shown_ids  # the EXPORT one came after the archive
    ready = [e["node"] for e in notifications["notifications"]["edges"]]
    assert any(n["kind"] == "EXPORT" and n["data"]["exportId"] == export["id"] for n in ready)


async def test_the_sync_position_splits_changes_before_and_after_the_archive(
    client: GraphQLClient,
) -> None:
    # given: an entry, then my export
    me = await client.sign_up()
    before = await create_entry(client, me, title="Before")
    export = await ready_export(client, me)

    # when: a change comes after the archive
    after = await create_entry(client, me, title="After")

    # then: the archive's cursor gives exactly the later change, with a higher seq
    async def later_changes() -> list[dict[str, Any]] | None:
        data = await client.data(CHANGES, {"since": export["syncCursor"]}, token=me.token)
        nodes = [e["node"] for e in data["changes"]["edges"]]
        return nodes or None

    changes = await eventually(later_changes, timeout=30, interval=0.2)
    assert [raw_id(c["entityId"]) for c in changes] == [raw_id(after["id"])]
    assert all(c["seq"] > export["syncSeq"] for c in changes)
    files = open_archive((await download(client, export["downloadUrl"], me)).content)
    assert [e["id"] for e in items(files, "pod/entries.json")] == [raw_id(before["id"])]


async def test_only_the_owner_can_list_or_download_an_export(client: GraphQLClient) -> None:
    # given: my READY export
    me, other = await client.sign_up(), await client.sign_up()
    export = await ready_export(client, me)
    url = httpx.URL(export["downloadUrl"])

    # when: another user lists, reads the node, or uses the URL (as is, or re-signed for
    # themselves by hand), and a signed-out caller uses it
    theirs = await client.data(EXPORTS, token=other.token)
    node = await client.data(NODE, {"id": export["id"]}, token=other.token)
    as_other = await download(client, str(url), other)
    forged = await download(client, str(url.copy_set_param("v", other.uuid)), other)
    signed_out = await download(client, str(url), None)

    # then: nothing of it shows, and the URL works only for me, signed in, as issued
    assert theirs["exports"]["edges"] == []
    assert node["node"] is None
    assert as_other.status_code == 404
    assert forged.status_code == 404
    assert signed_out.status_code == 401
    bad_signature = await download(client, str(url.copy_set_param("s", "A" * 22)), me)
    assert bad_signature.status_code == 404
    assert (await download(client, str(url), me)).status_code == 200
    mine = await client.data(NODE, {"id": export["id"]}, token=me.token)
    assert mine["node"] == {"id": export["id"], "status": "READY"}


async def test_expired_urls_and_expired_archives_are_404(
    client: GraphQLClient, server: Any
) -> None:
    # given: my READY export
    me = await client.sign_up()
    export = await ready_export(client, me)
    exports = server.services.exports
    export_id, viewer = uuid.UUID(raw_id(export["id"])), uuid.UUID(me.uuid)

    # when: a URL signed an hour ago (so expired) is used
    old = exports.urls.path(export_id, viewer, now=time.time() - 3600)

    # then: 404
    assert (await download(client, old, me)).status_code == 404

    # when: the archive's time is up and the worker runs
    async with server.services.clients.db() as db, db.begin():
        past = datetime.now(UTC) - timedelta(minutes=1)
        row = await ExportRepository(db).set_values(export_id, expires_at=past)
        key = row.blob_key
    await exports.expire_once()

    # then: EXPIRED (by this pass or the in-process worker's, which may hold the row), the
    # blob gone, and even a fresh URL is 404
    async def expired() -> dict[str, Any] | None:
        node = (await client.data(EXPORTS, token=me.token))["exports"]["edges"][0]["node"]
        return node if node["status"] == "EXPIRED" else None

    assert (await eventually(expired, timeout=10, interval=0.1))["downloadUrl"] is None
    assert not await server.services.clients.blobs.exists(key)
    fresh = exports.urls.path(export_id, viewer)
    assert (await download(client, fresh, me)).status_code == 404


async def test_requests_and_downloads_are_audited_and_entries_show_exported(
    client: GraphQLClient,
) -> None:
    # given: my password entry
    me = await client.sign_up()
    entry = await create_entry(
        client, me, kind="PASSWORD", title="Mail", password={"secret": "hunter2"}
    )

    # when: I export and download
    export = await ready_export(client, me)
    await download(client, export["downloadUrl"], me)

    # then: the security audit log has the request and the download, tied to the archive
    events = (await client.data(AUDIT, token=me.token))["securityAuditLog"]["edges"]
    tied = [
        (e["node"]["type"], e["node"]["success"])
        for e in events
        if e["node"]["correlationId"] == raw_id(export["id"])
    ]
    assert tied == [("EXPORT_DOWNLOADED", True), ("EXPORT_REQUESTED", True)]
    # and the entry's activity says it was exported, with its secret
    activity = await client.data(ENTRY_ACTIVITY, {"e": entry["id"]}, token=me.token)
    exported = [
        e["node"] for e in activity["activity"]["edges"] if e["node"]["action"] == "EXPORTED"
    ]
    assert exported == [
        {
            "action": "EXPORTED",
            "newValues": {"exportId": raw_id(export["id"]), "secrets": ["password"]},
        }
    ]


async def test_request_export_is_rate_limited(client: GraphQLClient, server: Any) -> None:
    # given: I used today's exports
    me = await client.sign_up()
    limit = server.services.clients.settings.export.limit_per_day
    for _ in range(limit):
        await client.data(REQUEST, token=me.token)

    # when: I ask once more
    body = await client.execute(REQUEST, token=me.token)

    # then: RATE_LIMITED, and no export was added
    assert error_codes(body) == ["RATE_LIMITED"]
    listed = await client.data(EXPORTS, token=me.token)
    assert len(listed["exports"]["edges"]) == limit


async def test_another_users_export_cannot_be_requested(client: GraphQLClient) -> None:
    # given: two accounts
    me, other = await client.sign_up(), await client.sign_up()

    # when: I try to name the other account (no such argument exists), or sign out
    named = await client.execute(
        "mutation($u: ID!) { requestExport(userId: $u) { id } }",
        {"u": other.user_id},
        token=me.token,
    )
    anonymous = await client.execute(REQUEST)

    # then: clear errors, and neither account has an export
    assert error_codes(named) == ["BAD_USER_INPUT"]
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]
    assert error_codes(await client.execute(EXPORTS)) == ["UNAUTHENTICATED"]
    for account in (me, other):
        listed = await client.data(EXPORTS, token=account.token)
        assert listed["exports"]["edges"] == []


async def test_my_exports_page_with_cursors(client: GraphQLClient) -> None:
    # given: two requested exports
    me = await client.sign_up()
    first = (await client.data(REQUEST, token=me.token))["requestExport"]
    second = (await client.data(REQUEST, token=me.token))["requestExport"]

    # when: I page one at a time, and with a cursor that is not one of this list
    page = (await client.data(EXPORTS, {"first": 1}, token=me.token))["exports"]
    after = page["pageInfo"]["endCursor"]
    rest = (await client.data(EXPORTS, {"first": 1, "after": after}, token=me.token))["exports"]
    bad = await client.execute(EXPORTS, {"after": "bm90LWEtY3Vyc29y"}, token=me.token)

    # then: newest first, each once; the bad cursor is BAD_USER_INPUT naming `after`
    assert [e["node"]["id"] for e in page["edges"]] == [second["id"]]
    assert page["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["id"] for e in rest["edges"]] == [first["id"]]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert error_codes(bad) == ["BAD_USER_INPUT"]
    assert bad["errors"][0]["extensions"]["field"] == "after"


async def test_listing_exports_costs_the_same_statements_for_one_or_many(
    client: GraphQLClient,
) -> None:
    # given: one account with one export, another with three
    one, three = await client.sign_up(), await client.sign_up()
    await client.data(REQUEST, token=one.token)
    for _ in range(3):
        await client.data(REQUEST, token=three.token)

    # when / then: a page of them (with their nodes' fields) is one query however long
    few = await client.count_statements(EXPORTS, token=one.token)
    many = await client.count_statements(EXPORTS, token=three.token)
    assert few == many
