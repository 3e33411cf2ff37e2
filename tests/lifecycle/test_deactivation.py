"""deactivateAccount and reactivateAccount by the owner: signed out everywhere at once,
sign-in refused with a message naming the way back, hidden from people search, shown as
DEACTIVATED to friends, and back with everything intact."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support.client import GraphQLClient, error_codes
from tests.support.lifecycle import (
    DEACTIVATE,
    EVENTS,
    FRIENDS,
    ME,
    REACTIVATE,
    RESTORE,
    SEARCH,
    SIGN_IN,
)
from tests.support.people import befriend
from tests.support.pod import create_entry
from tests.support.sharing import (
    CREATE_LINK,
    READ,
    SHARED_ENTRY,
    SHARED_WITH_ME,
    friends,
    later,
    share,
)
from tests.support.ws import WebSocketClient

ENTRIES = "query { entries { edges { node { title } } } }"


async def test_deactivation_signs_out_everywhere_and_hides_the_account(
    client: GraphQLClient, server: Any
) -> None:
    # given: two devices, one with an open websocket, and a friend
    me, friend = await client.sign_up(), await client.sign_up()
    await befriend(client, me, friend)
    other = (await client.data(SIGN_IN, {"l": me.email, "p": me.password}))["signIn"]["token"]
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {other}"})
        # when
        done = await client.data(DEACTIVATE, {"p": me.password}, token=me.token)
        closed = await ws.closed_with()
    # then
    assert done == {"deactivateAccount": True}
    assert closed == 4401
    for token in (me.token, other):
        assert error_codes(await client.execute(ME, token=token)) == ["UNAUTHENTICATED"]
    refused = await client.execute(SIGN_IN, {"l": me.email, "p": me.password})
    assert error_codes(refused) == ["FORBIDDEN"]
    assert refused["errors"][0]["extensions"]["accountState"] == "DEACTIVATED"
    assert "reactivateAccount" in refused["errors"][0]["message"]
    searched = await client.data(SEARCH, {"q": me.username}, token=friend.token)
    assert searched["people"]["edges"] == []
    assert (await client.data(FRIENDS, token=friend.token))["friends"]["edges"] == [
        {"node": {"username": me.username, "accountState": "DEACTIVATED"}}
    ]


async def test_reactivation_signs_in_with_everything_as_it_was(client: GraphQLClient) -> None:
    # given: a deactivated account with an entry
    me, friend = await client.sign_up(), await client.sign_up()
    await create_entry(client, me, title="Kept")
    await client.data(DEACTIVATE, {"p": me.password}, token=me.token)
    # when
    wrong = await client.execute(REACTIVATE, {"l": me.email, "p": "not my password"})
    not_deleted = await client.execute(RESTORE, {"l": me.email, "p": me.password})
    back = await client.data(REACTIVATE, {"l": me.username, "p": me.password})
    token = back["reactivateAccount"]["token"]
    again = await client.execute(REACTIVATE, {"l": me.email, "p": me.password})
    # then
    assert error_codes(wrong) == ["UNAUTHENTICATED"]
    assert error_codes(not_deleted) == ["FORBIDDEN"]  # deactivated, not being deleted
    assert not_deleted["errors"][0]["extensions"]["accountState"] == "DEACTIVATED"
    assert back["reactivateAccount"]["user"]["accountState"] == "ACTIVE"
    assert error_codes(again) == ["CONFLICT"]
    assert (await client.data(ENTRIES, token=token))["entries"]["edges"] == [
        {"node": {"title": "Kept"}}
    ]
    found = await client.data(SEARCH, {"q": me.username}, token=friend.token)
    assert found["people"]["edges"] == [{"node": {"username": me.username}}]
    assert (await client.execute(SIGN_IN, {"l": me.email, "p": me.password}))["data"]["signIn"]


async def test_a_wrong_password_deactivates_nothing(client: GraphQLClient) -> None:
    # given
    me = await client.sign_up()
    # when
    wrong = await client.execute(DEACTIVATE, {"p": "not my password"}, token=me.token)
    # then
    assert error_codes(wrong) == ["BAD_USER_INPUT"]
    assert wrong["errors"][0]["extensions"]["field"] == "password"
    assert (await client.data(ME, token=me.token))["me"]["accountState"] == "ACTIVE"


async def test_the_security_log_shows_the_lifecycle_to_its_owner(
    client: GraphQLClient, server: Any
) -> None:
    # given
    me = await client.sign_up()
    await client.execute(DEACTIVATE, {"p": "not my password"}, token=me.token)
    await client.data(DEACTIVATE, {"p": me.password}, token=me.token)
    await client.execute(SIGN_IN, {"l": me.email, "p": me.password})
    token = (await client.data(REACTIVATE, {"l": me.email, "p": me.password}))["reactivateAccount"][
        "token"
    ]
    # when
    events = await client.data(EVENTS, token=token)
    # then: newest first
    seen = [
        (e["node"]["type"], e["node"]["success"], e["node"]["errorCode"])
        for e in events["securityAuditLog"]["edges"]
    ]
    assert seen == [
        ("SIGN_IN", True, None),
        ("ACCOUNT_REACTIVATED", True, None),
        ("SIGN_IN_FAILED", False, "ACCOUNT_DEACTIVATED"),
        ("ACCOUNT_DEACTIVATED", True, None),
        ("ACCOUNT_DEACTIVATED", False, "WRONG_PASSWORD"),
        ("SIGN_IN", True, None),  # signing up
    ]
    hashed = server.services.security_audit.user_hash(uuid.UUID(me.uuid))
    assert hashed and me.uuid.encode() not in hashed


async def test_what_i_shared_stops_while_deactivated_and_comes_back(
    client: GraphQLClient,
) -> None:
    # given: an entry shared with a friend and by a link
    me, friend = await friends(client)
    note = await create_entry(client, me, title="Shared")
    await share(client, me, note["id"], friend)
    link = (await client.data(CREATE_LINK, {"e": note["id"], "x": later(days=1)}, token=me.token))[
        "createShareLink"
    ]["token"]
    # when
    await client.data(DEACTIVATE, {"p": me.password}, token=me.token)
    read_while = await client.data(READ, {"id": note["id"]}, token=friend.token)
    listed_while = await client.data(SHARED_WITH_ME, token=friend.token)
    link_while = await client.execute(SHARED_ENTRY, {"t": link})
    await client.data(REACTIVATE, {"l": me.email, "p": me.password})
    read_after = await client.data(READ, {"id": note["id"]}, token=friend.token)
    # then
    assert read_while["entry"] is None
    assert listed_while["sharedWithMe"]["edges"] == []
    assert error_codes(link_while) == ["NOT_FOUND"]
    assert read_after["entry"]["title"] == "Shared"
    assert (await client.data(SHARED_ENTRY, {"t": link}))["sharedEntry"]["title"] == "Shared"
