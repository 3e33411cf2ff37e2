"""A group's life cycle with roles; removal ends the removed member's live events."""

from __future__ import annotations

from sqlalchemy import text

from tests.support.chat import EVENTS, MESSAGES, SEND, message_input, send
from tests.support.client import GraphQLClient, error_codes
from tests.support.people import BLOCK, befriend, person_id
from tests.support.ws import WebSocketClient, subscribed

CREATE = """
mutation($input: CreateGroupInput!) {
  createGroup(input: $input) { id name visibility myRole memberCount conversation { id kind } }
}
"""
MEMBER_OP = """
mutation($g: ID!, $u: ID!) {
  {op}(groupId: $g, userId: $u) {
    memberCount members { edges { node { role person { username } } } }
  }
}
"""
JOIN = "mutation($g: ID!) { joinGroup(groupId: $g) { myRole memberCount } }"
LEAVE = "mutation($g: ID!) { leaveGroup(groupId: $g) { myRole } }"
UPDATE = "mutation($input: UpdateGroupInput!) { updateGroup(input: $input) { name description } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Group { name } } }"
NOTIFICATIONS = "query { notifications { edges { node { kind data } } } }"


def op(name: str) -> str:
    return MEMBER_OP.replace("{op}", name)


def roles(result: dict) -> dict[str, str]:
    edges = next(iter(result.values()))["members"]["edges"]
    return {e["node"]["person"]["username"]: e["node"]["role"] for e in edges}


async def test_a_group_life_cycle_with_roles(client: GraphQLClient) -> None:
    # given: Olive owns a private group with her friend Adam
    olive, adam, mia, zed = [await client.sign_up() for _ in range(4)]
    await befriend(client, olive, adam)
    created = (
        await client.data(
            CREATE,
            {"input": {"name": "Climbers", "memberIds": [person_id(adam)]}},
            token=olive.token,
        )
    )["createGroup"]
    group = created["id"]
    assert created["myRole"] == "OWNER" and created["memberCount"] == 2
    assert created["conversation"]["kind"] == "GROUP"
    # when: Mia is invited and joins; Adam is promoted; ownership is handed over
    await client.data(op("inviteToGroup"), {"g": group, "u": person_id(mia)}, token=olive.token)
    joined = await client.data(JOIN, {"g": group}, token=mia.token)
    promoted = await client.data(
        op("promoteGroupMember"), {"g": group, "u": person_id(adam)}, token=olive.token
    )
    # an admin cannot remove the owner, nor can a member promote
    refused = await client.execute(
        op("removeGroupMember"), {"g": group, "u": person_id(olive)}, token=adam.token
    )
    not_owner = await client.execute(
        op("promoteGroupMember"), {"g": group, "u": person_id(olive)}, token=mia.token
    )
    owner_leaves = await client.execute(LEAVE, {"g": group}, token=olive.token)
    transferred = await client.data(
        op("transferGroupOwnership"), {"g": group, "u": person_id(adam)}, token=olive.token
    )
    demoted = await client.data(
        op("demoteGroupMember"), {"g": group, "u": person_id(olive)}, token=adam.token
    )
    left = await client.data(LEAVE, {"g": group}, token=olive.token)
    renamed = await client.data(
        UPDATE, {"input": {"groupId": group, "description": "Up we go"}}, token=adam.token
    )
    # then
    assert joined["joinGroup"] == {"myRole": "MEMBER", "memberCount": 3}
    assert roles(promoted)[adam.username] == "ADMIN"
    assert error_codes(refused) == ["FORBIDDEN"] and error_codes(not_owner) == ["FORBIDDEN"]
    assert error_codes(owner_leaves) == ["CONFLICT"]
    assert roles(transferred)[adam.username] == "OWNER"
    assert roles(transferred)[olive.username] == "ADMIN"
    assert roles(demoted)[olive.username] == "MEMBER"
    assert left["leaveGroup"]["myRole"] is None
    assert renamed["updateGroup"] == {"name": "Climbers", "description": "Up we go"}
    # Mia got a GROUP_INVITE; Zed, a stranger, sees nothing of the private group
    notices = (await client.data(NOTIFICATIONS, token=mia.token))["notifications"]["edges"]
    assert notices[0]["node"]["kind"] == "GROUP_INVITE"
    assert (await client.data(NODE, {"id": group}, token=zed.token))["node"] is None
    assert error_codes(await client.execute(JOIN, {"g": group}, token=zed.token)) == ["NOT_FOUND"]
    # the conversation's history tells the story in SYSTEM lines
    conversation = created["conversation"]["id"]
    lines = await client.data(MESSAGES, {"c": conversation, "first": 20}, token=adam.token)
    kinds = {e["node"]["kind"] for e in lines["messages"]["edges"]}
    assert kinds == {"SYSTEM"} and len(lines["messages"]["edges"]) == 3  # created, joined, left


