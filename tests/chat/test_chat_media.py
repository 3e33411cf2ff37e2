"""Chat media end to end: a file uploaded by its sender, sent in a message, downloaded by the
conversation's members (and nobody else), its thumbnail arriving live when READY; bad media
input refused with a code, sending nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.background import background_down
from tests.support.chat import MESSAGES, direct
from tests.support.client import GraphQLClient, error_codes
from tests.support.images import opened, photo
from tests.support.media import (
    MESSAGE_MEDIA,
    SEND_MEDIA,
    fetch,
    media_message,
    send_media,
    upload_chat_media,
)
from tests.support.people import befriend, person_id
from tests.support.security import CREATE_GROUP
from tests.support.ws import WebSocketClient, subscribed

LEAVE = "mutation($g: ID!) { leaveGroup(groupId: $g) { id } }"
PROCESSED_EVENTS = """
subscription($c: ID!) {
  conversationEvents(conversationId: $c) {
    kind message { id media { processingStatus thumbnailUrl downloadUrl } }
  }
}
"""
PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n"


async def _messages(client: GraphQLClient, account: Any, conversation: str) -> list[str]:
    data = await client.data(MESSAGES, {"c": conversation, "last": 10}, token=account.token)
    return [e["node"]["id"] for e in data["messages"]["edges"]]


async def _next_of_kind(ws: WebSocketClient, kind: str) -> dict[str, Any]:
    while True:
        frame = await ws.receive(timeout=30)
        assert frame["type"] == "next", frame
        event = frame["payload"]["data"]["conversationEvents"]
        if event["kind"] == kind:
            return event


async def test_a_member_sees_the_thumbnail_become_ready_live_and_downloads_the_photo(
    client: GraphQLClient, server: Any
) -> None:
    # given: Ada and Bob talk; Bob has the conversation open
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    job = server.services.media
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {bob.token}"})
        await subscribed(ws, "e", PROCESSED_EVENTS, {"c": conversation})
        # when: Ada uploads and sends a photo before the job gets to it
        matches = lambda t: t.get_name() == "media-worker"  # noqa: E731
        async with background_down(server, matches, job.run, "media-worker"):
            uploaded = await upload_chat_media(client, ada, photo(), name="beach.jpg")
            sent = await send_media(client, ada, conversation, uploaded["id"], body="the beach")
            added = await _next_of_kind(ws, "MESSAGE_ADDED")
        # then: PENDING at first, then READY with a thumbnail, live
        assert added["message"]["media"]["processingStatus"] == "PENDING"
        assert added["message"]["media"]["thumbnailUrl"] is None
        processed = await _next_of_kind(ws, "MEDIA_PROCESSED")
    assert processed["message"]["id"] == sent["id"]
    media = processed["message"]["media"]
    assert media["processingStatus"] == "READY"
    thumbnail = await fetch(media["thumbnailUrl"])
    assert thumbnail.status_code == 200 and opened(thumbnail.content).format == "JPEG"
    # Bob downloads the photo, a range of it too, with the uploaded name
    whole = await fetch(media["downloadUrl"])
    assert whole.status_code == 200 and not opened(whole.content).getexif()
    assert 'filename="beach.jpg"' in whole.headers["content-disposition"]
    part = await fetch(media["downloadUrl"], range="bytes=0-99")
    assert part.status_code == 206 and part.content == whole.content[:100]
    assert sent["media"]["fileName"] == "beach.jpg"
    assert sent["media"]["mimeType"] == "image/jpeg" and sent["media"]["storagePath"] is None


async def test_the_message_metadata_comes_from_the_upload(client: GraphQLClient) -> None:
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    uploaded = await upload_chat_media(client, ada, PDF, name="notes.pdf")

    sent = await send_media(client, ada, conversation, uploaded["id"], kind="DOCUMENT")

    assert sent["kind"] == "DOCUMENT"
    media = sent["media"]
    assert (media["fileName"], media["mimeType"], media["sizeBytes"]) == (
        "notes.pdf",
        "application/pdf",
        len(PDF),
    )
    assert media["sha256"] == uploaded["sha256"] and media["processingStatus"] == "READY"
    assert media["thumbnailUrl"] is None
    seen = await client.data(MESSAGE_MEDIA, {"id": sent["id"]}, token=bob.token)
    assert (await fetch(seen["node"]["media"]["downloadUrl"])).content == PDF


async def test_nobody_outside_the_conversation_can_download(client: GraphQLClient) -> None:
    # given: Ada sent Bob a file; Carol is in neither end
    ada, bob, carol = [await client.sign_up() for _ in range(3)]
    conversation = await direct(client, ada, bob)
    uploaded = await upload_chat_media(client, ada, PDF, name="secret.pdf")
    sent = await send_media(client, ada, conversation, uploaded["id"], kind="DOCUMENT")
    bobs_url = (await client.data(MESSAGE_MEDIA, {"id": sent["id"]}, token=bob.token))["node"][
        "media"
    ]["downloadUrl"]
    # when: Carol reads the message, the upload, and Bob's URL re-signed for herself
    message = await client.data(MESSAGE_MEDIA, {"id": sent["id"]}, token=carol.token)
    upload = await client.data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": uploaded["id"]}, token=carol.token
    )
    as_carol = bobs_url.replace(f"v={bob.uuid}", f"v={carol.uuid}")
    # then
    assert message["node"] is None and upload["node"] is None
    assert (await fetch(as_carol)).status_code == 404
    assert (await fetch(bobs_url)).status_code == 200


async def test_a_former_member_can_no_longer_download(client: GraphQLClient) -> None:
    # given: a group of three; Ada sends a file; Carol has its URL
    ada, bob, carol = [await client.sign_up() for _ in range(3)]
    for friend in (bob, carol):
        await befriend(client, ada, friend)
    group = (
        await client.data(
            CREATE_GROUP,
            {"i": {"name": "trip", "memberIds": [person_id(bob), person_id(carol)]}},
            token=ada.token,
        )
    )["createGroup"]
    uploaded = await upload_chat_media(client, ada, PDF, name="plan.pdf")
    sent = await send_media(
        client, ada, group["conversation"]["id"], uploaded["id"], kind="DOCUMENT"
    )
    carols = await client.data(MESSAGE_MEDIA, {"id": sent["id"]}, token=carol.token)
    url = carols["node"]["media"]["downloadUrl"]
    assert (await fetch(url)).status_code == 200
    # when
    await client.data(LEAVE, {"g": group["id"]}, token=carol.token)
    # then: the same, unexpired URL stops working at once
    assert (await fetch(url)).status_code == 404


async def test_deleting_the_message_ends_its_downloads(client: GraphQLClient) -> None:
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    uploaded = await upload_chat_media(client, ada, PDF)
    sent = await send_media(client, ada, conversation, uploaded["id"], kind="DOCUMENT")
    url = (await client.data(MESSAGE_MEDIA, {"id": sent["id"]}, token=bob.token))["node"]["media"][
        "downloadUrl"
    ]

    await client.data(
        "mutation($id: ID!) { deleteMessage(id: $id) { id } }", {"id": sent["id"]}, token=ada.token
    )

    assert (await fetch(url)).status_code == 404


async def test_a_retried_send_carries_the_file_once(client: GraphQLClient) -> None:
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    uploaded = await upload_chat_media(client, ada, PDF)
    variables = media_message(conversation, uploaded["id"], kind="DOCUMENT")

    first = await client.data(SEND_MEDIA, variables, token=ada.token)
    again = await client.data(SEND_MEDIA, variables, token=ada.token)

    assert first["sendMessage"]["id"] == again["sendMessage"]["id"]
    assert await _messages(client, bob, conversation) == [first["sendMessage"]["id"]]


@pytest.mark.parametrize(
    ("media", "kind", "code", "field"),
    [
        ({"storagePath": "u/a.png"}, "IMAGE", "BAD_USER_INPUT", "media.storagePath"),
        (
            {"fileName": "a.png", "mimeType": "image/png", "sizeBytes": 3},
            "IMAGE",
            "BAD_USER_INPUT",
            "media.fileName",
        ),
        (
            {"thumbnailUrl": "https://cdn.example/t.png"},
            "IMAGE",
            "BAD_USER_INPUT",
            "media.thumbnailUrl",
        ),
        ({"mediaId": None}, "IMAGE", "BAD_USER_INPUT", "media.mediaId"),
        ("pdf", "IMAGE", "BAD_USER_INPUT", "media.mediaId"),
        ("pdf", "VIDEO", "BAD_USER_INPUT", "media.mediaId"),
        ("theirs", "DOCUMENT", "NOT_FOUND", "media.mediaId"),
        ("unknown", "DOCUMENT", "NOT_FOUND", "media.mediaId"),
        ("used", "DOCUMENT", "CONFLICT", "media.mediaId"),
        ("not-an-id", "DOCUMENT", "BAD_USER_INPUT", "media.mediaId"),
    ],
    ids=[
        "storage-path",
        "client-metadata",
        "thumbnail-url",
        "no-media-id",
        "pdf-as-image",
        "pdf-as-video",
        "another-users-upload",
        "unknown-upload",
        "already-sent",
        "malformed-id",
    ],
)
async def test_bad_media_is_refused_with_its_field_and_sends_nothing(
    client: GraphQLClient, media: Any, kind: str, code: str, field: str
) -> None:
    # given
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    other = await direct(client, ada, await client.sign_up())
    mine = await upload_chat_media(client, ada, PDF)
    theirs = await upload_chat_media(client, bob, PDF)
    used = await upload_chat_media(client, ada, PDF)
    await send_media(client, ada, other, used["id"], kind="DOCUMENT")
    ids = {
        "pdf": mine["id"],
        "theirs": theirs["id"],
        "unknown": "Q2hhdE1lZGlhOjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA==",
        "used": used["id"],
        "not-an-id": "nope",
    }
    media_id = ids.get(media, mine["id"]) if isinstance(media, str) else mine["id"]
    variables = media_message(conversation, media_id, kind=kind)
    if isinstance(media, dict):
        variables["input"]["media"] = media
    # when
    body = await client.execute(SEND_MEDIA, variables, token=ada.token)
    # then
    assert error_codes(body) == [code], body
    if media != "not-an-id":  # a malformed ID is refused by the ID scalar itself
        assert body["errors"][0]["extensions"]["field"] == field
    assert await _messages(client, ada, conversation) == []
    assert await _messages(client, bob, conversation) == []
