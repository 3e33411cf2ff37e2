"""Checks on message input; each failure names the field at fault."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from datastore.chat.ids import MESSAGE_ID
from datastore.chat.items import MEDIA_KINDS, MESSAGE_KINDS
from datastore.kit.errors import BadUserInput

CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_EMOTION = 32


# What clients once typed about a file; its metadata now comes from the upload itself.
LEGACY_MEDIA_FIELDS = (
    "fileName",
    "mimeType",
    "sizeBytes",
    "storagePath",
    "thumbnailUrl",
    "processingStatus",
)
# The sniffed type a message kind needs ("" = any file).
KIND_TYPES = {"IMAGE": "image/", "VIDEO": "video/", "DOCUMENT": ""}


@dataclass(frozen=True)
class MediaInput:
    """The file of a media message: an upload of the sender's (`uploadChatMedia`)."""

    media_id: uuid.UUID | None
    # Names of the legacy fields the client still sent (refused).
    legacy_fields: tuple[str, ...] = ()


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


def media(kind: str, value: MediaInput | None) -> uuid.UUID | None:
    """The id of the upload a media message carries; refuses client-typed metadata."""
    if value is None:
        return None
    if value.legacy_fields:
        name = value.legacy_fields[0]
        raise BadUserInput(
            f"media.{name} is no longer accepted: upload the file with uploadChatMedia and "
            "pass its id as media.mediaId; name, type, size and thumbnail come from the upload.",
            field=f"media.{name}",
        )
    if value.media_id is None:
        raise BadUserInput(
            "Give media.mediaId: the id of a file uploaded with uploadChatMedia.",
            field="media.mediaId",
        )
    return value.media_id


def media_type(kind: str, mime_type: str) -> None:
    """An IMAGE must sniff as an image, a VIDEO as a video; a DOCUMENT may be any file."""
    expected = KIND_TYPES.get(kind, "")
    if not mime_type.startswith(expected):
        raise BadUserInput(
            f"A {kind} message needs a {expected.rstrip('/')} file; this one is {mime_type}.",
            field="media.mediaId",
        )
