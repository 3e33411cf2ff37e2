"""Issue 11's "done means", end to end over real HTTP and real websockets
(graphql-transport-ws), as two people's clients would do it.

Two people sign up and become friends. One uploads a photo (a PNG with EXIF orientation and
a GPS position) to a DOCUMENT entry as a GraphQL multipart request, watches its thumbnail
become READY live, and downloads it with a Range request. She shares the entry READ with
her friend, whose client sees the share arrive live, lists it in `sharedWithMe` and
downloads the file; she sees who read and downloaded what, and when. She revokes the share:
the friend's open subscription ends with NOT_FOUND, the entry reads as null and the file's
URL answers 404. Last, a share link opens signed out (at /s/<token> and through
`sharedEntry`) until it expires, then answers like an unknown token.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.support.client import Account, GraphQLClient, error_codes
from tests.support.files import ATTACHMENTS, add_attachment
from tests.support.ids import raw_id
from tests.support.images import CAMERA, opened, photo
from tests.support.pod import create_entry
from tests.support.sharing import (
    ACTIVITY,
    CREATE_LINK,
    ENTRY_EVENTS,
    ENTRY_SHARES,
    READ,
    REVOKE,
    SHARE_EVENTS,
    SHARED_ENTRY,
    SHARED_WITH_ME,
    friends,
    later,
    share,
)
from tests.support.ws import WebSocketClient, subscribed

ATTACHMENT_EVENTS = """
subscription {
  attachmentEvents {
    attachmentId status
    attachment { id status size sha256 mimeType thumbnailUrl downloadUrl }
  }
}
"""
NOTIFICATIONS = "query { notifications(first: 10) { edges { node { kind title data } } } }"
LIVE = 30  # seconds a live event may take on a busy two-core machine


async def _connected(ws: WebSocketClient, account: Account) -> None:
    ack = await ws.init({"authorization": f"Bearer {account.token}"})
    assert ack["type"] == "connection_ack", ack


async def _next(ws: WebSocketClient, *operation_ids: str) -> dict[str, dict[str, Any]]:
    """The next frame of each operation, by id, in whatever order they come."""
    frames: dict[str, dict[str, Any]] = {}
    while len(frames) < len(operation_ids):
        frame = await ws.receive(timeout=LIVE)
        if frame.get("id") in operation_ids:
            frames.setdefault(frame["id"], frame)
    return frames


async def _get(url: str, **headers: str) -> httpx.Response:
    """A GET as a browser's <img src> sends it: no Authorization header, no cookie."""
    async with httpx.AsyncClient(timeout=30) as browser:
        return await browser.get(url, headers=headers)


