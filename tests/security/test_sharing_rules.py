"""Every cross-user rule of sharing: only a live share opens another's entry, a READ sharer
cannot write or share, an ADMIN sharer cannot remove the owner, shares and links of others
are NOT_FOUND, a link token reveals nothing else, and the access resolver downloads will
ask says None for an entry that is not (or no longer) shared."""

from __future__ import annotations

import uuid

from tests.support.client import GraphQLClient, error_codes
from tests.support.ids import raw_id
from tests.support.people import befriend, person_id
from tests.support.pod import UPDATE_ENTRY, create_entry
from tests.support.sharing import (
    CREATE_LINK,
    ENTRY_SHARES,
    NODE_TITLE,
    READ,
    REVOKE,
    REVOKE_LINK,
    SHARE,
    SHARED_ENTRY,
    UPDATE_SHARE,
    friends,
    later,
    share,
)

SHARE_NODE = "query($id: ID!) { node(id: $id) { id ... on Share { permission accessCount } } }"


async def test_a_read_sharer_cannot_write_or_share(client: GraphQLClient) -> None:
    # given: the reader has a friend of their own
    owner, reader = await friends(client)
    their_friend = await client.sign_up()
    await befriend(client, reader, their_friend)
    note = await create_entry(client, owner, title="Read only")
    await share(client, owner, note["id"], reader)
    doors = [
        (UPDATE_ENTRY, {"id": note["id"], "v": 1, "input": {"title": "changed"}}),
        (SHARE, {"e": note["id"], "p": person_id(their_friend), "perm": "READ"}),
        (CREATE_LINK, {"e": note["id"], "x": later(days=1)}),
        ("mutation($id: ID!) { deleteEntry(id: $id) { id } }", {"id": note["id"]}),
    ]
    for document, variables in doors:
        # when
        body = await client.execute(document, variables, token=reader.token)
        # then
        assert error_codes(body) == ["FORBIDDEN"], (document, body)
    mine = (await client.data(READ, {"id": note["id"]}, token=owner.token))["entry"]
    assert (mine["title"], mine["version"]) == ("Read only", 1)
    shares = (await client.data(ENTRY_SHARES, {"id": note["id"]}, token=owner.token))["entry"]
    assert len(shares["shares"]["edges"]) == 1 and shares["shareLinks"]["edges"] == []
    # and a READ sharer does not see whom else it is shared with
    theirs = (await client.data(ENTRY_SHARES, {"id": note["id"]}, token=reader.token))["entry"]
    assert theirs["shares"]["edges"] == [] and theirs["myPermission"] == "READ"


