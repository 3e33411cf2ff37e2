"""Importing an archive into another account: the round trip (export, import, export again:
the same content but for ids), idempotence, and bad archives that change nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.exports.support import (
    IMPORT,
    exported_archive,
    fill_every_domain,
    import_archive,
    items,
    open_archive,
    rezip,
)
from tests.support.client import Account, GraphQLClient, error_codes
from tests.support.files import add_attachment, files_holding, png_bytes
from tests.support.vault import SECRET_TAGS
from tests.support.wait import eventually

COUNTS = """
query { entries(first: 100, filter: {statuses: [ACTIVE, DRAFT, ARCHIVED, DELETED]}) {
  edges { node { id title ... on Password { secret { password totpSeed } } } } }
  categories(first: 100) { edges { node { id } } } tags(first: 100) { edges { node { id } } }
  journalEntries(first: 100) { edges { node { id } } }
  journalTags(first: 100) { edges { node { id } } }
  reminders(first: 100) { edges { node { id } } } }
"""
ATTACHMENTS = """
query($id: ID!) { entry(id: $id) { attachments { edges { node { status } } } } }
"""
AUDIT = "query { securityAuditLog(first: 20) { edges { node { type message } } } }"
POD_SECTIONS = ("pod/categories.json", "pod/tags.json", "pod/entries.json", "pod/attachments.json")
JOURNAL_SECTIONS = ("journal/tags.json", "journal/entries.json", "journal/reminders.json")


def _content(files: dict[str, Any]) -> dict[str, Any]:
    """What the pod and journal of an archive hold, with every id replaced by what it names
    (a category by its name, an entry by its title, ...): equal for equal content."""
    categories = {c["id"]: c for c in items(files, "pod/categories.json")}
    tags = {t["id"]: t["slug"] for t in items(files, "pod/tags.json")}
    entries = {e["id"]: e["title"] for e in items(files, "pod/entries.json")}
    journal_tags = {t["id"]: t["name"] for t in items(files, "journal/tags.json")}
    skip = {"id", "version", "createdAt", "updatedAt"}

    def plain(item: dict[str, Any], *also: str) -> dict[str, Any]:
        return {k: v for k, v in item.items() if k not in skip and k not in also}

    return {
        "categories": sorted(
            (
                {
                    **plain(c, "parentId"),
                    "parent": categories[c["parentId"]]["name"] if c["parentId"] else None,
                }
                for c in categories.values()
            ),
            key=lambda c: c["name"],
        ),
        "tags": sorted((plain(t) for t in items(files, "pod/tags.json")), key=lambda t: t["slug"]),
        "entries": sorted(
            (
                {
                    **plain(e, "categoryId", "tagIds"),
                    "category": categories[e["categoryId"]]["name"],
                    "tags": sorted(tags[t] for t in e["tagIds"]),
                }
                for e in items(files, "pod/entries.json")
            ),
            key=lambda e: e["title"],
        ),
        "attachments": sorted(
            (
                {
                    **plain(a, "entryId", "file"),
                    "entry": entries[a["entryId"]],
                    "bytes": hashlib.sha256(files[a["file"]]).hexdigest(),
                }
                for a in items(files, "pod/attachments.json")
            ),
            key=lambda a: a["name"],
        ),
        "journalTags": sorted(
            (plain(t) for t in items(files, "journal/tags.json")), key=lambda t: t["name"]
        ),
        "journalEntries": sorted(
            (
                {**plain(e, "tagIds"), "tags": sorted(journal_tags[t] for t in e["tagIds"])}
                for e in items(files, "journal/entries.json")
            ),
            key=lambda e: e["content"],
        ),
        "reminders": sorted(
            (plain(r) for r in items(files, "journal/reminders.json")), key=lambda r: r["title"]
        ),
    }


async def _files_settled(client: GraphQLClient, account: Account) -> None:
    """Wait until the media job is done with every attachment of the account."""
    entries = (await client.data(COUNTS, token=account.token))["entries"]["edges"]

    async def settled() -> bool:
        for edge in entries:
            data = await client.data(ATTACHMENTS, {"id": edge["node"]["id"]}, token=account.token)
            states = [e["node"]["status"] for e in data["entry"]["attachments"]["edges"]]
            if "PENDING" in states:
                return False
        return True

    await eventually(settled, timeout=30, interval=0.2)


def _counts(data: dict[str, Any]) -> dict[str, int]:
    return {name: len(value["edges"]) for name, value in data.items()}


def _with_items(content: bytes, file: str, change: Any) -> bytes:
    """The archive with one section's items changed and its checksum in the manifest fixed,
    so only the change itself is wrong."""
    files = open_archive(content)
    document = files[file]
    document["items"] = change(document["items"])
    data = orjson.dumps(document)
    manifest = files["manifest.json"]
    for listed in manifest["files"]:
        if listed["file"] == file:
            listed["sha256"] = hashlib.sha256(data).hexdigest()
    return rezip(content, {file: data, "manifest.json": orjson.dumps(manifest)})


async def test_an_archive_imported_into_a_new_account_exports_the_same(
    client: GraphQLClient,
) -> None:
    # given: an account with data in every domain, and its archive
    me, _friend, _made = await fill_every_domain(client)
    await _files_settled(client, me)
    archive = await exported_archive(client, me)

    # when: a new account imports it
    fresh = await client.sign_up()
    body = await import_archive(client, fresh, archive)

    # then: a report of what was created
    assert "errors" not in body, body
    report = body["data"]["importArchive"]
    assert report["archiveId"] == open_archive(archive)["manifest.json"]["archiveId"]
    created = {k["kind"]: (k["created"], k["skipped"]) for k in report["kinds"]}
    assert created == {
        "pod.categories": (2, 1),  # my Inbox is the new account's Inbox
        "pod.tags": (1, 0),
        "pod.entries": (5, 0),
        "pod.attachments": (2, 0),
        "journal.tags": (1, 0),
        "journal.entries": (1, 0),
        "journal.reminders": (1, 0),
    }
    assert report["created"] == 13
    shown = await client.data(COUNTS, token=fresh.token)
    bank = next(e["node"] for e in shown["entries"]["edges"] if e["node"]["title"] == "Bank")
    assert bank["secret"] == {"password": "correct-horse-9", "totpSeed": "JBSWY3DPEHPK3PXP"}

    # when: the new account is exported in turn
    await _files_settled(client, fresh)
    again = open_archive(await exported_archive(client, fresh))

    # then: its pod and journal hold the same content, but for ids
    first = open_archive(archive)
    assert _content(again) == _content(first)
    # and the parts an import leaves out are not brought in
    assert items(again, "vault/hidden_entries.json") == []
    assert items(again, "chat/messages.json") == []
    assert (await client.data(SECRET_TAGS, token=fresh.token))["secretTags"]["edges"] == []
    events = (await client.data(AUDIT, token=fresh.token))["securityAuditLog"]["edges"]
    assert {"type": "EXPORT_IMPORTED", "message": "Archive imported: 13 objects created."} in [
        e["node"] for e in events
    ]


async def test_importing_the_same_archive_again_creates_nothing(client: GraphQLClient) -> None:
    # given: an archive imported once into a new account
    me, _friend, _made = await fill_every_domain(client)
    await _files_settled(client, me)
    archive = await exported_archive(client, me)
    fresh = await client.sign_up()
    assert "errors" not in await import_archive(client, fresh, archive)
    before = _counts(await client.data(COUNTS, token=fresh.token))

    # when: it is imported again
    body = await import_archive(client, fresh, archive)

    # then: nothing new, every object reported as skipped
    assert body["data"]["importArchive"]["created"] == 0
    assert all(
        k["created"] == 0 and k["skipped"] > 0 for k in body["data"]["importArchive"]["kinds"]
    )
    assert _counts(await client.data(COUNTS, token=fresh.token)) == before


def _secret_in_fields(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**e, "fields": {**e["fields"], "password": "plaintext!"}} for e in entries]


def _bad_mood(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**e, "mood": 99} for e in entries]


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        ("not-a-zip", "not a zip archive"),
        ("checksum", "does not match its checksum in the manifest"),
        ("secret-in-fields", "pod/entries.json item 1, `fields`: NOTE entries have no fields"),
        ("bad-mood", "journal/entries.json item 1, `mood`"),
        ("file-bytes", "does not match its checksum"),
    ],
)
async def test_a_bad_archive_gets_a_clear_error_and_changes_nothing(
    client: GraphQLClient, server: Any, spoil: str, message: str
) -> None:
    # given: a good archive with a file, spoilt one way
    me = await client.sign_up()
    entry = (
        await client.data(
            "mutation($i: CreateEntryInput!) { createEntry(input: $i) { id } }",
            {"i": {"kind": "NOTE", "title": "A note"}},
            token=me.token,
        )
    )["createEntry"]
    image = png_bytes(color="blue")
    await add_attachment(client, me, entry["id"], "blue.png", image, "image/png")
    await client.data(
        "mutation($i: CreateJournalEntryInput!) { createJournalEntry(input: $i) { id } }",
        {"i": {"content": "Dear diary", "mood": 5}},
        token=me.token,
    )
    await _files_settled(client, me)
    archive = await exported_archive(client, me)
    files = open_archive(archive)
    (attachment,) = items(files, "pod/attachments.json")
    spoilt_bytes = b"\x89PNG\r\n\x1a\n" + b"tampered" * 100
    spoilt = {
        "not-a-zip": lambda: b"just some text, not a zip",
        # The same items, written differently: not the bytes the manifest's checksum names.
        "checksum": lambda: rezip(
            archive, {"pod/entries.json": orjson.dumps(files["pod/entries.json"])}
        ),
        "secret-in-fields": lambda: _with_items(archive, "pod/entries.json", _secret_in_fields),
        "bad-mood": lambda: _with_items(archive, "journal/entries.json", _bad_mood),
        "file-bytes": lambda: _with_items(
            rezip(archive, {attachment["file"]: spoilt_bytes}),
            "pod/attachments.json",
            lambda found: [{**a, "size": len(spoilt_bytes)} for a in found],
        ),
    }[spoil]()
    fresh = await client.sign_up()

    # when: a new account imports it
    body = await import_archive(client, fresh, spoilt)

    # then: BAD_USER_INPUT naming `file` and saying what is wrong, and nothing was kept
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    error = body["errors"][0]
    assert message in error["message"] and "Nothing was imported." in error["message"]
    assert error["extensions"]["field"] == "file"
    assert error["extensions"]["reason"] == "BAD_ARCHIVE"
    counts = _counts(await client.data(COUNTS, token=fresh.token))
    assert counts == {k: 0 for k in counts} | {"categories": counts["categories"]}
    assert counts["categories"] <= 1  # at most the Inbox every account has
    blob_dir = Path(server.services.clients.settings.blob_dir)
    assert files_holding(blob_dir, spoilt_bytes) == set()


async def test_import_needs_a_file_and_a_signed_in_user(client: GraphQLClient) -> None:
    me = await client.sign_up()
    as_text = await client.execute(IMPORT, {"file": "not a file"}, token=me.token)
    assert error_codes(as_text) == ["BAD_USER_INPUT"]
    anonymous = await client.http.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": IMPORT, "variables": {"file": None}}),
            "map": json.dumps({"0": ["variables.file"]}),
        },
        files={"0": ("a.zip", b"PK", "application/zip")},
    )
    assert error_codes(anonymous.json()) == ["UNAUTHENTICATED"]
