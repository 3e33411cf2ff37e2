"""HTTP details of file downloads: one byte range (RFC 9110) and Content-Disposition with
the original file name (RFC 6266, with RFC 8187/5987 encoding for non-ASCII names)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
# RFC 8187 attr-char beyond letters and digits.
_ATTR_CHARS = "!#$&+-.^_`|~"


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # exclusive
    partial: bool

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end - 1}/{size}"


def requested_range(headers: Mapping[str, str], size: int, etag: str) -> ByteRange | None:
    """The bytes to send: the whole file, or the one range asked for; None when the range
    cannot be satisfied (416). A malformed or multi-range header, or an If-Range that no
    longer matches, gets the whole file, as RFC 9110 allows."""
    whole = ByteRange(0, size, partial=False)
    header = headers.get("range")
    if not header:
        return whole
    if_range = headers.get("if-range")
    if if_range is not None and if_range.strip() != etag:
        return whole
    match = _RANGE.fullmatch(header.strip().replace(" ", ""))
    if match is None:
        return whole
    first, last = match.groups()
    if not first and not last:
        return whole
    if not first:  # the last N bytes
        count = int(last)
        if count == 0:
            return None
        return ByteRange(max(size - count, 0), size, partial=True)
    start = int(first)
    end = min(int(last) + 1, size) if last else size
    if start >= size or (last and int(last) < start):
        return None
    return ByteRange(start, end, partial=True)


def content_disposition(name: str, *, inline: bool) -> str:
    """`inline` or `attachment`, with an ASCII fallback name and the exact UTF-8 one; no
    character of `name` can end the header or start another."""
    kind = "inline" if inline else "attachment"
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\%;' else "_" for c in name)
    encoded = quote(name, safe=_ATTR_CHARS)
    return f"{kind}; filename=\"{fallback or 'file'}\"; filename*=UTF-8''{encoded}"