async def test_an_admin_sharer_shares_further_but_cannot_remove_the_owner(
    client: GraphQLClient,
) -> None:
    # given
    owner, admin = await friends(client)
    reader = await client.sign_up()
    await befriend(client, owner, reader)
    await befriend(client, admin, reader)
    note = await create_entry(client, owner, title="Team doc")
    await share(client, owner, note["id"], admin, "ADMIN")
    owners_share = await share(client, owner, note["id"], reader)

    # when / then: the owner cannot be shared with, their share not revoked or changed,
    # the entry not deleted
    body = await client.execute(
        SHARE, {"e": note["id"], "p": person_id(owner), "perm": "READ"}, token=admin.token
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    for document, variables in (
        (REVOKE, {"id": owners_share["id"]}),
        (UPDATE_SHARE, {"id": owners_share["id"], "perm": "ADMIN"}),
        ("mutation($id: ID!) { deleteEntry(id: $id) { id } }", {"id": note["id"]}),
    ):
        body = await client.execute(document, variables, token=admin.token)
        assert error_codes(body) == ["FORBIDDEN"], (document, body)
    assert (await client.data(READ, {"id": note["id"]}, token=reader.token))["entry"]

    # and an ADMIN sharer may share further, and manage what they made
    other = await client.sign_up()
    await befriend(client, admin, other)
    further = await share(client, admin, note["id"], other)
    assert further["sharedBy"]["username"] == admin.username
    assert (await client.data(READ, {"id": note["id"]}, token=other.token))["entry"]
    await client.data(REVOKE, {"id": further["id"]}, token=admin.token)
    assert (await client.data(READ, {"id": note["id"]}, token=other.token))["entry"] is None


async def test_others_shares_and_links_are_not_found(client: GraphQLClient) -> None:
    # given
    owner, friend = await friends(client)
    stranger = await client.sign_up()
    note = await create_entry(client, owner, title="Ours")
    made = await share(client, owner, note["id"], friend)
    link = (
        await client.data(CREATE_LINK, {"e": note["id"], "x": later(days=1)}, token=owner.token)
    )["createShareLink"]["link"]
    # when / then
    for document, variables in (
        (REVOKE, {"id": made["id"]}),
        (UPDATE_SHARE, {"id": made["id"], "perm": "ADMIN"}),
        (REVOKE_LINK, {"id": link["id"]}),
    ):
        body = await client.execute(document, variables, token=stranger.token)
        assert error_codes(body) == ["NOT_FOUND"], (document, body)
        assert "Ours" not in str(body)
    for node_id in (made["id"], link["id"], note["id"]):
        assert (await client.data(NODE_TITLE, {"id": node_id}, token=stranger.token))[
            "node"
        ] is None
    # the person sees their share, until it ends
    assert (await client.data(SHARE_NODE, {"id": made["id"]}, token=friend.token))["node"]
    await client.data(REVOKE, {"id": made["id"]}, token=owner.token)
    assert (await client.data(SHARE_NODE, {"id": made["id"]}, token=friend.token))["node"] is None
    # and a person cannot raise their own permission
    again = await share(client, owner, note["id"], friend)
    body = await client.execute(
        UPDATE_SHARE, {"id": again["id"], "perm": "ADMIN"}, token=friend.token
    )
    assert error_codes(body) == ["FORBIDDEN"]


async def test_a_link_token_never_reveals_other_entries(client: GraphQLClient) -> None:
    owner = await client.sign_up()
    shared = await create_entry(client, owner, title="Shared one")
    hidden = [await create_entry(client, owner, title=f"Hidden {n}") for n in range(3)]
    token = (
        await client.data(CREATE_LINK, {"e": shared["id"], "x": later(days=1)}, token=owner.token)
    )["createShareLink"]["token"]
    # a link view has no ids to follow, and its holder is nobody: node is null
    body = await client.execute(SHARED_ENTRY, {"t": token})
    assert body["data"]["sharedEntry"]["title"] == "Shared one"
    for entry in hidden:
        assert entry["title"] not in str(body) and entry["id"] not in str(body)
        assert (await client.data(NODE_TITLE, {"id": entry["id"]}))["node"] is None
    # the token is no bearer token either
    body = await client.execute(NODE_TITLE, {"id": shared["id"]}, token=token)
    assert body["data"] == {"node": None}


async def test_the_access_resolver_says_none_unless_shared_now(
    client: GraphQLClient, server
) -> None:
    """Downloads of an entry's files ask `EntryAccess.permission`: never for an unshared,
    revoked or someone else's entry."""
    owner, friend = await friends(client)
    stranger = await client.sign_up()
    note = await create_entry(client, owner, title="With files")
    access = server.services.pod.access
    entry_id = uuid.UUID(raw_id(note["id"]))

    def user(account) -> uuid.UUID:
        return uuid.UUID(account.uuid)

    assert await access.permission(user(owner), entry_id) == "OWNER"
    assert await access.permission(user(friend), entry_id) is None
    made = await share(client, owner, note["id"], friend, "WRITE")
    assert await access.permission(user(friend), entry_id) == "WRITE"
    assert await access.permission(user(stranger), entry_id) is None
    await client.data(REVOKE, {"id": made["id"]}, token=owner.token)
    assert await access.permission(user(friend), entry_id) is None
    # a trashed entry is its owner's alone
    await share(client, owner, note["id"], friend)
    await client.data("mutation($id: ID!) { deleteEntry(id: $id) { id } }", {"id": note["id"]},
                      token=owner.token)  # fmt: skip
    assert await access.permission(user(friend), entry_id) is None
    assert await access.permission(user(owner), entry_id) == "OWNER"


async def test_blocking_ends_shares_both_ways(client: GraphQLClient, server) -> None:
    from tests.support.people import BLOCK
    from tests.support.wait import eventually

    owner, friend = await friends(client)
    mine = await create_entry(client, owner, title="Mine to them")
    theirs = await create_entry(client, friend, title="Theirs to me")
    await share(client, owner, mine["id"], friend)
    await share(client, friend, theirs["id"], owner)
    # when
    await client.data(BLOCK, {"id": person_id(friend)}, token=owner.token)

    # then: the relay's sink revokes both
    async def ended() -> bool:
        a = await client.data(READ, {"id": mine["id"]}, token=friend.token)
        b = await client.data(READ, {"id": theirs["id"]}, token=owner.token)
        return a["entry"] is None and b["entry"] is None

    await eventually(ended, timeout=30, interval=0.2)
