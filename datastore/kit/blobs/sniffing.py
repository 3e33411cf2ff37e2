"""What a blob is, from its first bytes: the client's file name and Content-Type are never
trusted (a `.png` may be HTML that a browser would run)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable

import filetype

# `filetype` looks at no more than this many leading bytes.
HEAD_BYTES = 8192
OCTET_STREAM = "application/octet-stream"
TEXT = "text/plain"


def sniff_mime(head: bytes) -> str:
    """The MIME type of a blob starting with `head`: a known magic number, else plain text
    when it is UTF-8 without control characters, else application/octet-stream."""
    kind = filetype.guess(head[:HEAD_BYTES])
    if kind is not None:
        return str(kind.mime)
    if _looks_like_text(head[:HEAD_BYTES]):
        return TEXT
    return OCTET_STREAM


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return True
    try:
        # A multi-byte character may be cut at the end of the head.
        text = (
            head.decode("utf-8", errors="strict")
            if len(head) < HEAD_BYTES
            else (head.decode("utf-8", errors="ignore"))
        )
    except UnicodeDecodeError:
        return False
    return not any(ord(c) < 32 and c not in "\t\n\r\f" for c in text)


def is_allowed(mime: str, allowed: Iterable[str]) -> bool:
    """Whether `mime` matches the allow-list (`image/*` matches every image type)."""
    for pattern in allowed:
        pattern = pattern.strip().lower()
        if pattern == mime or (pattern.endswith("/*") and mime.startswith(pattern[:-1])):
            return True
    return False


async def peek(
    chunks: AsyncIterator[bytes], size: int = HEAD_BYTES
) -> tuple[bytes, AsyncIterator[bytes]]:
    """The first `size` bytes of a stream (fewer if it is shorter), and the whole stream
    again, so the head can be sniffed before anything is stored."""
    head = bytearray()
    taken: list[bytes] = []
    async for chunk in chunks:
        taken.append(chunk)
        head += chunk
        if len(head) >= size:
            break

    async def replay() -> AsyncIterator[bytes]:
        for chunk in taken:
            yield chunk
        async for chunk in chunks:
            yield chunk

    return bytes(head[:size]), replay()
