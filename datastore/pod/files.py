"""Files coming in: what a resolver or the upload endpoint hands the pod, and file names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass

from datastore.kit.blobs import StoredBlob

MAX_NAME_CHARS = 255
# Attachments per entry: an entry's list is loaded whole (and paged in memory).
MAX_ATTACHMENTS_PER_ENTRY = 100
# Files in one multipart request (addAttachment takes one, createEntry up to this many).
MAX_FILES_PER_REQUEST = 10
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"\\/:*?<>|]")


@dataclass
class IncomingFile:
    """A file as the client sent it: a name (only for display) and its bytes, streamed."""

    name: str
    chunks: AsyncIterator[bytes]


@dataclass(frozen=True)
class StagedFile:
    """A file in the blob store that no row names yet: attach it or delete it."""

    name: str
    mime_type: str
    blob: StoredBlob
    # The owner keeps the image's EXIF/GPS in the stored file (the media job strips it else).
    keep_metadata: bool = False


def clean_file_name(raw: str | None) -> str:
    """The name to show and to offer in downloads: the last path part, normalised, without
    control or reserved characters, at most 255 characters; "file" when nothing is left."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    return name[:MAX_NAME_CHARS] or "file"
