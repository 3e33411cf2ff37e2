"""Uploads as clients send them (GraphQL multipart requests, two-step PUTs), test files,
and what the blob store holds."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from tests.support.client import Account, GraphQLClient

ATTACHMENT_FIELDS = "id name mimeType size sha256 status createdAt downloadUrl thumbnailUrl"
ADD_ATTACHMENT = f"""
mutation($entryId: ID!, $file: Upload!) {{
  addAttachment(entryId: $entryId, file: $file) {{ {ATTACHMENT_FIELDS} }}
}}
"""
REMOVE_ATTACHMENT = "mutation($id: ID!) { removeAttachment(id: $id) }"
REQUEST_UPLOAD = """
mutation($name: String!, $size: Int!) {
  requestUpload(name: $name, size: $size) { uploadId url maxBytes expiresAt }
}
"""
COMPLETE_UPLOAD = f"""
mutation($uploadId: ID!, $entryId: ID!) {{
  completeUpload(uploadId: $uploadId, entryId: $entryId) {{ {ATTACHMENT_FIELDS} }}
}}
"""
ATTACHMENTS = f"""
query($id: ID!) {{
  entry(id: $id) {{
    id version attachments {{ totalCount edges {{ node {{ {ATTACHMENT_FIELDS} }} }} }}
  }}
}}
"""
STORAGE = "query { me { storage { usedBytes limitBytes } } }"


def png_bytes(size: tuple[int, int] = (64, 48), color: str = "red") -> bytes:
    """A real PNG image."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


async def multipart(
    client: GraphQLClient,
    account: Account,
    query: str,
    variables: dict[str, Any],
    files: dict[str, tuple[str, bytes, str]],
) -> httpx.Response:
    """POST a GraphQL multipart request: `files` maps a variable path (`file`,
    `files.0`) to (file name, bytes, the Content-Type the client claims)."""
    names = {str(i): path for i, path in enumerate(files)}
    form = {
        "operations": json.dumps({"query": query, "variables": variables}),
        "map": json.dumps({name: [f"variables.{path}"] for name, path in names.items()}),
    }
    parts = {name: files[path] for name, path in names.items()}
    return await client.http.post(
        "/graphql",
        data=form,
        files=parts,
        headers={"authorization": f"Bearer {account.token}"},
    )


async def add_attachment(
    client: GraphQLClient,
    account: Account,
    entry_id: str,
    name: str,
    data: bytes,
    content_type: str = "application/octet-stream",
) -> dict[str, Any]:
    """The response body of an addAttachment multipart request."""
    response = await multipart(
        client,
        account,
        ADD_ATTACHMENT,
        {"entryId": entry_id, "file": None},
        {"file": (name, data, content_type)},
    )
    return response.json()


def stored_files(blob_dir: Path) -> set[str]:
    """The blob keys the folder store holds (complete blobs, not uploads in progress)."""
    return {p.name for p in blob_dir.glob("??/*") if p.is_file()}


def files_holding(blob_dir: Path, data: bytes) -> set[str]:
    """The stored blobs whose bytes are exactly `data`.

    Tests look for their own bytes rather than diffing the folder: background jobs of
    earlier tests (thumbnails) may add blobs to the shared folder at any moment.
    """
    return {
        p.name
        for p in blob_dir.glob("??/*")
        if p.is_file() and p.stat().st_size == len(data) and p.read_bytes() == data
    }


@contextmanager
def changed_settings(settings: Any, **values: Any) -> Iterator[None]:
    """Set settings of the running server for the duration of a block (read per request)."""
    saved = {name: getattr(settings, name) for name in values}
    for name, value in values.items():
        setattr(settings, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(settings, name, value)
