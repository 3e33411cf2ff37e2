"""Sharing entries with friends: READ reads, WRITE edits with versions, revocation and
expiry end access at once, secrets stay out unless shared explicitly, the owner sees who
read what and when."""

from __future__ import annotations

import asyncio

import httpx

from tests.support.client import GraphQLClient, error_codes
from tests.support.files import ATTACHMENTS, add_attachment
from tests.support.ids import global_id
from tests.support.pod import ENTRIES, UPDATE_ENTRY, create_category, create_entry, create_tag
from tests.support.sharing import (
    ACTIVITY,
    ENTRY_SHARES,
    NODE_TITLE,
    READ,
    REVOKE,
    SHARED_WITH_ME,
    UPDATE_SHARE,
    friends,
    later,
    share,
)

NOTIFICATIONS = "query { notifications(first: 10) { edges { node { kind title data } } } }"


async def test_a_friend_reads_a_shared_entry_in_shared_with_me_until_it_is_revoked(
    client: GraphQLClient,
) -> None:
    # given: an owner's filed, tagged note, and a friend and a stranger
    owner, friend = await friends(client)
    stranger = await client.sign_up()
    category = await create_category(client, owner, "Kitchen")
    tag = await create_tag(client, owner, "family")
    note = await create_entry(
        client, owner, title="Grandma's recipe", body="Flour, eggs", categoryId=category["id"],
        tagIds=[tag["id"]],
    )  # fmt: skip

    # when: shared READ with the friend
    made = await share(client, owner, note["id"], friend)

    # then: the friend sees it in sharedWithMe, through entry and node
    listed = (await client.data(SHARED_WITH_ME, token=friend.token))["sharedWithMe"]["edges"]
    assert [e["node"]["entry"]["title"] for e in listed] == ["Grandma's recipe"]
    assert listed[0]["node"]["share"]["permission"] == "READ"
    assert listed[0]["node"]["share"]["sharedBy"]["username"] == owner.username
    read = (await client.data(READ, {"id": note["id"]}, token=friend.token))["entry"]
    assert (read["body"], read["myPermission"]) == ("Flour, eggs", "READ")
    # without the owner's filing: category and tags are the owner's own
    assert read["category"] is None and read["tags"]["edges"] == []
    node = await client.data(NODE_TITLE, {"id": note["id"]}, token=friend.token)
    assert node["node"]["title"] == "Grandma's recipe"
    # not among the friend's own entries, and nobody else sees it
    assert (await client.data(ENTRIES, token=friend.token))["entries"]["edges"] == []
    assert (await client.data(READ, {"id": note["id"]}, token=stranger.token))["entry"] is None
    # the friend was notified (kind SHARE)
    notified = (await client.data(NOTIFICATIONS, token=friend.token))["notifications"]["edges"]
    shared = [n["node"] for n in notified if n["node"]["kind"] == "SHARE"]
    assert len(shared) == 1 and "Grandma's recipe" in shared[0]["title"]

    # and the owner sees who read it, how often and when
    owner_view = (await client.data(ENTRY_SHARES, {"id": note["id"]}, token=owner.token))["entry"]
    shares = [e["node"] for e in owner_view["shares"]["edges"]]
    assert [s["person"]["username"] for s in shares] == [friend.username]
    assert shares[0]["accessCount"] == 3 and shares[0]["lastAccessedAt"]
    log = (await client.data(ACTIVITY, {"e": note["id"]}, token=owner.token))["activity"]["edges"]
    actions = [(e["node"]["action"], (e["node"]["by"] or {}).get("username")) for e in log]
    assert actions.count(("VIEWED", friend.username)) == 3
    assert ("SHARED", None) in actions

    # when: revoked
    await client.data(REVOKE, {"id": made["id"]}, token=owner.token)

    # then: access ends at once, everywhere
    assert (await client.data(READ, {"id": note["id"]}, token=friend.token))["entry"] is None
    assert (await client.data(NODE_TITLE, {"id": note["id"]}, token=friend.token))["node"] is None
    listed = (await client.data(SHARED_WITH_ME, token=friend.token))["sharedWithMe"]["edges"]
    assert listed == []
    log = (await client.data(ACTIVITY, {"e": note["id"]}, token=owner.token))["activity"]["edges"]
    assert log[0]["node"]["action"] == "UNSHARED"