async def test_public_groups_can_be_joined_and_only_friends_added(client: GraphQLClient) -> None:
    owner, walker, stranger = [await client.sign_up() for _ in range(3)]
    group = (
        await client.data(
            CREATE, {"input": {"name": "Open", "visibility": "PUBLIC"}}, token=owner.token
        )
    )["createGroup"]["id"]
    assert (await client.data(JOIN, {"g": group}, token=walker.token))["joinGroup"][
        "myRole"
    ] == "MEMBER"
    added = await client.execute(
        op("addGroupMember"), {"g": group, "u": person_id(stranger)}, token=owner.token
    )
    assert error_codes(added) == ["BAD_USER_INPUT"]
    assert added["errors"][0]["extensions"]["field"] == "userId"


async def test_removing_a_member_ends_their_subscription(client: GraphQLClient, server) -> None:
    # given: Bob, a member, watches the group conversation
    owner, bob = await client.sign_up(), await client.sign_up()
    await befriend(client, owner, bob)
    created = (
        await client.data(
            CREATE, {"input": {"name": "Team", "memberIds": [person_id(bob)]}}, token=owner.token
        )
    )["createGroup"]
    conversation = created["conversation"]["id"]
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {bob.token}"})
        await subscribed(ws, "c", EVENTS, {"c": conversation})
        await send(client, owner, conversation, "welcome")
        welcome = await ws.receive()
        # when
        await client.data(
            op("removeGroupMember"), {"g": created["id"], "u": person_id(bob)}, token=owner.token
        )
        ended = await ws.receive()
        after = await ws.receive()
    # then
    assert welcome["payload"]["data"]["conversationEvents"]["message"]["body"] == "welcome"
    assert ended["type"] == "next", ended
    assert ended["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert after == {"id": "c", "type": "complete"}
    refused = await client.execute(
        SEND, message_input(conversation, "still here?"), token=bob.token
    )
    assert error_codes(refused) == ["NOT_FOUND"]


async def test_blocked_people_cannot_be_invited(client: GraphQLClient) -> None:
    owner, blocker = await client.sign_up(), await client.sign_up()
    group = (await client.data(CREATE, {"input": {"name": "G"}}, token=owner.token))["createGroup"][
        "id"
    ]
    await client.data(BLOCK, {"id": person_id(owner)}, token=blocker.token)
    body = await client.execute(
        op("inviteToGroup"), {"g": group, "u": person_id(blocker)}, token=owner.token
    )
    assert error_codes(body) == ["FORBIDDEN"]


async def test_a_lost_removal_event_still_ends_the_subscription(
    client: GraphQLClient, server, monkeypatch
) -> None:
    # given: Bob watches the group conversation; memberships are rechecked every 0.2 s
    from resolvers.chat import subscriptions

    monkeypatch.setattr(subscriptions, "MEMBERSHIP_RECHECK_SECONDS", 0.2)
    owner, bob = await client.sign_up(), await client.sign_up()
    await befriend(client, owner, bob)
    created = (
        await client.data(
            CREATE, {"input": {"name": "Team", "memberIds": [person_id(bob)]}}, token=owner.token
        )
    )["createGroup"]
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {bob.token}"})
        await subscribed(ws, "c", EVENTS, {"c": created["conversation"]["id"]})
        # when: Bob's membership ends without any event reaching Redis
        async with server.services.clients.db() as db, db.begin():
            await db.execute(text("DELETE FROM group_members WHERE user_id = :u"), {"u": bob.uuid})
        ended = await ws.receive(timeout=5)
    # then
    errors = ended["payload"] if ended["type"] == "error" else ended["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
