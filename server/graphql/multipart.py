"""The GraphQL multipart request spec (jaydenseric/graphql-multipart-request-spec), the
upload format of Apollo Upload Client and urql: form fields `operations` (the request's
JSON, with null where files go), `map` (which file goes to which variable path) and the
files. Starlette spools each file to a temporary file past 1 MiB, so no upload is held in
memory; the body as a whole is capped while it is read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.types import Message

MULTIPART = "multipart/form-data"
# `operations` and `map` are JSON fields, small next to the files.
MAX_FIELD_BYTES = 1_000_000


class MultipartError(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class _BodyTooLarge(Exception):
    pass


@dataclass(frozen=True)
class UploadLimits:
    max_files: int
    max_body_bytes: int


def is_multipart(content_type: str | None) -> bool:
    return content_type is not None and content_type.split(";")[0].strip().lower() == MULTIPART


async def read_multipart(request: Request, limits: UploadLimits) -> tuple[Any, FormData]:
    """The request parameters with each mapped file put in its variable's place, and the
    form (the caller closes it, deleting the temporary files)."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limits.max_body_bytes:
        raise MultipartError(
            f"The request body is over {limits.max_body_bytes} bytes.", 413
        ) from None
    capped = Request(request.scope, _capped(request.receive, limits.max_body_bytes))
    try:
        form = await capped.form(
            max_files=limits.max_files, max_fields=2, max_part_size=MAX_FIELD_BYTES
        )
    except _BodyTooLarge:
        raise MultipartError(
            f"The request body is over {limits.max_body_bytes} bytes.", 413
        ) from None
    except (MultiPartException, HTTPException) as error:
        detail = getattr(error, "message", None) or getattr(error, "detail", "")
        raise MultipartError(f"The multipart body is malformed: {detail}") from None
    try:
        return _with_files(form), form
    except BaseException:
        await form.close()
        raise


def _with_files(form: FormData) -> Any:
    operations = _json_field(form, "operations")
    if not isinstance(operations, dict):
        raise MultipartError("Batched operations are not supported: send one operation.")
    mapping = _json_field(form, "map")
    if not isinstance(mapping, dict):
        raise MultipartError("The 'map' field must be a JSON object.")
    for name, paths in mapping.items():
        upload = form.get(name)
        if not isinstance(upload, UploadFile):
            raise MultipartError(f"The 'map' names a file '{name}' that was not sent.")
        if not isinstance(paths, list) or not paths:
            raise MultipartError(f"The 'map' entry '{name}' must be a list of paths.")
        for path in paths:
            _place(operations, path, upload)
    return operations


def _json_field(form: FormData, name: str) -> Any:
    value = form.get(name)
    if not isinstance(value, str):
        raise MultipartError(f"The multipart body needs a '{name}' field first.")
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        raise MultipartError(f"The '{name}' field is not valid JSON.") from None


def _place(operations: dict[str, Any], path: object, upload: UploadFile) -> None:
    """Put `upload` at `variables.a.0.b` inside the operation (where the client left null)."""
    parts = path.split(".") if isinstance(path, str) else []
    if len(parts) < 2 or parts[0] != "variables":
        raise MultipartError(f"A 'map' path must start with 'variables.': {path!r}.")
    target: Any = operations
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if isinstance(target, dict) and part in target:
            if last:
                target[part] = upload
            else:
                target = target[part]
        elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
            if last:
                target[int(part)] = upload
            else:
                target = target[int(part)]
        else:
            raise MultipartError(f"The 'map' path {path!r} is not in the operation's variables.")


def _capped(
    receive: Callable[[], Awaitable[Message]], limit: int
) -> Callable[[], Awaitable[Message]]:
    seen = 0

    async def receive_capped() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            raise _BodyTooLarge
        return message

    return receive_capped
