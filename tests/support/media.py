"""Chat media in tests: multipart uploads (as Apollo Upload Client sends them), sending a
file in a message, and fetching signed URLs."""

from __future__ import annotations

import json
import secrets
from typing import Any

import httpx

from tests.support.client import Account, GraphQLClient

MEDIA_FIELDS = "id fileName mimeType sizeBytes sha256 processingStatus processingError sent"
UPLOAD_CHAT_MEDIA = f"""
mutation($file: Upload!, $keep: Boolean! = false) {{
  uploadChatMedia(file: $file, keepMetadata: $keep) {{ {MEDIA_FIELDS} downloadUrl thumbnailUrl }}
}}
"""
CHAT_MEDIA = f"""
query($id: ID!) {{ node(id: $id) {{ ... on ChatMedia {{
  {MEDIA_FIELDS} downloadUrl thumbnailUrl }} }} }}
"""
SEND_MEDIA = """
mutation($input: SendMessageInput!) {
  sendMessage(input: $input) {
    id kind body
    media { fileName mimeType sizeBytes sha256 storagePath processingStatus downloadUrl
      thumbnailUrl }
  }
}
"""
MESSAGE_MEDIA = """
query($id: ID!) { node(id: $id) { ... on Message { media {
  fileName mimeType sizeBytes sha256 processingStatus downloadUrl thumbnailUrl } } } }
"""


async def multipart(
    client: GraphQLClient,
    query: str,
    variables: dict[str, Any],
    files: dict[str, tuple[str, bytes, str]],
    *,
    token: str,
) -> dict[str, Any]:
    """The JSON body of a GraphQL multipart request: `files` maps a variable to (name,
    bytes, the client's content type), sent as the spec's `operations`, `map` and parts."""
    operations = {"query": query, "variables": {**variables, **dict.fromkeys(files)}}
    mapping = {str(i): [f"variables.{name}"] for i, name in enumerate(files)}
    response = await client.http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps(mapping)},
        files={str(i): part for i, part in enumerate(files.values())},
        headers={"authorization": f"Bearer {token}"},
    )
    return response.json()


async def upload_chat_media(
    client: GraphQLClient,
    account: Account,
    data: bytes,
    *,
    name: str = "photo.jpg",
    keep_metadata: bool = False,
) -> dict[str, Any]:
    body = await multipart(
        client,
        UPLOAD_CHAT_MEDIA,
        {"keep": keep_metadata},
        {"file": (name, data, "application/octet-stream")},
        token=account.token,
    )
    assert "errors" not in body, body
    return body["data"]["uploadChatMedia"]


def media_message(conversation: str, media_id: str, kind: str = "IMAGE", **extra: Any) -> dict:
    return {
        "input": {
            "conversationId": conversation,
            "clientId": extra.pop("clientId", secrets.token_hex(8)),
            "kind": kind,
            "media": {"mediaId": media_id, **extra.pop("media", {})},
            **extra,
        }
    }


async def send_media(
    client: GraphQLClient, account: Account, conversation: str, media_id: str, **extra: Any
) -> dict[str, Any]:
    data = await client.data(
        SEND_MEDIA, media_message(conversation, media_id, **extra), token=account.token
    )
    return data["sendMessage"]


async def fetch(url: str, **headers: str) -> httpx.Response:
    """GET a signed URL as a browser's <img src> would: no Authorization header."""
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.get(url, headers=headers)
