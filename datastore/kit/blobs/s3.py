"""The S3 backend (`BLOB_STORE=s3`): one object per blob under `S3_PREFIX` in `S3_BUCKET`.

Small blobs are one PutObject; a blob larger than one part goes up as a multipart upload,
part by part, so memory holds one part at most. A failed or refused upload is aborted, so
nothing of it stays in the bucket.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import structlog
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import ClientError

from datastore.kit.blobs.store import (
    BlobMissing,
    Digests,
    StoredBlob,
    check_key,
    limited,
    new_key,
    read_verified,
    rechunk,
)

log = structlog.get_logger("personalpod.blobs.s3")

MISSING_CODES = frozenset({"NoSuchKey", "404", "NotFound"})


class S3BlobStore:
    def __init__(
        self,
        *,
        bucket: str,
        prefix: str = "",
        endpoint: str = "",
        region: str = "us-east-1",
        access_key_id: str = "",
        secret_access_key: str = "",
        part_bytes: int = 8 * 1024 * 1024,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.endpoint = endpoint or None
        self.region = region
        self.credentials = (
            {"aws_access_key_id": access_key_id, "aws_secret_access_key": secret_access_key}
            if access_key_id
            else {}
        )
        self.part_bytes = part_bytes
        self._stack = AsyncExitStack()
        self.client: Any = None

    async def start(self) -> None:
        # Path-style addressing works with S3 and with every S3-compatible server.
        config = AioConfig(s3={"addressing_style": "path"}, retries={"max_attempts": 3})
        self.client = await self._stack.enter_async_context(
            get_session().create_client(
                "s3",
                endpoint_url=self.endpoint,
                region_name=self.region,
                config=config,
                **self.credentials,
            )
        )

    async def stop(self) -> None:
        await self._stack.aclose()

    def object_key(self, key: str) -> str:
        return self.prefix + check_key(key)

    async def put(
        self, chunks: AsyncIterator[bytes], *, max_bytes: int, key: str | None = None
    ) -> StoredBlob:
        key = new_key() if key is None else check_key(key)
        digests = Digests()
        parts = rechunk(limited(chunks, max_bytes), self.part_bytes)
        first = await anext(parts, b"")
        digests.update(first)
        second = await anext(parts, None)
        if second is None:
            await self.client.put_object(Bucket=self.bucket, Key=self.object_key(key), Body=first)
            return digests.finish(key)
        await self._multipart(key, digests, [first, second], parts)
        return digests.finish(key)

    async def _multipart(
        self,
        key: str,
        digests: Digests,
        ready: list[bytes],
        rest: AsyncIterator[bytes],
    ) -> None:
        name = self.object_key(key)
        created = await self.client.create_multipart_upload(Bucket=self.bucket, Key=name)
        upload_id = created["UploadId"]
        done: list[dict[str, Any]] = []
        try:
            await self._upload_part(name, upload_id, done, ready[0])
            pending: bytes | None = ready[1]
            while pending is not None:
                digests.update(pending)
                await self._upload_part(name, upload_id, done, pending)
                pending = await anext(rest, None)
            await self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=name,
                UploadId=upload_id,
                MultipartUpload={"Parts": done},
            )
        except BaseException:
            await self._abort(name, upload_id)
            raise

    async def _abort(self, name: str, upload_id: str) -> None:
        """Drop the parts of an unfinished upload. Servers without AbortMultipartUpload
        (s3rver) never make an object of them either; on AWS, a bucket lifecycle rule
        (AbortIncompleteMultipartUpload) covers a process that died mid-upload."""
        try:
            await self.client.abort_multipart_upload(
                Bucket=self.bucket, Key=name, UploadId=upload_id
            )
        except ClientError as error:
            log.warning("s3_abort_failed", key=name, code=_error_code(error))

    async def _upload_part(
        self, name: str, upload_id: str, done: list[dict[str, Any]], body: bytes
    ) -> None:
        number = len(done) + 1
        response = await self.client.upload_part(
            Bucket=self.bucket, Key=name, UploadId=upload_id, PartNumber=number, Body=body
        )
        done.append({"ETag": response["ETag"], "PartNumber": number})

    def get(self, blob: StoredBlob, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        name = self.object_key(blob.key)

        async def read_block(first: int, last: int) -> bytes:
            if last <= first:
                return b""
            try:
                response = await self.client.get_object(
                    Bucket=self.bucket, Key=name, Range=f"bytes={first}-{last - 1}"
                )
            except ClientError as error:
                if _error_code(error) in MISSING_CODES:
                    raise BlobMissing(blob.key) from None
                if _error_code(error) == "InvalidRange":
                    return b""  # shorter than it was: the block check reports it
                raise
            async with response["Body"] as body:
                return await body.read()

        return read_verified(blob, start, end, read_block)

    async def delete(self, key: str) -> None:
        await self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))

    async def exists(self, key: str) -> bool:
        try:
            await self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as error:
            if _error_code(error) in MISSING_CODES:
                return False
            raise
        return True


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
