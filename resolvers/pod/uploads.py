"""Files arriving with a GraphQL multipart request (the `Upload` scalar), as the pod takes them."""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.datastructures import UploadFile

from datastore.kit.errors import BadUserInput
from datastore.pod.files import IncomingFile

READ_BYTES = 256 * 1024


def incoming_file(value: object, *, field: str) -> IncomingFile:
    """The file a multipart request mapped to `field`; BAD_USER_INPUT for anything else
    (a string in JSON variables, say)."""
    if not isinstance(value, UploadFile):
        raise BadUserInput(
            "Send a file here with a multipart request (the GraphQL multipart request spec).",
            field=field,
        )
    return IncomingFile(value.filename or "", _chunks(value))


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    # Starlette spooled the part to a temporary file: read it back a piece at a time.
    await upload.seek(0)
    while chunk := await upload.read(READ_BYTES):
        yield chunk