async def test_a_write_sharer_edits_with_expected_version_and_the_owner_sees_it_as_theirs(
    client: GraphQLClient,
) -> None:
    # given
    owner, friend = await friends(client)
    note = await create_entry(client, owner, title="Shopping list")
    await share(client, owner, note["id"], friend, "WRITE")

    # when: the friend edits version 1
    edited = await client.data(
        UPDATE_ENTRY, {"id": note["id"], "v": 1, "input": {"title": "Shopping list + milk"}},
        token=friend.token,
    )  # fmt: skip

    # then: a new version the owner reads
    assert edited["updateEntry"]["version"] == 2
    mine = (await client.data(READ, {"id": note["id"]}, token=owner.token))["entry"]
    assert (mine["title"], mine["version"]) == ("Shopping list + milk", 2)
    # a stale edit is a CONFLICT, as for the owner
    stale = await client.execute(
        UPDATE_ENTRY, {"id": note["id"], "v": 1, "input": {"title": "lost"}}, token=friend.token
    )
    assert error_codes(stale) == ["CONFLICT"]
    assert stale["errors"][0]["extensions"]["currentVersion"] == 2
    # the owner's activity shows the edit as the friend's, from none of the owner's devices
    log = (await client.data(ACTIVITY, {"e": note["id"]}, token=owner.token))["activity"]["edges"]
    updated = next(e["node"] for e in log if e["node"]["action"] == "UPDATED")
    assert updated["by"]["username"] == friend.username and updated["sessionId"] is None
    # but what files or deletes it stays the owner's
    tag = await create_tag(client, friend, "mine")
    for document, variables in (
        (UPDATE_ENTRY, {"id": note["id"], "v": 2, "input": {"tagIds": [tag["id"]]}}),
        (UPDATE_ENTRY, {"id": note["id"], "v": 2, "input": {"sensitive": True}}),
        ("mutation($id: ID!) { deleteEntry(id: $id) { id } }", {"id": note["id"]}),
    ):
        body = await client.execute(document, variables, token=friend.token)
        assert error_codes(body) == ["FORBIDDEN"], body
    mine = (await client.data(READ, {"id": note["id"]}, token=owner.token))["entry"]
    assert mine["version"] == 2 and mine["tags"]["edges"] == []


async def test_a_password_is_shared_without_its_secret_unless_said_so(
    client: GraphQLClient,
) -> None:
    # given
    owner, friend = await friends(client)
    password = await create_entry(
        client, owner, kind="PASSWORD", title="Wi-Fi", password={"secret": "hunter2"}
    )
    made = await share(client, owner, password["id"], friend)
    # when / then: by default the share shows the entry without its secret
    read = (await client.data(READ, {"id": password["id"]}, token=friend.token))["entry"]
    assert read["title"] == "Wi-Fi" and read["secret"] is None
    # when: shared again with the explicit flag
    await client.data(REVOKE, {"id": made["id"]}, token=owner.token)
    await share(client, owner, password["id"], friend, s=True)
    read = (await client.data(READ, {"id": password["id"]}, token=friend.token))["entry"]
    # then: the friend reads it, and the owner's log records the flag and the reading
    assert read["secret"] == {"password": "hunter2"}
    log = (await client.data(ACTIVITY, {"e": password["id"]}, token=owner.token))["activity"]
    nodes = [e["node"] for e in log["edges"]]
    assert any(n["action"] == "SHARED" and n["newValues"]["includeSecret"] for n in nodes)
    viewed = [n for n in nodes if n["action"] == "SECRET_VIEWED"]
    assert viewed[0]["by"]["username"] == friend.username
    assert "hunter2" not in str(log)


