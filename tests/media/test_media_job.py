"""The media job on real uploads: images stored upright without EXIF/GPS (unless kept), a
thumbnail, FAILED with a reason for a corrupt image, READY at once for other files, and a
crash mid-job leaving the file to be claimed again, a bounded number of times."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import text

from datastore.chat.repository.media import CHAT_MEDIA_QUEUE
from datastore.kit.images import THUMBNAIL_EDGE
from datastore.kit.processing import GAVE_UP
from datastore.media.service import MediaProcessor
from tests.support.client import GraphQLClient
from tests.support.ids import raw_id
from tests.support.images import CAMERA, CORRUPT_PNG, opened, photo
from tests.support.media import CHAT_MEDIA, fetch, upload_chat_media


async def _drain(job: MediaProcessor) -> None:
    while await job.run_once():
        pass


async def _media(client: GraphQLClient, token: str, media_id: str) -> dict[str, Any]:
    return (await client.data(CHAT_MEDIA, {"id": media_id}, token=token))["node"]


async def _row(server: Any, media_id: str) -> Any:
    async with server.services.clients.db() as session:
        result = await session.execute(
            text("SELECT * FROM chat_media WHERE id = :id"), {"id": raw_id(media_id)}
        )
        return result.one()


async def _garbage(server: Any, key: str) -> bool:
    async with server.services.clients.db() as session:
        result = await session.execute(
            text("SELECT 1 FROM blob_garbage WHERE blob_key = :k"), {"k": key}
        )
        return result.first() is not None


async def test_an_image_is_stored_upright_without_its_position_and_gets_a_thumbnail(
    client: GraphQLClient, server: Any, media_job: MediaProcessor
) -> None:
    # given: a sideways camera photo with a GPS position
    ada = await client.sign_up()
    original = photo(orientation=6)
    uploaded = await upload_chat_media(client, ada, original)
    assert uploaded["processingStatus"] == "PENDING" and uploaded["thumbnailUrl"] is None
    first_key = (await _row(server, uploaded["id"])).blob_key
    # when
    await _drain(media_job)
    # then
    done = await _media(client, ada.token, uploaded["id"])
    assert done["processingStatus"] == "READY" and done["processingError"] is None
    stored = await fetch(done["downloadUrl"])
    assert stored.status_code == 200
    image = opened(stored.content)
    assert image.size == (600, 1200), "not turned upright"
    assert not image.getexif() and CAMERA.encode() not in stored.content
    assert done["sha256"] != uploaded["sha256"] and done["sizeBytes"] == len(stored.content)
    assert stored.headers["etag"] == f'"{done["sha256"]}"'
    thumbnail = await fetch(done["thumbnailUrl"])
    assert thumbnail.status_code == 200 and thumbnail.headers["content-type"] == "image/jpeg"
    assert opened(thumbnail.content).size == (THUMBNAIL_EDGE // 2, THUMBNAIL_EDGE)
    # the original, with its position, is queued for deletion from the store
    assert await _garbage(server, first_key)


async def test_the_owner_may_keep_the_metadata(
    client: GraphQLClient, media_job: MediaProcessor
) -> None:
    # given
    ada = await client.sign_up()
    original = photo()
    uploaded = await upload_chat_media(client, ada, original, keep_metadata=True)
    # when
    await _drain(media_job)
    # then: the same bytes, EXIF and all, and still a thumbnail
    done = await _media(client, ada.token, uploaded["id"])
    assert done["processingStatus"] == "READY" and done["sha256"] == uploaded["sha256"]
    assert (await fetch(done["downloadUrl"])).content == original
    assert (await fetch(done["thumbnailUrl"])).status_code == 200


async def test_a_corrupt_image_fails_with_a_reason(
    client: GraphQLClient, media_job: MediaProcessor
) -> None:
    # given: bytes that sniff as PNG but decode as nothing
    ada = await client.sign_up()
    uploaded = await upload_chat_media(client, ada, CORRUPT_PNG, name="broken.png")
    assert uploaded["mimeType"] == "image/png" and uploaded["processingStatus"] == "PENDING"
    # when
    await _drain(media_job)
    # then
    done = await _media(client, ada.token, uploaded["id"])
    assert done["processingStatus"] == "FAILED"
    assert done["processingError"] == "The file is not an image that can be read."
    assert done["thumbnailUrl"] is None
    assert (await fetch(done["downloadUrl"])).content == CORRUPT_PNG  # kept as uploaded


async def test_a_file_that_is_no_image_is_ready_at_once_and_never_queued(
    client: GraphQLClient, server: Any, media_job: MediaProcessor
) -> None:
    ada = await client.sign_up()
    uploaded = await upload_chat_media(client, ada, b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n", name="a.pdf")

    assert uploaded["mimeType"] == "application/pdf"
    assert uploaded["processingStatus"] == "READY" and uploaded["thumbnailUrl"] is None
    await _drain(media_job)
    assert (await _row(server, uploaded["id"])).processing_attempts == 0


async def test_a_crash_mid_job_leaves_the_file_claimable_again(
    client: GraphQLClient, server: Any, media_job: MediaProcessor, media_settings: Any
) -> None:
    # given: a worker leased the file, then died before answering
    ada = await client.sign_up()
    uploaded = await upload_chat_media(client, ada, photo())
    media_settings.lease_seconds = 1.0
    async with server.services.clients.db() as session, session.begin():
        leased = await CHAT_MEDIA_QUEUE.claim(
            session, limit=1000, lease_seconds=1.0, max_attempts=media_settings.max_attempts
        )
    assert raw_id(uploaded["id"]) in {str(job.id) for job in leased}
    # when: another worker looks while the lease holds, and again after it ran out
    await _drain(media_job)
    during = await _media(client, ada.token, uploaded["id"])
    await asyncio.sleep(1.2)
    await _drain(media_job)
    # then
    assert during["processingStatus"] == "PENDING"
    after = await _media(client, ada.token, uploaded["id"])
    assert after["processingStatus"] == "READY" and after["thumbnailUrl"]
    assert (await _row(server, uploaded["id"])).processing_attempts == 2


async def test_retries_are_bounded(
    client: GraphQLClient, server: Any, media_job: MediaProcessor, media_settings: Any
) -> None:
    # given: every attempt so far crashed (leased, never answered)
    ada = await client.sign_up()
    uploaded = await upload_chat_media(client, ada, photo())
    media_settings.max_attempts = 2
    for _ in range(2):
        async with server.services.clients.db() as session, session.begin():
            await CHAT_MEDIA_QUEUE.claim(session, limit=1000, lease_seconds=0.2, max_attempts=2)
        await asyncio.sleep(0.3)
    # when
    await _drain(media_job)
    # then: given up, with a reason, instead of being tried forever
    done = await _media(client, ada.token, uploaded["id"])
    assert done["processingStatus"] == "FAILED" and done["processingError"] == GAVE_UP
    assert (await _row(server, uploaded["id"])).processing_attempts == 2