async def test_files_and_sharing_from_upload_to_an_expired_link(
    client: GraphQLClient, server: Any
) -> None:
    # given: Ada and Bob signed up and became friends; Ada keeps her passport in a document
    ada, bob = await friends(client)
    document = await create_entry(client, ada, kind="DOCUMENT", title="Passport")
    original = photo(orientation=6, fmt="PNG")  # 1200 x 600, shown sideways
    assert opened(original).getexif()[0x0112] == 6

    # when: her client listens for processed files, then uploads the photo as multipart
    async with WebSocketClient(server.ws_url) as ada_ws:
        await _connected(ada_ws, ada)
        await subscribed(ada_ws, "files", ATTACHMENT_EVENTS, {})
        body = await add_attachment(
            client, ada, document["id"], "passport.png", original, "application/octet-stream"
        )
        uploaded = body["data"]["addAttachment"]
        processed = (await _next(ada_ws, "files"))["files"]

    # then: accepted as the PNG its bytes are, PENDING; READY with a thumbnail, live
    assert (uploaded["mimeType"], uploaded["status"]) == ("image/png", "PENDING")
    assert uploaded["thumbnailUrl"] is None
    event = processed["payload"]["data"]["attachmentEvents"]
    assert (event["attachmentId"], event["status"]) == (uploaded["id"], "READY")
    ready = event["attachment"]
    assert ready["status"] == "READY" and ready["thumbnailUrl"]
    thumbnail = await _get(ready["thumbnailUrl"])
    assert thumbnail.status_code == 200 and thumbnail.headers["content-type"] == "image/jpeg"
    assert opened(thumbnail.content).size == (160, 320), "the thumbnail is not upright"

    # when: she downloads the photo whole and a range of it
    whole = await _get(ready["downloadUrl"])
    part = await _get(ready["downloadUrl"], range="bytes=100-299")
    # then: the stored image is upright, without its camera's EXIF or position
    assert whole.status_code == 200 and len(whole.content) == ready["size"]
    assert whole.headers["etag"] == f'"{ready["sha256"]}"'
    stored = opened(whole.content)
    assert stored.size == (600, 1200) and not stored.getexif()
    assert CAMERA.encode() not in whole.content
    # and the range is exactly those bytes
    assert part.status_code == 206 and part.content == whole.content[100:300]
    assert part.headers["content-range"] == f"bytes 100-299/{ready['size']}"

    # when: she shares the document READ with Bob, whose client listens
    async with WebSocketClient(server.ws_url) as bob_ws:
        await _connected(bob_ws, bob)
        await subscribed(bob_ws, "shares", SHARE_EVENTS, {})
        made = await share(client, ada, document["id"], bob)
        arrived = (await _next(bob_ws, "shares"))["shares"]["payload"]["data"]["shareEvents"]
        # then: it arrives live, notified, and is listed in his sharedWithMe
        assert (arrived["kind"], arrived["shareId"]) == ("SHARED", made["id"])
        assert arrived["entry"]["title"] == "Passport"
        notified = (await client.data(NOTIFICATIONS, token=bob.token))["notifications"]
        newest = notified["edges"][0]["node"]
        assert newest["kind"] == "SHARE" and "Passport" in newest["title"]
        listed = (await client.data(SHARED_WITH_ME, token=bob.token))["sharedWithMe"]["edges"]
        assert [(e["node"]["entry"]["id"], e["node"]["share"]["permission"]) for e in listed] == [
            (document["id"], "READ")
        ]

        # when: Bob opens it and downloads the file through his own signed URL
        seen = await client.data(ATTACHMENTS, {"id": document["id"]}, token=bob.token)
        files = [e["node"] for e in seen["entry"]["attachments"]["edges"]]
        assert [(f["id"], f["name"], f["status"]) for f in files] == [
            (uploaded["id"], "passport.png", "READY")
        ]
        bobs_url, bobs_thumbnail = files[0]["downloadUrl"], files[0]["thumbnailUrl"]
        assert (await _get(bobs_thumbnail)).content == thumbnail.content
        assert bobs_url != ready["downloadUrl"]
        bobs_copy = await _get(bobs_url)
        bobs_part = await _get(bobs_url, range="bytes=64-127")
        # then: the same bytes Ada has
        assert (bobs_copy.status_code, bobs_copy.content) == (200, whole.content)
        assert (bobs_part.status_code, bobs_part.content) == (206, whole.content[64:128])
        # and Ada sees who read and downloaded what, and when
        owner_view = await client.data(ENTRY_SHARES, {"id": document["id"]}, token=ada.token)
        share_row = owner_view["entry"]["shares"]["edges"][0]["node"]
        assert share_row["person"]["username"] == bob.username and share_row["lastAccessedAt"]
        log = await client.data(ACTIVITY, {"e": document["id"]}, token=ada.token)
        views = [
            e["node"]["newValues"]
            for e in log["activity"]["edges"]
            if e["node"]["action"] == "VIEWED" and e["node"]["by"]["username"] == bob.username
        ]
        downloads = [v for v in views if v.get("attachmentId") == raw_id(uploaded["id"])]
        # one download: a range from the middle continues a read, it is not another one
        assert len(downloads) == 1, views
        assert downloads[0]["shareId"] == raw_id(made["id"])
        assert share_row["accessCount"] == len(views)

        # when: Bob follows the entry, and Ada revokes the share
        await subscribed(bob_ws, "entry", ENTRY_EVENTS, {"id": document["id"]})
        await client.data(REVOKE, {"id": made["id"]}, token=ada.token)
        frames = await _next(bob_ws, "shares", "entry")

    # then: his client hears it end, his open subscription ends with NOT_FOUND
    gone = frames["shares"]["payload"]["data"]["shareEvents"]
    assert (gone["kind"], gone["shareId"], gone["entry"]) == ("UNSHARED", made["id"], None)
    ended = frames["entry"]
    assert ended["type"] == "next" and ended["payload"]["data"] is None, ended
    assert _codes(ended) == ["NOT_FOUND"]
    assert "Passport" not in str(ended)
    # the entry is gone for him, and his still-signed URL is refused
    assert (await client.data(READ, {"id": document["id"]}, token=bob.token))["entry"] is None
    listed = (await client.data(SHARED_WITH_ME, token=bob.token))["sharedWithMe"]["edges"]
    assert listed == []
    assert (await _get(bobs_url)).status_code == 404
    assert (await _get(bobs_url, range="bytes=64-127")).status_code == 404
    assert (await _get(bobs_thumbnail)).status_code == 404
    # Ada's own URL still works
    assert (await _get(ready["downloadUrl"])).status_code == 200

    # when: Ada makes a link that lasts three seconds
    link = (
        await client.data(
            CREATE_LINK, {"e": document["id"], "x": later(seconds=3)}, token=ada.token
        )
    )["createShareLink"]
    token = link["token"]
    # then: anyone opens it signed out, at /s/<token> and through sharedEntry
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as stranger:
        page = await stranger.get(link["path"])
        assert page.status_code == 200 and "<h1>Passport</h1>" in page.text
        view = await stranger.post(
            "/graphql", json={"query": SHARED_ENTRY, "variables": {"t": token}}
        )
        assert view.json()["data"]["sharedEntry"]["title"] == "Passport"
        assert document["id"] not in view.text and ada.user_id not in view.text

        # when: its time runs out
        await asyncio.sleep(3.2)

        # then: it answers as an unknown token does, on both
        assert (await stranger.get(link["path"])).status_code == 404
        expired = await stranger.post(
            "/graphql", json={"query": SHARED_ENTRY, "variables": {"t": token}}
        )
        assert error_codes(expired.json()) == ["NOT_FOUND"]
    links = await client.data(ENTRY_SHARES, {"id": document["id"]}, token=ada.token)
    counted = links["entry"]["shareLinks"]["edges"][0]["node"]
    assert (counted["useCount"], counted["active"]) == (2, False)


def _codes(frame: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in frame["payload"]["errors"]]
