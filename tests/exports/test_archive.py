"""The archive file itself: what an export writes reads back, and what an import refuses."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from datastore.exports.archive import ArchiveWriter, Manifest
from datastore.exports.reader import ArchiveReader, ReadLimits
from datastore.exports.readme import CONSISTENCY, render
from datastore.exports.sections import SECTIONS, pod
from datastore.kit.errors import BadUserInput

LIMITS = ReadLimits(max_total_bytes=64 * 1024 * 1024, max_file_bytes=1024 * 1024)
TAG = {
    "id": str(uuid.uuid4()),
    "name": "Urgent",
    "slug": "urgent",
    "color": None,
    "usageCount": 0,
    "version": 1,
    "createdAt": "2026-12-02T10:00:00+00:00",
    "updatedAt": "2026-12-02T10:00:00+00:00",
}


async def _rows(values: list[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
    for value in values:
        yield value


def _write(path: Path, tags: list[dict[str, Any]]) -> Manifest:
    async def write() -> Manifest:
        writer = ArchiveWriter(path)
        manifest = Manifest(uuid.uuid4(), uuid.uuid4(), "2026-12-02T10:00:00+00:00", 7, CONSISTENCY)
        manifest.files.append(await writer.write_section(pod.TAGS, _rows(tags)))
        writer.finish(manifest, render(SECTIONS))
        return manifest

    return asyncio.run(write())


def test_a_written_section_reads_back_with_its_manifest(tmp_path: Path) -> None:
    # given: an archive with one section of 1,200 items (more than one write chunk)
    path = tmp_path / "a.zip"
    tags = [{**TAG, "id": str(uuid.uuid4())} for _ in range(1200)]
    manifest = _write(path, tags)

    # when: it is read as an import reads it
    reader = ArchiveReader(path, LIMITS)

    # then: the same items, the manifest's id, a README naming every file
    assert reader.items(pod.TAGS) == tags
    assert reader.archive_id == manifest.archive_id
    assert reader.manifest["syncPosition"] == {"seq": 7}
    readme = zipfile.ZipFile(path).read("README.md").decode()
    assert all(f"## {s.file}" in readme and s.fields[0].name in readme for s in SECTIONS)
    reader.close()


def _write_with_file(path: Path, data: bytes) -> None:
    async def write() -> None:
        writer = ArchiveWriter(path)
        manifest = Manifest(uuid.uuid4(), uuid.uuid4(), "2026-12-02T10:00:00+00:00", 7, CONSISTENCY)
        manifest.files.append(await writer.write_section(pod.TAGS, _rows([TAG])))
        await writer.write_file("files/pod/x/a.bin", _rows_of(data), compress=False)
        writer.finish(manifest, render(SECTIONS))

    asyncio.run(write())


async def _rows_of(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), 1000):
        yield data[start : start + 1000]


def test_a_file_reads_back_checked_against_its_checksum(tmp_path: Path) -> None:
    # given: an archive holding a file
    path = tmp_path / "a.zip"
    data = bytes(range(256)) * 40
    _write_with_file(path, data)
    reader = ArchiveReader(path, LIMITS)

    async def read(sha256: str) -> bytes:
        return b"".join([c async for c in reader.file_chunks("files/pod/x/a.bin", sha256)])

    # when / then: its bytes under the right checksum; BAD_USER_INPUT under another
    assert reader.has_file("files/pod/x/a.bin", len(data))
    assert asyncio.run(read(hashlib.sha256(data).hexdigest())) == data
    with pytest.raises(BadUserInput, match="does not match its checksum"):
        asyncio.run(read("0" * 64))
    reader.close()


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (ReadLimits(max_total_bytes=64 * 1024 * 1024, max_file_bytes=100), "larger than 100"),
        (ReadLimits(max_total_bytes=5000, max_file_bytes=1024 * 1024), "unpacks to more than"),
    ],
)
def test_files_past_the_limits_are_refused(
    tmp_path: Path, limits: ReadLimits, message: str
) -> None:
    path = tmp_path / "a.zip"
    _write_with_file(path, b"x" * 10_000)
    with pytest.raises(BadUserInput, match=message):
        ArchiveReader(path, limits)


def test_an_undocumented_field_fails_the_export(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="undocumented fields"):
        _write(tmp_path / "a.zip", [{**TAG, "secretStuff": 1}])


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        ("not-a-zip", "not a zip archive"),
        ("dot-dot", "outside it"),
        ("bomb", "compressed suspiciously well"),
        ("version", "this server reads version 1"),
        ("checksum", "does not match its checksum"),
    ],
)
def test_bad_archives_get_a_clear_error(tmp_path: Path, problem: str, message: str) -> None:
    # given: a good archive, then spoilt one way
    path = tmp_path / "a.zip"
    _write(path, [TAG])
    with zipfile.ZipFile(path) as good:
        members = {name: good.read(name) for name in good.namelist()}
    if problem == "not-a-zip":
        path.write_bytes(b"just text")
    elif problem == "dot-dot":
        _zip(path, {**members, "../../etc/evil": b"x"})
    elif problem == "bomb":
        _zip(path, {**members, "pod/huge.json": b"0" * (8 * 1024 * 1024)})
    elif problem == "version":
        manifest = orjson.loads(members["manifest.json"])
        _zip(path, {**members, "manifest.json": orjson.dumps({**manifest, "version": 2})})
    else:
        tags = members["pod/tags.json"].replace(b"Urgent", b"Urgenz")
        _zip(path, {**members, "pod/tags.json": tags})

    # when / then: BAD_USER_INPUT naming `file` and saying what is wrong
    with pytest.raises(BadUserInput) as caught:
        reader = ArchiveReader(path, LIMITS)
        reader.items(pod.TAGS)
    assert message in caught.value.message
    assert caught.value.extensions["field"] == "file"


def test_the_formats_document_in_docs_matches_the_sections() -> None:
    # docs/EXPORTS.md is the archive README; regenerate it when a section changes.
    docs = (Path(__file__).resolve().parents[2] / "docs" / "EXPORTS.md").read_text()
    assert render(SECTIONS) in docs
