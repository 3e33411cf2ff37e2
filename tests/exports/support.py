"""Steps of the export tests: an account with data in every domain, an export taken to
READY, its archive downloaded (as its owner) and opened, and an archive imported."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson

from tests.support import journal as journal_steps
from tests.support.chat import direct, send
from tests.support.client import Account, GraphQLClient
from tests.support.files import add_attachment, multipart, png_bytes
from tests.support.media import send_media, upload_chat_media
from tests.support.pod import create_category, create_entry, create_tag
from tests.support.sharing import CREATE_LINK, friends, later, share
from tests.support.vault import CREATE_HIDDEN, blob, register_tag
from tests.support.wait import eventually

EXPORT_FIELDS = "id status progress sizeBytes sha256 syncSeq syncCursor downloadUrl expiresAt"
REQUEST = f"mutation {{ requestExport {{ {EXPORT_FIELDS} }} }}"
EXPORTS = f"""
query($first: Int, $after: String) {{
  exports(first: $first, after: $after) {{
    edges {{ cursor node {{ {EXPORT_FIELDS} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""
IMPORT = """
mutation($file: Upload!) {
  importArchive(file: $file) { archiveId created kinds { kind created skipped } }
}
"""
CREATE_REMINDER = "mutation($i: CreateReminderInput!) { createReminder(input: $i) { id } }"
TEXT_FILE = b"The minutes of the meeting, as plain text.\n"
CHAT_FILE = b"Agenda: one, two, three.\n"


@dataclass
class Made:
    """What `fill_every_domain` made, by name."""

    values: dict[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


async def fill_every_domain(client: GraphQLClient) -> tuple[Account, Account, Made]:
    """An account (and a friend) with data in every domain: the pod (a category tree, tags,
    secrets, a sensitive note, a task, the trash, files, shares both ways, a link), the
    journal, the vault, chat and notifications."""
    me, friend = await friends(client)
    parent = await create_category(client, me, "Work", color="#336699")
    child = await create_category(client, me, "Projects", parentId=parent["id"], icon="folder")
    tag = await create_tag(client, me, "Urgent Things", color="#ff0000")
    password = await create_entry(
        client,
        me,
        kind="PASSWORD",
        title="Bank",
        categoryId=child["id"],
        tagIds=[tag["id"]],
        password={
            "secret": "correct-horse-9",
            "username": "me",
            "url": "https://bank.example",
            "totpSeed": "JBSWY3DPEHPK3PXP",
        },
    )
    note = await create_entry(client, me, title="Plain note", body="Hello there")
    diary = await create_entry(
        client, me, title="Sensitive", body="only for me", sensitive=True, tagIds=[tag["id"]]
    )
    task = await create_entry(
        client, me, kind="TASK", title="Pay rent", task={"done": True, "priority": 2}
    )
    trashed = await create_entry(client, me, title="Old note", body="bye")
    await client.data(
        "mutation($id: ID!) { deleteEntry(id: $id) { id } }", {"id": trashed["id"]}, token=me.token
    )
    image = png_bytes()
    png = (await add_attachment(client, me, note["id"], "photo.png", image, "image/png"))["data"]
    text = await add_attachment(client, me, note["id"], "minutes.txt", TEXT_FILE, "text/plain")
    shared = await share(client, me, note["id"], friend, "WRITE")
    theirs = await create_entry(client, friend, title="Friend's recipe", body="flour")
    received = await share(client, friend, theirs["id"], me)
    link = (await client.data(CREATE_LINK, {"e": note["id"], "x": later(days=3)}, token=me.token))[
        "createShareLink"
    ]["link"]

    journal_tag = (
        await client.data(
            journal_steps.CREATE_TAG,
            {"input": {"name": "Calm", "color": "#00AA00"}},
            token=me.token,
        )
    )["createJournalTag"]
    journal_entry = await journal_steps.create_entry(
        client,
        me.token,
        title="By the sea",
        content="A quiet day by the sea",
        mood=7,
        tagIds=[journal_tag["id"]],
    )
    remind_at = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0).isoformat()
    reminder = (
        await client.data(
            CREATE_REMINDER,
            {"i": {"title": "Call mum", "remindAt": remind_at, "priority": 4}},
            token=me.token,
        )
    )["createReminder"]

    secret_tag = await register_tag(client, me, name="dreams")
    hidden = (
        await client.data(
            CREATE_HIDDEN,
            {"tag": secret_tag.id, "blob": blob(), "input": {"entryDate": "2026-11-30"}},
            token=me.token,
        )
    )["createJournalEntry"]

    conversation = await direct(client, me, friend)
    mine = await send(client, me, conversation, "hi from me")
    answer = await send(client, friend, conversation, "hi back")
    media = await upload_chat_media(client, friend, CHAT_FILE, name="agenda.txt")
    document = await send_media(client, friend, conversation, media["id"], kind="DOCUMENT")
    return (
        me,
        friend,
        Made(
            {
                "categories": [parent, child],
                "tag": tag,
                "password": password,
                "note": note,
                "sensitive": diary,
                "task": task,
                "trashed": trashed,
                "png": (png["addAttachment"], image),
                "text": (text["data"]["addAttachment"], TEXT_FILE),
                "shared": shared,
                "received": received,
                "link": link,
                "journal_tag": journal_tag,
                "journal_entry": journal_entry,
                "reminder": reminder,
                "secret_tag": secret_tag,
                "hidden": hidden,
                "conversation": conversation,
                "messages": [mine, answer, document],
            }
        ),
    )


async def ready_export(client: GraphQLClient, account: Account) -> dict[str, Any]:
    """Request an export and wait until the worker has made it READY."""
    requested = (await client.data(REQUEST, token=account.token))["requestExport"]
    return await wait_ready(client, account, requested["id"])


async def wait_ready(client: GraphQLClient, account: Account, export_id: str) -> dict[str, Any]:
    async def ready() -> dict[str, Any] | None:
        data = await client.data(EXPORTS, token=account.token)
        for edge in data["exports"]["edges"]:
            node = edge["node"]
            if node["id"] == export_id:
                assert node["status"] in ("PENDING", "RUNNING", "READY"), node
                return node if node["status"] == "READY" else None
        return None

    return await eventually(ready, timeout=60, interval=0.2)


async def download(client: GraphQLClient, url: str, account: Account | None) -> httpx.Response:
    """GET a download URL, signed in as `account` (or not at all)."""
    headers = {"authorization": f"Bearer {account.token}"} if account else {}
    return await client.http.get(url, headers=headers)


async def exported_archive(client: GraphQLClient, account: Account) -> bytes:
    """The bytes of a fresh READY export of `account`."""
    export = await ready_export(client, account)
    response = await download(client, export["downloadUrl"], account)
    assert response.status_code == 200, response.text
    return response.content


def open_archive(content: bytes) -> dict[str, Any]:
    """Every JSON file of an archive by name, the README's text, and the other files'
    bytes."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name: orjson.loads(archive.read(name))
            if name.endswith(".json")
            else archive.read(name).decode()
            if name == "README.md"
            else archive.read(name)
            for name in archive.namelist()
        }


def items(files: dict[str, Any], name: str) -> list[dict[str, Any]]:
    document = files[name]
    assert document["version"] == 1
    return document["items"]


def rezip(content: bytes, members: dict[str, bytes]) -> bytes:
    """The archive with some members' bytes replaced."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            target.writestr(name, members.get(name, source.read(name)))
    return out.getvalue()


async def import_archive(
    client: GraphQLClient, account: Account, content: bytes, name: str = "export.zip"
) -> dict[str, Any]:
    """The response body of an importArchive multipart request."""
    response = await multipart(
        client, account, IMPORT, {"file": None}, {"file": (name, content, "application/zip")}
    )
    return response.json()
