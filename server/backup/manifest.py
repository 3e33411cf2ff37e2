"""The manifest of a backup folder: what each file holds, and checksums to trust it."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import orjson

FORMAT = "personalpod-backup"
VERSION = 2
READABLE = {1, 2}  # version 1 had no blobs
NAME = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on; nothing was changed by it."""


@dataclass
class StoreFile:
    path: str  # relative to the backup folder
    sha256: str
    bytes: int


@dataclass
class Manifest:
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    alembic_revision: str | None = None
    postgres: StoreFile | None = None
    postgres_rows: dict[str, int] = field(default_factory=dict)  # table -> rows
    dynamodb: dict[str, StoreFile] = field(default_factory=dict)  # table (no prefix) -> file
    dynamodb_items: dict[str, int] = field(default_factory=dict)
    blobs: StoreFile | None = None  # the index of the blob files (key, size, sha256)
    blob_count: int = 0
    blob_bytes: int = 0
    # Blobs rows pointed at that the store could not give back intact: key -> reason.
    blobs_unreadable: dict[str, str] = field(default_factory=dict)

    def write(self, folder: Path) -> None:
        document = {"format": FORMAT, "version": VERSION, **asdict(self)}
        (folder / NAME).write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2))

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / NAME
        if not path.is_file():
            raise BackupError(f"{folder} is not a backup: it has no {NAME}.")
        try:
            document = orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError as error:
            raise BackupError(f"{path} is not valid JSON ({error}).") from error
        if document.get("format") != FORMAT or document.get("version") not in READABLE:
            raise BackupError(f"{path} is not a version {VERSION} {FORMAT} manifest.")
        postgres, blobs = document.get("postgres"), document.get("blobs")
        return cls(
            created_at=document["created_at"],
            alembic_revision=document.get("alembic_revision"),
            postgres=StoreFile(**postgres) if postgres else None,
            postgres_rows=document.get("postgres_rows", {}),
            dynamodb={name: StoreFile(**f) for name, f in document.get("dynamodb", {}).items()},
            dynamodb_items=document.get("dynamodb_items", {}),
            blobs=StoreFile(**blobs) if blobs else None,
            blob_count=document.get("blob_count", 0),
            blob_bytes=document.get("blob_bytes", 0),
            blobs_unreadable=document.get("blobs_unreadable", {}),
        )

    def files(self) -> list[StoreFile]:
        files = [self.postgres, *self.dynamodb.values(), self.blobs]
        return [f for f in files if f is not None]


def describe(folder: Path, relative: str) -> StoreFile:
    path = folder / relative
    return StoreFile(path=relative, sha256=sha256_of(path), bytes=path.stat().st_size)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def verify_files(folder: Path, manifest: Manifest) -> None:
    """Every file the manifest names is there with its checksum; before anything is restored."""
    for store_file in manifest.files():
        path = folder / store_file.path
        if not path.is_file():
            raise BackupError(f"The backup is incomplete: {store_file.path} is missing.")
        if sha256_of(path) != store_file.sha256:
            raise BackupError(f"The backup is damaged: {store_file.path} fails its checksum.")
