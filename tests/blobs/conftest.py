"""The blob store backends under test: a throwaway folder and a bucket on a real s3rver."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from datastore.kit.blobs import BlobStore, FolderBlobStore, S3BlobStore
from tests.support.s3rver import ACCESS_KEY, SECRET_KEY, S3Server, running_s3rver

# The smallest part S3 accepts, so a multipart upload needs only 11 MiB in a test.
PART_BYTES = 5 * 1024 * 1024


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    with running_s3rver() as server:
        yield server


def s3_store(server: S3Server, prefix: str) -> S3BlobStore:
    return S3BlobStore(
        bucket=server.bucket,
        prefix=prefix,
        endpoint=server.endpoint,
        access_key_id=ACCESS_KEY,
        secret_access_key=SECRET_KEY,
        part_bytes=PART_BYTES,
    )


@pytest.fixture(params=["folder", "s3"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[BlobStore]:
    """Each backend in turn, empty."""
    if request.param == "folder":
        root = Path(tempfile.mkdtemp(prefix="pp-blobs-test-"))
        backend: BlobStore = FolderBlobStore(root)
    else:
        server = request.getfixturevalue("s3_server")
        backend = s3_store(server, prefix=f"t{id(request)}/")
    await backend.start()
    try:
        yield backend
    finally:
        await backend.stop()
        if isinstance(backend, FolderBlobStore):
            shutil.rmtree(backend.root, ignore_errors=True)
