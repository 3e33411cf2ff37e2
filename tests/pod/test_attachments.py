"""Files of entries over real HTTP: multipart uploads, the two-step PUT, downloads with
Range and ETag, removal, and the trash purging the bytes from the blob store."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from tests.support.background import media_worker_down
from tests.support.client import GraphQLClient, error_codes
from tests.support.files import (
    ATTACHMENTS,
    COMPLETE_UPLOAD,
    REMOVE_ATTACHMENT,
    REQUEST_UPLOAD,
    STORAGE,
    add_attachment,
    files_holding,
    multipart,
    png_bytes,
    stored_files,
)
from tests.support.ids import raw_id
from tests.support.pod import DELETE_ENTRY, ENTRIES, create_entry

CREATE_ENTRY_WITH_FILES = """
mutation($input: CreateEntryInput!, $files: [Upload!]) {
  createEntry(input: $input, files: $files) {
    title attachments { edges { node { name mimeType } } }
  }
}
"""


def blob_dir(server) -> Path:
    return Path(server.services.clients.settings.blob_dir)


@pytest.fixture
async def as_uploaded(server) -> AsyncIterator[None]:
    """The media job stopped: an image stays as uploaded (same bytes, size and ETag) for
    the test, instead of being replaced by its stripped copy at some moment."""
    async with media_worker_down(server):
        yield


async def test_an_image_uploaded_to_a_document_is_listed_downloaded_and_removed(
    client: GraphQLClient, server, as_uploaded
) -> None:
    # given: a document entry and an image, sent by a client claiming it is text
    account = await client.sign_up()
    entry = await create_entry(client, account, kind="DOCUMENT", title="Passport scan")
    image = png_bytes()
    # when
    body = await add_attachment(
        client, account, entry["id"], "scans/passport.png", image, "text/plain"
    )
    # then: stored under its sniffed type with its checksum
    attachment = body["data"]["addAttachment"]
    assert attachment["name"] == "passport.png"
    assert attachment["mimeType"] == "image/png"
    assert attachment["size"] == len(image)
    assert attachment["sha256"] == hashlib.sha256(image).hexdigest()
    assert attachment["status"] == "PENDING" and attachment["thumbnailUrl"] is None
    listed = (await client.data(ATTACHMENTS, {"id": entry["id"]}, token=account.token))["entry"]
    assert listed["version"] == entry["version"] + 1
    assert [e["node"]["id"] for e in listed["attachments"]["edges"]] == [attachment["id"]]
    # when: downloaded without any header, as an <img src> would
    async with httpx.AsyncClient() as browser:
        whole = await browser.get(attachment["downloadUrl"])
        part = await browser.get(attachment["downloadUrl"], headers={"range": "bytes=8-23"})
        tail = await browser.get(attachment["downloadUrl"], headers={"range": "bytes=-4"})
        cached = await browser.get(
            attachment["downloadUrl"], headers={"if-none-match": whole.headers["etag"]}
        )
        beyond = await browser.get(
            attachment["downloadUrl"], headers={"range": f"bytes={len(image)}-"}
        )
    # then
    assert whole.status_code == 200 and whole.content == image
    assert whole.headers["content-type"] == "image/png"
    assert whole.headers["x-content-type-options"] == "nosniff"
    assert whole.headers["etag"] == f'"{attachment["sha256"]}"'
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["content-disposition"] == (
        "inline; filename=\"passport.png\"; filename*=UTF-8''passport.png"
    )
    assert part.status_code == 206 and part.content == image[8:24]
    assert part.headers["content-range"] == f"bytes 8-23/{len(image)}"
    assert tail.status_code == 206 and tail.content == image[-4:]
    assert cached.status_code == 304 and cached.content == b""
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{len(image)}"
    # when: removed
    key = await blob_key(server, attachment["id"])
    assert key in stored_files(blob_dir(server))
    removed = await client.data(REMOVE_ATTACHMENT, {"id": attachment["id"]}, token=account.token)
    # then: gone from the entry, from downloads and, after the blob worker, from the store
    assert removed["removeAttachment"] == attachment["id"]
    listed = (await client.data(ATTACHMENTS, {"id": entry["id"]}, token=account.token))["entry"]
    assert listed["attachments"]["edges"] == []
    async with httpx.AsyncClient() as browser:
        assert (await browser.get(attachment["downloadUrl"])).status_code == 404
    await server.services.pod.blob_collector.run_once()
    assert key not in stored_files(blob_dir(server))


async def test_create_entry_with_files_attaches_them_in_the_same_request(
    client: GraphQLClient,
) -> None:
    # given
    account = await client.sign_up()
    query = CREATE_ENTRY_WITH_FILES
    # when
    response = await multipart(
        client,
        account,
        query,
        {"input": {"kind": "DOCUMENT", "title": "Trip"}, "files": [None, None]},
        {
            "files.0": ("ticket.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "application/pdf"),
            "files.1": ("notes.txt", "Gate 12, seat 3A — café".encode(), "text/plain"),
        },
    )
    # then
    created = response.json()["data"]["createEntry"]
    assert created["title"] == "Trip"
    names = [(e["node"]["name"], e["node"]["mimeType"]) for e in created["attachments"]["edges"]]
    assert names == [("ticket.pdf", "application/pdf"), ("notes.txt", "text/plain")]


async def test_two_step_upload_put_then_complete(client: GraphQLClient, server) -> None:
    # given: a ticket for 3 MiB
    account = await client.sign_up()
    entry = await create_entry(client, account, kind="DOCUMENT", title="Video")
    data = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * (3 * 4096 - 1)
    ticket = (
        await client.data(
            REQUEST_UPLOAD, {"name": "clip.mp4", "size": len(data)}, token=account.token
        )
    )["requestUpload"]
    assert ticket["maxBytes"] == len(data) and "/uploads/" in ticket["url"]
    # when: the bytes are PUT with no other header, then the upload completed
    async with httpx.AsyncClient() as http:
        put = await http.put(ticket["url"], content=data)
        again = await http.put(ticket["url"], content=data)
    completed = await client.data(
        COMPLETE_UPLOAD,
        {"uploadId": ticket["uploadId"], "entryId": entry["id"]},
        token=account.token,
    )
    # then
    assert put.status_code == 201, put.text
    assert put.json()["sha256"] == hashlib.sha256(data).hexdigest()
    assert again.status_code == 404  # one-time
    attachment = completed["completeUpload"]
    assert attachment["name"] == "clip.mp4" and attachment["mimeType"] == "video/mp4"
    assert attachment["size"] == len(data) and attachment["status"] == "READY"
    async with httpx.AsyncClient() as browser:
        middle = await browser.get(
            attachment["downloadUrl"], headers={"range": "bytes=1048570-1048589"}
        )
    assert middle.status_code == 206 and middle.content == data[1048570:1048590]
    # and completing twice is NOT_FOUND
    body = await client.execute(
        COMPLETE_UPLOAD,
        {"uploadId": ticket["uploadId"], "entryId": entry["id"]},
        token=account.token,
    )
    assert error_codes(body) == ["NOT_FOUND"]


async def test_a_put_larger_than_announced_is_refused_and_the_url_stays_usable(
    client: GraphQLClient, server
) -> None:
    account = await client.sign_up()
    ticket = (
        await client.data(REQUEST_UPLOAD, {"name": "a.txt", "size": 10}, token=account.token)
    )["requestUpload"]
    too_long, exact = uuid.uuid4().hex[:11].encode(), uuid.uuid4().hex[:10].encode()
    async with httpx.AsyncClient() as http:
        refused = await http.put(ticket["url"], content=too_long)
        accepted = await http.put(ticket["url"], content=exact)
    assert refused.status_code == 413
    assert refused.json()["errors"][0]["extensions"]["reason"] == "FILE_TOO_LARGE"
    assert accepted.status_code == 201
    assert files_holding(blob_dir(server), too_long) == set()
    assert len(files_holding(blob_dir(server), exact)) == 1


async def test_trash_then_purge_deletes_the_files_from_the_store(
    client: GraphQLClient, server
) -> None:
    # given: a document with a file, in the trash for 31 days
    account = await client.sign_up()
    entry = await create_entry(client, account, kind="DOCUMENT", title="Old scan")
    attachment = (await add_attachment(client, account, entry["id"], "old.png", png_bytes()))[
        "data"
    ]["addAttachment"]
    key = await blob_key(server, attachment["id"])
    await client.data(DELETE_ENTRY, {"id": entry["id"]}, token=account.token)
    # then: in the trash the file stays with its entry
    listed = (await client.data(ATTACHMENTS, {"id": entry["id"]}, token=account.token))["entry"]
    assert listed["attachments"]["totalCount"] == 1
    assert key in stored_files(blob_dir(server))
    async with server.services.clients.db() as db, db.begin():
        await db.execute(
            text("UPDATE entries SET deleted_at = :at WHERE id = :id"),
            {"at": datetime.now(UTC) - timedelta(days=31), "id": raw_id(entry["id"])},
        )
    # when: the pod worker purges, then the blob worker runs
    while await server.services.pod.maintenance.run_once():
        pass
    while await server.services.pod.blob_collector.run_once():
        pass
    # then
    assert key not in stored_files(blob_dir(server))
    usage = (await client.data(STORAGE, token=account.token))["me"]["storage"]
    assert usage["usedBytes"] == 0


async def test_storage_in_me_counts_my_files_against_the_quota(
    client: GraphQLClient, server
) -> None:
    account = await client.sign_up()
    entry = await create_entry(client, account, kind="DOCUMENT", title="Files")
    await add_attachment(client, account, entry["id"], "a.txt", b"a" * 100)
    await add_attachment(client, account, entry["id"], "b.txt", b"b" * 50)
    usage = (await client.data(STORAGE, token=account.token))["me"]["storage"]
    assert usage == {
        "usedBytes": 150,
        "limitBytes": server.services.clients.settings.blob_quota_bytes,
    }


async def test_a_corrupted_file_is_an_error_not_bad_bytes(
    client: GraphQLClient, server, as_uploaded
) -> None:
    # given: a stored file whose bytes changed on disk
    account = await client.sign_up()
    entry = await create_entry(client, account, kind="DOCUMENT", title="Fragile")
    attachment = (await add_attachment(client, account, entry["id"], "f.png", png_bytes()))["data"][
        "addAttachment"
    ]
    path = next(blob_dir(server).glob(f"??/{await blob_key(server, attachment['id'])}"))
    damaged = bytearray(path.read_bytes())
    damaged[20] ^= 0xFF
    path.write_bytes(bytes(damaged))
    # when
    async with httpx.AsyncClient() as browser:
        response = await browser.get(attachment["downloadUrl"])
    # then
    assert response.status_code == 500
    assert bytes(damaged) not in response.content
    # the store is the suite's: a backup of it reads every file a row names
    await client.data(REMOVE_ATTACHMENT, {"id": attachment["id"]}, token=account.token)


async def test_entries_list_their_files(client: GraphQLClient) -> None:
    account = await client.sign_up()
    entry = await create_entry(client, account, kind="DOCUMENT", title="Listed")
    await add_attachment(client, account, entry["id"], "x.txt", b"x")
    data = await client.data(
        ENTRIES.replace("kind status", "kind status attachments { edges { node { name } } }"),
        {"first": 5},
        token=account.token,
    )
    node = data["entries"]["edges"][0]["node"]
    assert node["attachments"]["edges"] == [{"node": {"name": "x.txt"}}]


async def blob_key(server, attachment_id: str) -> str:
    async with server.services.clients.read_db() as db:
        result = await db.execute(
            text("SELECT blob_key FROM attachments WHERE id = :id"), {"id": raw_id(attachment_id)}
        )
        return result.scalar_one()
