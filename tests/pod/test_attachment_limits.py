"""Refused files change nothing: too large, over the quota, a type not accepted, bad
tokens and URLs; each refusal has a code the client can act on."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from tests.support.client import GraphQLClient
from tests.support.files import (
    ADD_ATTACHMENT,
    ATTACHMENTS,
    REQUEST_UPLOAD,
    STORAGE,
    add_attachment,
    changed_settings,
    files_holding,
    multipart,
    png_bytes,
)
from tests.support.ids import raw_id
from tests.support.pod import DELETE_ENTRY, create_entry, titles

CREATE_WITH_FILES = """
mutation($input: CreateEntryInput!, $files: [Upload!]) {
  createEntry(input: $input, files: $files) { id }
}
"""


@pytest.fixture
def live_settings(server):
    return server.services.clients.settings


def blob_dir(live_settings) -> Path:
    return Path(live_settings.blob_dir)


def unique_bytes(size: int) -> bytes:
    """Text bytes no other test uploads, so the store can be searched for them."""
    return uuid.uuid4().hex.encode().ljust(size, b"-")[:size]


def refusal(body: dict) -> tuple[str, str | None, str | None]:
    error = body["errors"][0]["extensions"]
    return error["code"], error.get("field"), error.get("reason")


async def test_a_file_over_the_size_limit_is_refused_and_nothing_is_stored(
    client: GraphQLClient, live_settings
) -> None:
    # given
    account = await client.sign_up()
    entry = await create_entry(client, account, kind="DOCUMENT", title="Big")
    big = unique_bytes(2000)
    # when
    with changed_settings(live_settings, blob_max_bytes=1000):
        body = await add_attachment(client, account, entry["id"], "big.txt", big)
    # then
    assert refusal(body) == ("BAD_USER_INPUT", "file", "FILE_TOO_LARGE")
    listed = (await client.data(ATTACHMENTS, {"id": entry["id"]}, token=account.token))["entry"]
    assert listed["attachments"]["totalCount"] == 0
    assert listed["version"] == entry["version"]
    assert files_holding(blob_dir(live_settings), big) == set()
    assert (await client.data(STORAGE, token=account.token))["me"]["storage"]["usedBytes"] == 0


async def test_files_over_the_quota_are_refused(client: GraphQLClient, live_settings) -> None:
    # given: 1000 of 1500 bytes used
    account = await client.sign_up()
    entry = await create_entry(client, account, kind="DOCUMENT", title="Quota")
    with changed_settings(live_settings, blob_quota_bytes=1500):
        first = await add_attachment(client, account, entry["id"], "a.txt", b"a" * 1000)
        # when
        refused = unique_bytes(1000)
        second = await add_attachment(client, account, entry["id"], "b.txt", refused)
        ticket = await client.execute(
            REQUEST_UPLOAD, {"name": "c.txt", "size": 501}, token=account.token
        )
        usage = (await client.data(STORAGE, token=account.token))["me"]["storage"]
    # then
    assert "errors" not in first
    assert refusal(second) == ("BAD_USER_INPUT", "file", "QUOTA_EXCEEDED")
    assert refusal(ticket) == ("BAD_USER_INPUT", "size", "QUOTA_EXCEEDED")
    assert files_holding(blob_dir(live_settings), refused) == set()
    assert usage == {"usedBytes": 1000, "limitBytes": 1500}


async def test_the_type_comes_from_the_bytes_and_must_be_allowed(
    client: GraphQLClient, live_settings
) -> None:
    # given: only images accepted; HTML named .png and claimed to be image/png
    account = await client.sign_up()
    entry = await create_entry(client, account, kind="DOCUMENT", title="Types")
    script = f"<script>alert('{uuid.uuid4()}')</script>".encode()
    with changed_settings(live_settings, blob_allowed_types="image/*"):
        # when
        fake = await add_attachment(client, account, entry["id"], "cat.png", script, "image/png")
        real = await add_attachment(client, account, entry["id"], "cat.png", png_bytes())
    # then
    assert refusal(fake) == ("BAD_USER_INPUT", "file", "TYPE_NOT_ALLOWED")
    assert real["data"]["addAttachment"]["mimeType"] == "image/png"
    assert files_holding(blob_dir(live_settings), script) == set()
    listed = (await client.data(ATTACHMENTS, {"id": entry["id"]}, token=account.token))["entry"]
    assert listed["attachments"]["totalCount"] == 1


async def test_create_entry_with_a_refused_file_creates_nothing(
    client: GraphQLClient, live_settings
) -> None:
    # given: a good first file and an oversized second one
    account = await client.sign_up()
    fine = unique_bytes(4)
    with changed_settings(live_settings, blob_max_bytes=1000):
        # when
        response = await multipart(
            client,
            account,
            CREATE_WITH_FILES,
            {"input": {"kind": "DOCUMENT", "title": "Half"}, "files": [None, None]},
            {"files.0": ("ok.txt", fine, "text/plain"), "files.1": ("no.txt", b"x" * 1001, "")},
        )
    # then: no entry, and the first file's bytes were deleted again
    assert refusal(response.json()) == ("BAD_USER_INPUT", "input.files[1]", "FILE_TOO_LARGE")
    assert await titles(client, account) == []
    assert files_holding(blob_dir(live_settings), fine) == set()


async def test_a_file_must_come_as_a_multipart_upload(client: GraphQLClient) -> None:
    account = await client.sign_up()
    entry = await create_entry(client, account, kind="DOCUMENT", title="JSON")
    body = await client.execute(
        ADD_ATTACHMENT, {"entryId": entry["id"], "file": "/etc/passwd"}, token=account.token
    )
    assert refusal(body) == ("BAD_USER_INPUT", "file", None)


async def test_a_multipart_map_naming_a_missing_file_is_a_bad_request(
    client: GraphQLClient,
) -> None:
    account = await client.sign_up()
    response = await client.http.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": ADD_ATTACHMENT, "variables": {"file": None}}),
            "map": json.dumps({"0": ["variables.file"]}),
        },
        files={"other": ("x.txt", b"x", "text/plain")},
        headers={"authorization": f"Bearer {account.token}"},
    )
    assert response.status_code == 400
    assert "'0'" in response.json()["errors"][0]["message"]


async def test_files_of_an_entry_in_the_trash_cannot_change(client: GraphQLClient) -> None:
    account = await client.sign_up()
    entry = await create_entry(client, account, kind="DOCUMENT", title="Trashed")
    await client.data(DELETE_ENTRY, {"id": entry["id"]}, token=account.token)
    body = await add_attachment(client, account, entry["id"], "late.txt", b"late")
    assert refusal(body) == ("BAD_USER_INPUT", "entryId", None)


async def test_request_upload_checks_the_size(client: GraphQLClient, live_settings) -> None:
    account = await client.sign_up()
    too_big = await client.execute(
        REQUEST_UPLOAD, {"name": "x", "size": live_settings.blob_max_bytes + 1}, token=account.token
    )
    negative = await client.execute(REQUEST_UPLOAD, {"name": "x", "size": -1}, token=account.token)
    assert refusal(too_big) == ("BAD_USER_INPUT", "size", "FILE_TOO_LARGE")
    assert refusal(negative) == ("BAD_USER_INPUT", "size", None)


async def test_forged_used_and_expired_upload_urls_are_all_not_found(
    client: GraphQLClient, server
) -> None:
    # given
    account = await client.sign_up()
    ticket = (await client.data(REQUEST_UPLOAD, {"name": "x.txt", "size": 5}, token=account.token))[
        "requestUpload"
    ]
    expired = (
        await client.data(REQUEST_UPLOAD, {"name": "y.txt", "size": 5}, token=account.token)
    )["requestUpload"]
    async with server.services.clients.db() as db, db.begin():
        await db.execute(
            text("UPDATE uploads SET expires_at = :at WHERE id = :id"),
            {"at": datetime.now(UTC) - timedelta(seconds=1), "id": raw_id(expired["uploadId"])},
        )
    forged = ticket["url"][:-4] + ("AAAA" if not ticket["url"].endswith("AAAA") else "BBBB")
    # when
    async with httpx.AsyncClient() as http:
        responses = [
            await http.put(forged, content=b"12345"),
            await http.put(expired["url"], content=b"12345"),
            await http.put(ticket["url"].rsplit("/", 1)[0] + "/not-a-token", content=b"1"),
        ]
        assert (await http.put(ticket["url"], content=b"12345")).status_code == 201
        responses.append(await http.put(ticket["url"], content=b"12345"))
    # then
    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert len({r.content for r in responses}) == 1


async def test_forged_expired_and_other_viewer_download_urls_are_all_not_found(
    client: GraphQLClient, server
) -> None:
    # given: my file, and its URL altered in each way
    account = await client.sign_up()
    other = await client.sign_up()
    entry = await create_entry(client, account, kind="DOCUMENT", title="Private")
    url = (await add_attachment(client, account, entry["id"], "p.txt", b"private"))["data"][
        "addAttachment"
    ]["downloadUrl"]
    files = server.services.pod.files
    attachment_id = url.split("/files/")[1].split("?")[0]
    expired = files.download_path(uuid.UUID(attachment_id), uuid.UUID(account.uuid), now=0)
    for_other = files.download_path(uuid.UUID(attachment_id), uuid.UUID(other.uuid))
    swapped_viewer = url.replace(account.uuid, other.uuid)
    later = url.replace("&e=", "&e=9")
    bad_signature = url[:-3] + ("abc" if not url.endswith("abc") else "xyz")
    # when
    async with httpx.AsyncClient(base_url=server.url) as browser:
        assert (await browser.get(url)).content == b"private"
        responses = [
            await browser.get(path)
            for path in (expired, for_other, swapped_viewer, later, bad_signature, url + "x")
        ]
    # then: a validly signed URL for someone who may not read the entry is no different
    assert [r.status_code for r in responses] == [404] * 6
    assert len({r.content for r in responses}) == 1
