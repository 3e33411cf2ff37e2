"""Reading an archive for an import: it is untrusted input, so it is checked whole against
every limit (member count, sizes, compression ratio, names, formats, checksums) before
anything is brought in."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import orjson

from datastore.exports.archive import MANIFEST, MANIFEST_FORMAT, MANIFEST_VERSION
from datastore.exports.sections import Section
from datastore.kit.errors import BadUserInput

MAX_MEMBERS = 100_000
# A JSON file is read whole, so it has a limit of its own; files are streamed.
MAX_JSON_BYTES = 64 * 1024 * 1024
# JSON compresses well, but not two hundred times: more is a zip bomb.
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 1024 * 1024
READ_CHUNK = 256 * 1024
# extensions.reason of every error about the archive itself.
BAD_ARCHIVE = "BAD_ARCHIVE"


@dataclass(frozen=True)
class ReadLimits:
    max_total_bytes: int  # everything unpacked
    max_file_bytes: int  # one attachment's file (BLOB_MAX_BYTES)


class ArchiveReader:
    """An archive file, checked before anything is imported from it: BAD_USER_INPUT
    (field `file`) for anything that is not an export of ours, whole and within limits."""

    def __init__(self, path: Path, limits: ReadLimits) -> None:
        self.limits = limits
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError):
            raise bad_archive(
                "This file is not a zip archive (expected an export of PersonalPod)."
            ) from None
        try:
            self._check_members()
            self.manifest = self._manifest()
        except BaseException:
            self.zip.close()
            raise

    def close(self) -> None:
        self.zip.close()

    def _check_members(self) -> None:
        members = self.zip.infolist()
        if len(members) > MAX_MEMBERS:
            raise bad_archive(f"The archive has more than {MAX_MEMBERS} files.")
        total = 0
        for info in members:
            _check_name(info.filename)
            limit = MAX_JSON_BYTES if info.filename.endswith(".json") else None
            limit = limit or self.limits.max_file_bytes
            if info.file_size > limit:
                raise bad_archive(f"{info.filename} is larger than {limit} bytes.")
            if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise bad_archive(f"{info.filename} is compressed suspiciously well (a zip bomb?).")
            total += info.file_size
        if total > self.limits.max_total_bytes:
            raise bad_archive(
                f"The archive unpacks to more than {self.limits.max_total_bytes} bytes."
            )
        self.sizes = {info.filename: info.file_size for info in members}

    def _read(self, name: str) -> bytes:
        """A JSON member's bytes, read no further than its limit whatever its header claims."""
        try:
            with self.zip.open(name) as member:
                data = member.read(MAX_JSON_BYTES + 1)
        except KeyError:
            raise bad_archive(f"The archive has no {name}.") from None
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise bad_archive(f"{name} is damaged ({error}).") from None
        if len(data) > MAX_JSON_BYTES:
            raise bad_archive(f"{name} is larger than {MAX_JSON_BYTES} bytes.")
        return data

    def _manifest(self) -> dict[str, Any]:
        manifest = _json(self._read(MANIFEST), MANIFEST)
        _check_format(manifest, MANIFEST, MANIFEST_FORMAT, MANIFEST_VERSION)
        try:
            uuid.UUID(str(manifest["archiveId"]))
            files = {f["file"]: f for f in manifest["files"]}
        except (KeyError, TypeError, ValueError):
            raise bad_archive("manifest.json is not an export manifest.") from None
        self.files = files
        return manifest

    @property
    def archive_id(self) -> uuid.UUID:
        return uuid.UUID(str(self.manifest["archiveId"]))

    def items(self, section: Section) -> list[dict[str, Any]]:
        """The items of one section's file, checked against the manifest's checksum and the
        format and version this server reads."""
        listed = self.files.get(section.file)
        if listed is None:
            raise bad_archive(f"The manifest does not list {section.file}.")
        data = self._read(section.file)
        if hashlib.sha256(data).hexdigest() != listed.get("sha256"):
            raise bad_archive(f"{section.file} does not match its checksum in the manifest.")
        document = _json(data, section.file)
        _check_format(document, section.file, section.format, section.version)
        items = document.get("items")
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise bad_archive(f"{section.file} has no list of items.")
        return items

    def has_file(self, name: str, size: int) -> bool:
        """Whether the archive holds the file `name` of `size` bytes."""
        return self.sizes.get(name) == size

    async def file_chunks(self, name: str, sha256: str) -> AsyncIterator[bytes]:
        """A file's bytes, read off the event loop; BAD_USER_INPUT at the end when they do
        not match `sha256` (the caller then keeps nothing of them)."""
        digest = hashlib.sha256()
        try:
            member = await asyncio.to_thread(self.zip.open, name)
            try:
                while chunk := await asyncio.to_thread(member.read, READ_CHUNK):
                    digest.update(chunk)
                    yield chunk
            finally:
                member.close()
        except (KeyError, zipfile.BadZipFile, OSError, EOFError):
            raise bad_archive(f"{name} is damaged.") from None
        if digest.hexdigest() != sha256:
            raise bad_archive(f"{name} does not match its checksum.")


def _check_name(name: str) -> None:
    path = PurePosixPath(name)
    if name.startswith("/") or "\\" in name or ".." in path.parts or ":" in name:
        raise bad_archive(f"The archive holds a file outside it ({name!r}).")


def _check_format(document: Any, name: str, expected: str, version: int) -> None:
    if not isinstance(document, dict) or document.get("format") != expected:
        raise bad_archive(f"{name} is not of format {expected}.")
    if document.get("version") != version:
        raise bad_archive(
            f"{name} is version {document.get('version')!r} of {expected}; this server reads "
            f"version {version}."
        )


def _json(data: bytes, name: str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        raise bad_archive(f"{name} is not valid JSON.") from None


def bad_archive(message: str) -> BadUserInput:
    return BadUserInput(message + " Nothing was imported.", field="file", reason=BAD_ARCHIVE)
