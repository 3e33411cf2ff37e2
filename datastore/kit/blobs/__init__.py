"""The blob store: attachment and media bytes in a local folder or an S3 bucket.

`open_blob_store(settings)` builds the configured backend (`BLOB_STORE=folder|s3`); both
implement `BlobStore` and pass the same tests (tests/kit/test_blob_store.py).
"""

from __future__ import annotations

from datastore.kit.blobs.folder import FolderBlobStore
from datastore.kit.blobs.s3 import S3BlobStore
from datastore.kit.blobs.store import (
    BlobCorrupted,
    BlobError,
    BlobMissing,
    BlobStore,
    BlobTooLarge,
    StoredBlob,
)
from datastore.kit.settings import Settings

__all__ = [
    "BlobCorrupted",
    "BlobError",
    "BlobMissing",
    "BlobStore",
    "BlobTooLarge",
    "FolderBlobStore",
    "S3BlobStore",
    "StoredBlob",
    "open_blob_store",
]


def open_blob_store(settings: Settings) -> BlobStore:
    """The configured backend; nothing connects until `start`."""
    if settings.blob_store == "s3":
        return S3BlobStore(
            bucket=settings.s3_bucket,
            prefix=settings.s3_prefix,
            endpoint=settings.s3_endpoint,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
            part_bytes=settings.s3_part_bytes,
        )
    return FolderBlobStore(settings.blob_dir)
