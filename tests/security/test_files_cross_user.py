"""Cross-user security of files: B, holding A's entry, attachment and upload ids and A's
download URL, can neither read, attach, complete, remove nor download anything of A's;
every refusal is NOT_FOUND (or null, or HTTP 404) and A's files stay as they were."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.support.client import Account, GraphQLClient, error_codes
from tests.support.files import (
    ATTACHMENTS,
    COMPLETE_UPLOAD,
    REMOVE_ATTACHMENT,
    REQUEST_UPLOAD,
    add_attachment,
)
from tests.support.ids import raw_id
from tests.support.pod import create_entry

SECRET = b"A's private bytes"
NODE = "query($id: ID!) { node(id: $id) { id ... on Attachment { name downloadUrl } } }"


@dataclass
class Files:
    a: Account
    b: Account
    entry: str  # A's document
    attachment: dict[str, Any]  # on it
    upload: str  # A's upload whose bytes arrived
    b_entry: str  # B's own document


@pytest.fixture(scope="module")
async def files(server: Any) -> AsyncIterator[Files]:
    async with GraphQLClient(server.url) as client:
        a, b = await client.sign_up(), await client.sign_up()
        entry = (await create_entry(client, a, kind="DOCUMENT", title="A's"))["id"]
        attachment = (await add_attachment(client, a, entry, "a.txt", SECRET))["data"][
            "addAttachment"
        ]
        ticket = (await client.data(REQUEST_UPLOAD, {"name": "u.txt", "size": 5}, token=a.token))[
            "requestUpload"
        ]
        async with httpx.AsyncClient() as http:
            assert (await http.put(ticket["url"], content=b"hello")).status_code == 201
        b_entry = (await create_entry(client, b, kind="DOCUMENT", title="B's"))["id"]
        yield Files(a, b, entry, attachment, ticket["uploadId"], b_entry)


async def a_files_are_intact(client: GraphQLClient, files: Files) -> None:
    data = await client.data(ATTACHMENTS, {"id": files.entry}, token=files.a.token)
    edges = data["entry"]["attachments"]["edges"]
    assert [e["node"]["id"] for e in edges] == [files.attachment["id"]]
    async with httpx.AsyncClient() as http:
        assert (await http.get(files.attachment["downloadUrl"])).content == SECRET


async def test_b_cannot_attach_a_file_to_a_entry(client: GraphQLClient, files: Files) -> None:
    body = await add_attachment(client, files.b, files.entry, "evil.txt", b"evil")
    assert error_codes(body) == ["NOT_FOUND"]
    await a_files_are_intact(client, files)


async def test_b_cannot_remove_a_attachment(client: GraphQLClient, files: Files) -> None:
    body = await client.execute(
        REMOVE_ATTACHMENT, {"id": files.attachment["id"]}, token=files.b.token
    )
    assert error_codes(body) == ["NOT_FOUND"]
    await a_files_are_intact(client, files)


async def test_a_attachment_is_null_for_b_in_node(client: GraphQLClient, files: Files) -> None:
    theirs = await client.data(NODE, {"id": files.attachment["id"]}, token=files.b.token)
    mine = await client.data(NODE, {"id": files.attachment["id"]}, token=files.a.token)
    assert theirs == {"node": None}
    assert mine["node"]["name"] == "a.txt"


async def test_b_cannot_see_a_entry_files(client: GraphQLClient, files: Files) -> None:
    body = await client.execute(ATTACHMENTS, {"id": files.entry}, token=files.b.token)
    assert body.get("data", {}).get("entry") is None
    assert SECRET.decode() not in str(body) and "a.txt" not in str(body)


@pytest.mark.parametrize("into", ["b_entry", "entry"])
async def test_b_cannot_complete_a_upload(client: GraphQLClient, files: Files, into: str) -> None:
    variables = {"uploadId": files.upload, "entryId": getattr(files, into)}
    body = await client.execute(COMPLETE_UPLOAD, variables, token=files.b.token)
    assert error_codes(body) == ["NOT_FOUND"]
    data = await client.data(ATTACHMENTS, {"id": files.b_entry}, token=files.b.token)
    assert data["entry"]["attachments"]["edges"] == []


async def test_a_cannot_complete_an_upload_into_b_entry_and_keeps_it(
    client: GraphQLClient, files: Files, server: Any
) -> None:
    # given: A's own upload, aimed at B's entry
    body = await client.execute(
        COMPLETE_UPLOAD, {"uploadId": files.upload, "entryId": files.b_entry}, token=files.a.token
    )
    # then: NOT_FOUND, and the upload is still A's to complete (the refusal changed nothing)
    assert error_codes(body) == ["NOT_FOUND"]
    async with server.services.clients.read_db() as db:
        state = await db.execute(
            text("SELECT state FROM uploads WHERE id = :id"), {"id": raw_id(files.upload)}
        )
        assert state.scalar_one() == "RECEIVED"


async def test_a_download_url_signed_for_b_is_not_found(files: Files, server: Any) -> None:
    # given: a genuinely signed URL of A's file, issued to B (who may not read the entry)
    path = server.services.pod.files.download_path(
        uuid.UUID(raw_id(files.attachment["id"])), uuid.UUID(files.b.uuid)
    )
    # when
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.get(path)
    # then
    assert response.status_code == 404 and SECRET not in response.content