async def test_an_expired_share_is_not_found_the_moment_it_expires(
    client: GraphQLClient,
) -> None:
    # given: a share that lasts about two seconds
    owner, friend = await friends(client)
    note = await create_entry(client, owner, title="Brief")
    made = await share(client, owner, note["id"], friend, x=later(seconds=2))
    assert (await client.data(READ, {"id": note["id"]}, token=friend.token))["entry"]
    # when
    await asyncio.sleep(2.2)
    # then: no job has run; the read itself refuses it
    assert (await client.data(READ, {"id": note["id"]}, token=friend.token))["entry"] is None
    listed = (await client.data(SHARED_WITH_ME, token=friend.token))["sharedWithMe"]["edges"]
    assert listed == []
    # the owner still sees it, inactive, and may extend it
    shares = (await client.data(ENTRY_SHARES, {"id": note["id"]}, token=owner.token))["entry"]
    assert [e["node"]["id"] for e in shares["shares"]["edges"]] == [made["id"]]
    extended = await client.data(
        UPDATE_SHARE, {"id": made["id"], "x": later(days=1)}, token=owner.token
    )
    assert extended["updateShare"]["active"] is True
    assert (await client.data(READ, {"id": note["id"]}, token=friend.token))["entry"]


async def test_bad_shares_get_a_clear_error_and_change_nothing(client: GraphQLClient) -> None:
    # given
    owner, friend = await friends(client)
    stranger = await client.sign_up()
    note = await create_entry(client, owner, title="Mine")
    theirs = await create_entry(client, stranger, title="Theirs")
    ghost = global_id("Person", "00000000-0000-4000-8000-000000000000")
    cases = [
        ({"e": note["id"], "p": _person(owner)}, "BAD_USER_INPUT", "personId"),
        ({"e": note["id"], "p": ghost}, "NOT_FOUND", "personId"),
        ({"e": note["id"], "p": _person(stranger)}, "BAD_USER_INPUT", "personId"),
        ({"e": note["id"], "p": _person(friend), "x": later(seconds=-5)}, "BAD_USER_INPUT",
         "expiresAt"),
        ({"e": note["id"], "p": _person(friend), "x": later(days=400)}, "BAD_USER_INPUT",
         "expiresAt"),
        ({"e": theirs["id"], "p": _person(friend)}, "NOT_FOUND", "entryId"),
        ({"e": global_id("Tag", note["id"]), "p": _person(friend)}, "BAD_USER_INPUT", "entryId"),
    ]  # fmt: skip
    from tests.support.sharing import SHARE

    for variables, code, field in cases:
        # when
        body = await client.execute(SHARE, {"perm": "READ", **variables}, token=owner.token)
        # then
        assert error_codes(body) == [code], (variables, body)
        assert body["errors"][0]["extensions"]["field"] == field, body
    for account, entry in ((owner, note), (stranger, theirs)):
        shares = await client.data(ENTRY_SHARES, {"id": entry["id"]}, token=account.token)
        assert shares["entry"]["shares"]["edges"] == []
    # and sharing twice is a CONFLICT that leaves the first share as it was
    first = await share(client, owner, note["id"], friend)
    again = await client.execute(
        SHARE, {"e": note["id"], "p": _person(friend), "perm": "ADMIN"}, token=owner.token
    )
    assert error_codes(again) == ["CONFLICT"]
    shares = (await client.data(ENTRY_SHARES, {"id": note["id"]}, token=owner.token))["entry"]
    assert [(e["node"]["id"], e["node"]["permission"]) for e in shares["shares"]["edges"]] == [
        (first["id"], "READ")
    ]


def _person(account) -> str:
    from tests.support.people import person_id

    return person_id(account)


async def test_a_sharer_downloads_the_entrys_files_until_the_share_is_revoked(
    client: GraphQLClient,
) -> None:
    # given: a document with a file, shared READ with a friend
    owner, friend = await friends(client)
    document = await create_entry(client, owner, kind="DOCUMENT", title="Lease")
    data = b"%PDF-1.4 lease terms"
    await add_attachment(client, owner, document["id"], "lease.pdf", data)
    made = await share(client, owner, document["id"], friend)

    # when: the friend reads the entry and follows the file's URL
    read = await client.data(ATTACHMENTS, {"id": document["id"]}, token=friend.token)
    url = read["entry"]["attachments"]["edges"][0]["node"]["downloadUrl"]
    async with httpx.AsyncClient() as browser:
        shared = await browser.get(url)
        # then: the bytes, and nothing once the share is revoked (same URL, still signed)
        await client.data(REVOKE, {"id": made["id"]}, token=owner.token)
        revoked = await browser.get(url)
    assert (shared.status_code, shared.content) == (200, data)
    assert revoked.status_code == 404
