"""Checks on message input; each failure names the field at fault."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from datastore.accounts import validation
from datastore.chat.ids import MESSAGE_ID
from datastore.chat.items import MEDIA_KINDS, MESSAGE_KINDS
from datastore.kit.errors import BadUserInput

CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MIME_TYPE = re.compile(r"^[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*$")
MAX_EMOTION = 32
MAX_MEDIA_BYTES = 2 * 1024**3
PROCESSING = ("PENDING", "PROCESSING", "READY", "FAILED")


@dataclass(frozen=True)
class MediaInput:
    file_name: str
    mime_type: str
    size_bytes: int
    storage_path: str
    thumbnail_url: str | None = None
    processing_status: str = "PENDING"


def client_id(value: str) -> str:
    if not CLIENT_ID.match(value):
        raise BadUserInput("clientId is 8-64 letters, digits, '-' or '_'.", field="clientId")
    return value


def message_id(value: str, *, field: str) -> str:
    if not MESSAGE_ID.match(value):
        raise BadUserInput("This is not a message id.", field=field)
    return value


def body(kind: str, value: str | None, *, max_body: int, has_media: bool) -> str | None:
    if kind not in MESSAGE_KINDS:
        raise BadUserInput("Unknown message type.", field="kind")
    if kind == "SYSTEM":
        raise BadUserInput("SYSTEM messages are written by the server.", field="kind")
    text = (value or "").strip() or None
    limit = MAX_EMOTION if kind == "EMOTION" else max_body
    if text is not None and len(text) > limit:
        raise BadUserInput(f"A message body has at most {limit} characters.", field="body")
    if text is None and kind in ("TEXT", "EMOTION"):
        raise BadUserInput("This message needs a body.", field="body")
    if (kind in MEDIA_KINDS) != has_media:
        raise BadUserInput(
            "IMAGE, VIDEO and DOCUMENT messages, and only those, carry media.", field="media"
        )
    return text


def media(kind: str, value: MediaInput | None) -> dict[str, Any] | None:
    if value is None:
        return None
    name = value.file_name.strip()
    if not name or len(name) > 255 or "/" in name:
        raise BadUserInput("A file name is 1-255 characters without '/'.", field="media.fileName")
    mime = value.mime_type.strip().lower()
    expected = {"IMAGE": "image/", "VIDEO": "video/"}.get(kind, "")
    if not MIME_TYPE.match(mime) or not mime.startswith(expected):
        raise BadUserInput(f"The type must be a {expected or 'MIME '}type.", field="media.mimeType")
    if not 0 < value.size_bytes <= MAX_MEDIA_BYTES:
        raise BadUserInput("The size is 1 byte to 2 GiB.", field="media.sizeBytes")
    path = value.storage_path.strip()
    if not path or len(path) > 1024 or ".." in path.split("/"):
        raise BadUserInput("A storage path is 1-1024 characters.", field="media.storagePath")
    if value.processing_status not in PROCESSING:
        raise BadUserInput("Unknown processing status.", field="media.processingStatus")
    return {
        "file_name": name,
        "mime_type": mime,
        "size_bytes": value.size_bytes,
        "storage_path": path,
        "thumbnail_url": validation.http_url(value.thumbnail_url, field="media.thumbnailUrl"),
        "processing_status": value.processing_status,
    }
