"""Byte ranges and Content-Disposition of downloads, including hostile file names."""

from __future__ import annotations

import pytest

from datastore.pod.files import clean_file_name
from server.http_ranges import ByteRange, content_disposition, requested_range

ETAG = '"abc"'


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, ByteRange(0, 100, partial=False)),
        ("bytes=0-9", ByteRange(0, 10, partial=True)),
        ("bytes=90-", ByteRange(90, 100, partial=True)),
        ("bytes=95-200", ByteRange(95, 100, partial=True)),
        ("bytes=-5", ByteRange(95, 100, partial=True)),
        ("bytes=-500", ByteRange(0, 100, partial=True)),
        ("bytes=0-1,5-6", ByteRange(0, 100, partial=False)),  # multi-range: whole file
        ("items=0-1", ByteRange(0, 100, partial=False)),
        ("bytes=100-", None),
        ("bytes=5-2", None),
        ("bytes=-0", None),
    ],
)
def test_requested_range(header: str | None, expected: ByteRange | None) -> None:
    headers = {"range": header} if header else {}
    assert requested_range(headers, 100, ETAG) == expected


def test_a_stale_if_range_gets_the_whole_file() -> None:
    headers = {"range": "bytes=0-9", "if-range": '"old"'}
    assert requested_range(headers, 100, ETAG) == ByteRange(0, 100, partial=False)
    headers["if-range"] = ETAG
    assert requested_range(headers, 100, ETAG) == ByteRange(0, 10, partial=True)


def test_content_disposition_encodes_non_ascii_names() -> None:
    assert content_disposition("résumé 2026.pdf", inline=False) == (
        "attachment; filename=\"r_sum_ 2026.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%202026.pdf"
    )


def test_a_hostile_name_cannot_break_out_of_the_header() -> None:
    # given: a name with quotes, CR/LF and a header of its own, as a client might send
    name = clean_file_name('C:\\x\\a"; filename=evil.exe\r\nSet-Cookie: s=1;.txt')
    # when
    header = content_disposition(name, inline=True)
    # then
    assert "\r" not in header and "\n" not in header
    assert header.count('"') == 2
    assert header.startswith('inline; filename="a__ filename=evil.exe__Set-Cookie_ s=1_.txt"; ')


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("  .hidden. ", "hidden"),
        ("", "file"),
        ("a" * 300, "a" * 255),
    ],
)
def test_clean_file_name(raw: str, clean: str) -> None:
    assert clean_file_name(raw) == clean
