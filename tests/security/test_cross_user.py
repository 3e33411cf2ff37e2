"""Cross-user security: user B, holding ids and cursors of user A's data, learns and changes
nothing of it; anonymous callers get UNAUTHENTICATED; counts and search stay per user.

The world (tests/support/security.py) gives A data in every domain. Each case below is one
door B knocks on with one of A's references: it must answer with the expected code (or
null), leak none of A's texts, and leave A's data as it was (read back as A).
"""

from __future__ import annotations

import contextlib
import secrets
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    build_schema,
    get_named_type,
    is_leaf_type,
)
from graphql.pyutils import Undefined

from tests.support.abuse import assert_socket_still_answers
from tests.support.chat import message_input, send
from tests.support.client import GraphQLClient, error_codes
from tests.support.ids import global_id, raw_id
from tests.support.people import befriend, person_id
from tests.support.pod import create_entry
from tests.support.search import wait_until_embedded
from tests.support.security import CREATE_GROUP, MARK, World, build_world
from tests.support.ws import WebSocketClient

V = Callable[[World], dict[str, Any]]


@pytest.fixture(scope="module")
async def world(server: Any) -> AsyncIterator[World]:
    async with GraphQLClient(server.url) as graphql_client:
        yield await build_world(graphql_client)


def _mid(w: World, key: str = "msg") -> str:
    return w.ids[key]


# --------------------------------------------------------------------------------------
# B against A's objects: (document, variables, expected code)
# --------------------------------------------------------------------------------------

NF, BAD, FORBIDDEN = "NOT_FOUND", "BAD_USER_INPUT", "FORBIDDEN"

POD: dict[str, tuple[str, V, str]] = {
    "updateEntry": (
        'mutation($id: ID!) { updateEntry(id: $id, expectedVersion: 1, input: {title: "x"}) '
        "{ id title } }",
        lambda w: {"id": w.ids["entry"]},
        NF,
    ),
    "deleteEntry": (
        "mutation($id: ID!) { deleteEntry(id: $id) { id title } }",
        lambda w: {"id": w.ids["entry"]},
        NF,
    ),
    "restoreEntry": (
        "mutation($id: ID!) { restoreEntry(id: $id) { id title } }",
        lambda w: {"id": w.ids["entry"]},
        NF,
    ),
    "tagEntry(their entry)": (
        "mutation($id: ID!, $t: ID!) { tagEntry(id: $id, tagIds: [$t]) { id title } }",
        lambda w: {"id": w.ids["entry"], "t": w.ids["b_tag"]},
        NF,
    ),
    "untagEntry(their entry)": (
        "mutation($id: ID!, $t: ID!) { untagEntry(id: $id, tagIds: [$t]) { id title } }",
        lambda w: {"id": w.ids["entry"], "t": w.ids["tag"]},
        NF,
    ),
    "tagEntry(their tag)": (
        "mutation($id: ID!, $t: ID!) { tagEntry(id: $id, tagIds: [$t]) { id } }",
        lambda w: {"id": w.ids["b_entry"], "t": w.ids["tag"]},
        BAD,
    ),
    "untagEntry(their tag)": (
        "mutation($id: ID!, $t: ID!) { untagEntry(id: $id, tagIds: [$t]) { id } }",
        lambda w: {"id": w.ids["b_entry"], "t": w.ids["tag"]},
        BAD,
    ),
    "createEntry.categoryId": (
        'mutation($c: ID!) { createEntry(input: {kind: NOTE, title: "x", categoryId: $c}) '
        "{ id category { name } } }",
        lambda w: {"c": w.ids["cat"]},
        BAD,
    ),
    "createEntry.tagIds": (
        'mutation($t: ID!) { createEntry(input: {kind: NOTE, title: "x", tagIds: [$t]}) '
        "{ id tags { edges { node { name } } } } }",
        lambda w: {"t": w.ids["tag"]},
        BAD,
    ),
    "updateEntry.categoryId": (
        "mutation($id: ID!, $c: ID!) { updateEntry(id: $id, expectedVersion: 1, "
        "input: {categoryId: $c}) { id category { name } } }",
        lambda w: {"id": w.ids["b_entry"], "c": w.ids["cat"]},
        BAD,
    ),
    "updateEntry.tagIds": (
        "mutation($id: ID!, $t: ID!) { updateEntry(id: $id, expectedVersion: 1, "
        "input: {tagIds: [$t]}) { id tags { edges { node { name } } } } }",
        lambda w: {"id": w.ids["b_entry"], "t": w.ids["tag"]},
        BAD,
    ),
    "createCategory.parentId": (
        'mutation($p: ID!) { createCategory(input: {name: "x", parentId: $p}) '
        "{ id parent { name } } }",
        lambda w: {"p": w.ids["cat"]},
        BAD,
    ),
    "updateCategory": (
        'mutation($id: ID!) { updateCategory(id: $id, input: {name: "x"}) { id name } }',
        lambda w: {"id": w.ids["cat"]},
        NF,
    ),
    "moveCategory": (
        "mutation($id: ID!) { moveCategory(id: $id) { id name } }",
        lambda w: {"id": w.ids["cat"]},
        NF,
    ),
    "moveCategory.parentId": (
        "mutation($id: ID!, $p: ID!) { moveCategory(id: $id, parentId: $p) "
        "{ id parent { name } } }",
        lambda w: {"id": w.ids["b_cat"], "p": w.ids["cat"]},
        BAD,
    ),
    "deleteCategory": (
        "mutation($id: ID!) { deleteCategory(id: $id) }",
        lambda w: {"id": w.ids["cat"]},
        NF,
    ),
    "updateTag": (
        'mutation($id: ID!) { updateTag(id: $id, input: {name: "x"}) { id name } }',
        lambda w: {"id": w.ids["tag"]},
        NF,
    ),
    "deleteTag": ("mutation($id: ID!) { deleteTag(id: $id) }", lambda w: {"id": w.ids["tag"]}, NF),
    "mergeTags.sourceIds": (
        "mutation($s: ID!, $t: ID!) { mergeTags(sourceIds: [$s], targetId: $t) { id name } }",
        lambda w: {"s": w.ids["tag"], "t": w.ids["b_tag"]},
        BAD,
    ),
    "mergeTags.targetId": (
        "mutation($s: ID!, $t: ID!) { mergeTags(sourceIds: [$s], targetId: $t) { id name } }",
        lambda w: {"s": w.ids["b_tag"], "t": w.ids["tag"]},
        NF,
    ),
}

JOURNAL: dict[str, tuple[str, V, str]] = {
    "journalEntry": (
        "query($id: ID!) { journalEntry(id: $id) { id content } }",
        lambda w: {"id": w.ids["jentry"]},
        NF,
    ),
    "similarEntries": (
        "query($id: ID!) { similarEntries(id: $id) { edges { node { entry { content } } } } }",
        lambda w: {"id": w.ids["jentry"]},
        NF,
    ),
    "updateJournalEntry": (
        "mutation($id: ID!) { updateJournalEntry(id: $id, expectedVersion: 1, "
        'input: {content: "x"}) { id content } }',
        lambda w: {"id": w.ids["jentry"]},
        NF,
    ),
    "deleteJournalEntry": (
        "mutation($id: ID!) { deleteJournalEntry(id: $id) { deletedId } }",
        lambda w: {"id": w.ids["jentry"]},
        NF,
    ),
    "createJournalEntry.tagIds": (
        'mutation($t: ID!) { createJournalEntry(input: {content: "x", tagIds: [$t]}) '
        "{ id tags { edges { node { name } } } } }",
        lambda w: {"t": w.ids["jtag"]},
        BAD,
    ),
    "updateJournalEntry.tagIds": (
        "mutation($id: ID!, $t: ID!) { updateJournalEntry(id: $id, expectedVersion: 1, "
        "input: {tagIds: [$t]}) { id tags { edges { node { name } } } } }",
        lambda w: {"id": w.ids["b_jentry"], "t": w.ids["jtag"]},
        BAD,
    ),
    "updateJournalTag": (
        'mutation($id: ID!) { updateJournalTag(id: $id, input: {name: "x"}) { id name } }',
        lambda w: {"id": w.ids["jtag"]},
        NF,
    ),
    "deleteJournalTag": (
        "mutation($id: ID!) { deleteJournalTag(id: $id) { deletedId } }",
        lambda w: {"id": w.ids["jtag"]},
        NF,
    ),
    "updateReminder": (
        'mutation($id: ID!) { updateReminder(id: $id, input: {title: "x"}) { id title } }',
        lambda w: {"id": w.ids["rem"]},
        NF,
    ),
    "completeReminder": (
        "mutation($id: ID!) { completeReminder(id: $id) { id title } }",
        lambda w: {"id": w.ids["rem"]},
        NF,
    ),
    "uncompleteReminder": (
        "mutation($id: ID!) { uncompleteReminder(id: $id) { id title } }",
        lambda w: {"id": w.ids["rem"]},
        NF,
    ),
    "snoozeReminder": (
        "mutation($id: ID!) { snoozeReminder(id: $id, minutes: 5) { id title } }",
        lambda w: {"id": w.ids["rem"]},
        NF,
    ),
    "deleteReminder": (
        "mutation($id: ID!) { deleteReminder(id: $id) { deletedId } }",
        lambda w: {"id": w.ids["rem"]},
        NF,
    ),
    "deleteTopic": (
        "mutation($id: ID!) { deleteTopic(id: $id) { deletedId } }",
        lambda w: {"id": w.ids["topic"]},
        NF,
    ),
    "renameTopic": (
        'mutation($id: ID!) { renameTopic(id: $id, name: "mine") { id } }',
        lambda w: {"id": w.ids["topic"]},
        NF,
    ),
    "pinTopic": (
        "mutation($id: ID!) { pinTopic(id: $id, pinned: true) { id } }",
        lambda w: {"id": w.ids["topic"]},
        NF,
    ),
    "mergeTopics(ids)": (
        "mutation($id: ID!, $into: ID!) { mergeTopics(ids: [$id], into: $into) { id } }",
        lambda w: {"id": w.ids["topic"], "into": global_id("Topic", str(uuid.uuid4()))},
        NF,
    ),
    "mergeTopics(into)": (
        "mutation($id: ID!, $into: ID!) { mergeTopics(ids: [$id], into: $into) { id } }",
        lambda w: {"id": global_id("Topic", str(uuid.uuid4())), "into": w.ids["topic"]},
        NF,
    ),
}

_SEND_DOC = (
    "mutation($c: ID!, $r: ID) { sendMessage(input: {conversationId: $c, "
    f'clientId: "{secrets.token_hex(8)}", body: "x", replyToId: $r}}) '
    "{ id body replyTo { body } } }"
)


def _send(conversation: str, reply_to: str | None = None) -> V:
    return lambda w: {"c": w.ids[conversation], "r": w.ids[reply_to] if reply_to else None}


CHAT: dict[str, tuple[str, V, str]] = {
    "messages": (
        "query($c: ID!) { messages(conversationId: $c) { edges { node { body } } } }",
        lambda w: {"c": w.ids["conv"]},
        NF,
    ),
    "messages(group)": (
        "query($c: ID!) { messages(conversationId: $c) { edges { node { body } } } }",
        lambda w: {"c": w.ids["gconv"]},
        NF,
    ),
    "sendMessage": (_SEND_DOC, _send("conv"), NF),
    "sendMessage(group)": (_SEND_DOC, _send("gconv"), NF),
    "sendMessage.replyToId": (_SEND_DOC, _send("b_conv", "msg"), NF),
    "editMessage": (
        'mutation($id: ID!) { editMessage(id: $id, body: "x") { body } }',
        lambda w: {"id": _mid(w)},
        NF,
    ),
    "deleteMessage": (
        "mutation($id: ID!) { deleteMessage(id: $id) { body } }",
        lambda w: {"id": _mid(w)},
        NF,
    ),
    "toggleReaction": (
        "mutation($id: ID!) { toggleReaction(messageId: $id, reaction: LIKE) "
        "{ message { body } } }",
        lambda w: {"id": _mid(w, "gmsg")},
        NF,
    ),
    "markRead": (
        "mutation($c: ID!, $m: ID!) { markRead(conversationId: $c, upTo: $m) "
        "{ unreadCount lastMessage { body } } }",
        lambda w: {"c": w.ids["conv"], "m": _mid(w)},
        NF,
    ),
    "markDelivered": (
        "mutation($c: ID!, $m: ID!) { markDelivered(conversationId: $c, upTo: $m) "
        "{ lastMessage { body } } }",
        lambda w: {"c": w.ids["conv"], "m": _mid(w)},
        NF,
    ),
    "markRead.upTo(their message, my conversation)": (
        "mutation($c: ID!, $m: ID!) { markRead(conversationId: $c, upTo: $m) { unreadCount } }",
        lambda w: {"c": w.ids["b_conv"], "m": _mid(w)},
        NF,
    ),
    "setTyping": (
        "mutation($c: ID!) { setTyping(conversationId: $c) }",
        lambda w: {"c": w.ids["gconv"]},
        NF,
    ),
    "createGroup.memberIds(not a friend)": (
        'mutation($m: ID!) { createGroup(input: {name: "x", memberIds: [$m]}) { id } }',
        lambda w: {"m": w.ids["person_a"]},
        BAD,
    ),
}

_GROUP_ONLY = {
    "updateGroup": 'mutation($g: ID!) { updateGroup(input: {groupId: $g, name: "x"}) { name } }',
    "joinGroup": "mutation($g: ID!) { joinGroup(groupId: $g) { name } }",
    "leaveGroup": "mutation($g: ID!) { leaveGroup(groupId: $g) { name } }",
}
_GROUP_MEMBER = {
    name: f"mutation($g: ID!, $u: ID!) {{ {name}(groupId: $g, userId: $u) {{ name }} }}"
    for name in (
        "inviteToGroup",
        "addGroupMember",
        "removeGroupMember",
        "promoteGroupMember",
        "demoteGroupMember",
        "transferGroupOwnership",
    )
}
for _name, _doc in _GROUP_ONLY.items():
    CHAT[_name] = (_doc, lambda w: {"g": w.ids["group"]}, NF)
for _name, _doc in _GROUP_MEMBER.items():
    CHAT[_name] = (_doc, lambda w: {"g": w.ids["group"], "u": w.ids["person_c"]}, NF)
    # A public group's existence is no secret: its admin actions are FORBIDDEN.
    CHAT[f"{_name}(public group)"] = (
        _doc,
        lambda w: {"g": w.ids["pgroup"], "u": w.ids["person_c"]},
        FORBIDDEN,
    )
CHAT["updateGroup(public group)"] = (
    _GROUP_ONLY["updateGroup"],
    lambda w: {"g": w.ids["pgroup"]},
    FORBIDDEN,
)
CHAT["leaveGroup(public group)"] = (
    _GROUP_ONLY["leaveGroup"],
    lambda w: {"g": w.ids["pgroup"]},
    FORBIDDEN,
)

PEOPLE: dict[str, tuple[str, V, str]] = {
    name: (
        f"mutation($u: ID!) {{ {name}(userId: $u) {{ id relationship }} }}",
        lambda w: {"u": w.ids["person_a"]},
        NF,
    )
    for name in (
        "acceptFriendRequest",
        "declineFriendRequest",
        "cancelFriendRequest",
        "unfriend",
        "unblockPerson",
    )
}

ACCOUNTS: dict[str, tuple[str, V, str]] = {
    "revokeSession": (
        "mutation($id: ID!) { revokeSession(id: $id) }",
        lambda w: {"id": w.ids["session"]},
        NF,
    ),
    "sessions.after": (
        "query($a: String!) { sessions(after: $a) { edges { node { deviceName } } } }",
        lambda w: {"a": w.cursors["sessions"]},
        BAD,
    ),
    "askAssistant.sessionId": (
        'mutation($s: ID!) { askAssistant(question: "my secret?", sessionId: $s) '
        "{ summary sessionId } }",
        lambda w: {"s": w.ids["assistant"]},
        NF,
    ),
}

POD.update(
    {
        "shareEntry(their entry)": (
            "mutation($e: ID!, $p: ID!) { shareEntry(entryId: $e, personId: $p, "
            "permission: ADMIN) { id } }",
            lambda w: {"e": w.ids["entry"], "p": w.ids["person_a"]},
            NF,
        ),
        "createShareLink(their entry)": (
            "mutation($e: ID!, $x: DateTime!) { createShareLink(entryId: $e, expiresAt: $x) "
            "{ token } }",
            lambda w: {
                "e": w.ids["entry"],
                "x": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
            },
            NF,
        ),
    }
)

CASES = {
    f"{domain}:{name}": case
    for domain, table in (
        ("pod", POD),
        ("journal", JOURNAL),
        ("chat", CHAT),
        ("people", PEOPLE),
        ("accounts", ACCOUNTS),
    )
    for name, case in table.items()
}


async def test_a_world_is_complete(world: World) -> None:
    """The snapshot the cases compare with really holds A's data (no vacuous checks)."""
    snap = world.snapshot
    assert MARK in snap["entry"]["title"] and snap["entry"]["tags"]["edges"]
    assert MARK in snap["cat"]["name"] and snap["tag"]["usageCount"] == 1
    assert MARK in snap["journalEntry"]["content"] and snap["journalEntry"]["tags"]["edges"]
    assert MARK in snap["jtag"]["name"] and MARK in snap["rem"]["title"]
    assert MARK in snap["topic"]["name"] and snap["rem"]["completed"] is False
    assert len(snap["messages"]["edges"]) == 2 and snap["gmessages"]["edges"]
    for key in ("group", "pgroup"):
        assert len(snap[key]["members"]["edges"]) == 2
    assert snap["notif"]["read"] is False and snap["unreadNotificationCount"] >= 1
    assert snap["session"] and len(snap["friends"]["edges"]) == 1
    assert set(CURSOR_LISTS_NEEDED) <= set(world.cursors), world.cursors


@pytest.mark.parametrize("case", list(CASES))
async def test_b_cannot_use_a_reference_to_a_data(
    world: World, client: GraphQLClient, case: str
) -> None:
    document, variables, code = CASES[case]
    body = await client.execute(document, variables(world), token=world.b.token)
    assert error_codes(body) == [code], body
    world.assert_no_leak(body)
    assert await world.read_back(client) == world.snapshot


async def test_a_removed_member_loses_every_door(client: GraphQLClient, server: Any) -> None:

    a, b = await client.sign_up(), await client.sign_up()
    await befriend(client, a, b)
    group_input = {"name": f"Was {MARK}", "memberIds": [person_id(b)]}
    created = (await client.data(CREATE_GROUP, {"i": group_input}, token=a.token))["createGroup"]
    conversation = created["conversation"]["id"]
    before = await send(client, b, conversation, "mine, before")
    await client.data(
        "mutation($g: ID!, $u: ID!) { removeGroupMember(groupId: $g, userId: $u) { id } }",
        {"g": created["id"], "u": person_id(b)},
        token=a.token,
    )
    after = await send(client, a, conversation, f"After {MARK}")
    doors = [
        (CHAT["messages"][0], {"c": conversation}),
        (CHAT["markRead"][0], {"c": conversation, "m": after["id"]}),
        (CHAT["setTyping"][0], {"c": conversation}),
        (CHAT["toggleReaction"][0], {"id": after["id"]}),
        (CHAT["editMessage"][0], {"id": before["id"]}),
        (CHAT["leaveGroup"][0], {"g": created["id"]}),
        (
            "mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }",
            message_input(conversation, "still here?"),
        ),
    ]
    for document, variables in doors:
        body = await client.execute(document, variables, token=b.token)
        assert error_codes(body) == ["NOT_FOUND"], (document, body)
        assert MARK not in str(body)
    for node_id in (created["id"], conversation, after["id"]):
        data = await client.data(NODE, {"id": node_id}, token=b.token)
        assert data["node"] is None
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {b.token}"})
        await ws.subscribe("c", EVENTS, {"c": conversation})
        frame = await ws.receive()
    errors = frame["payload"] if frame["type"] == "error" else frame["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]


# --------------------------------------------------------------------------------------
# node / nodes: every Node type of A's is null for B
# --------------------------------------------------------------------------------------

NODE_KEYS = [
    *("entry", "cat", "tag", "jentry", "jtag", "rem", "topic"),
    *("conv", "gconv", "msg", "gmsg", "group", "notif", "session", "user_a"),
]
NODE = """
query($id: ID!) { node(id: $id) { __typename id ... on Entry { title body }
  ... on Password { secret { password } } ... on Category { name } ... on Tag { name }
  ... on JournalEntry { content } ... on JournalTag { name } ... on Reminder { title }
  ... on Topic { name } ... on Conversation { lastMessage { body } } ... on Message { body }
  ... on Group { name } ... on Notification { title } ... on Session { deviceName }
  ... on User { email } } }
"""


@pytest.mark.parametrize("key", NODE_KEYS)
async def test_node_of_a_is_null_for_b(world: World, client: GraphQLClient, key: str) -> None:
    body = await client.execute(NODE, {"id": world.ids[key]}, token=world.b.token)
    assert body == {"data": {"node": None}}


async def test_nodes_of_a_are_all_null_for_b(world: World, client: GraphQLClient) -> None:
    ids = [world.ids[k] for k in NODE_KEYS]
    data = await client.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids}, token=world.b.token
    )
    assert data["nodes"] == [None] * len(ids)


async def test_a_entry_under_another_node_type_is_null(world: World, client: GraphQLClient) -> None:
    # A's raw ids, relabelled as other types (and as B-visible ones) still resolve to null.
    relabelled = [
        global_id("Note", raw_id(world.ids["cat"])),
        global_id("Category", raw_id(world.ids["tag"])),
        global_id("Password", raw_id(world.ids["entry"])),
        global_id("JournalTag", raw_id(world.ids["jentry"])),
        global_id("Reminder", raw_id(world.ids["jtag"])),
        global_id("Topic", raw_id(world.ids["rem"])),
    ]
    data = await client.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": relabelled}, token=world.b.token
    )
    assert data["nodes"] == [None] * len(relabelled)


async def test_a_person_is_public_but_private_parts_are_not(
    world: World, client: GraphQLClient
) -> None:
    body = await client.execute(
        "query($id: ID!) { node(id: $id) { ... on Person { username relationship "
        "presence { status } } } }",
        {"id": world.ids["person_a"]},
        token=world.b.token,
    )
    assert body["data"]["node"] == {
        "username": world.a.username,
        "relationship": "NONE",
        "presence": None,
    }
    world.assert_no_leak(body)


async def test_a_public_group_shows_no_members_or_conversation_to_b(
    world: World, client: GraphQLClient
) -> None:
    data = await client.data(
        "query($id: ID!) { node(id: $id) { ... on Group { myRole members { edges { cursor } } "
        "conversation { id } } } }",
        {"id": world.ids["pgroup"]},
        token=world.b.token,
    )
    assert data["node"] == {"myRole": None, "members": {"edges": []}, "conversation": None}


# --------------------------------------------------------------------------------------
# Filters and cursors: A's ids inside B's lists, A's cursors replayed by B
# --------------------------------------------------------------------------------------

FILTERS: dict[str, tuple[str, V]] = {
    "entries.filter.categoryId": (
        "query($c: ID!) { entries(filter: {categoryId: $c, includeSubcategories: true}) "
        "{ edges { node { title } } } }",
        lambda w: {"c": w.ids["cat"]},
    ),
    "entries.filter.tagIds": (
        "query($t: ID!) { entries(filter: {tagIds: [$t]}) { edges { node { title } } } }",
        lambda w: {"t": w.ids["tag"]},
    ),
    "searchEntries.filter": (
        'query($c: ID!, $t: ID!) { searchEntries(query: "vault", filter: {categoryId: $c, '
        "tagIds: [$t]}) { edges { node { snippet } } } }",
        lambda w: {"c": w.ids["cat"], "t": w.ids["tag"]},
    ),
    "activity.entryId": (
        "query($e: ID!) { activity(entryId: $e) { edges { node { action } } } }",
        lambda w: {"e": w.ids["entry"]},
    ),
    "journalEntries.filter.tagId": (
        "query($t: ID!) { journalEntries(filter: {tagId: $t}) { edges { node { content } } } }",
        lambda w: {"t": w.ids["jtag"]},
    ),
}


@pytest.mark.parametrize("case", list(FILTERS))
async def test_a_ids_in_b_filters_match_nothing(
    world: World, client: GraphQLClient, case: str
) -> None:
    document, variables = FILTERS[case]
    data = await client.data(document, variables(world), token=world.b.token)
    (connection,) = data.values()
    assert connection["edges"] == []


CURSOR_LISTS: dict[str, str] = {
    "entries": "entries(after: $a) { edges { node { title } } }",
    "searchEntries": 'searchEntries(query: "vault", after: $a) { edges { node { snippet } } }',
    "categories": "categories(after: $a) { edges { node { name } } }",
    "tags": "tags(after: $a) { edges { node { name } } }",
    "activity": "activity(after: $a) { edges { node { action } } }",
    "journalEntries": "journalEntries(after: $a) { edges { node { content } } }",
    "journalTags": "journalTags(after: $a) { edges { node { name } } }",
    "reminders": "reminders(after: $a) { edges { node { title } } }",
    "topics": "topics(after: $a) { edges { node { topic { name } entryCount } } }",
    "notifications": "notifications(after: $a) { edges { node { title } } }",
    "notifications(unread)": (
        "notifications(after: $a, unreadOnly: true) { edges { node { title } } }"
    ),
    "securityEvents": "securityEvents(after: $a) { edges { node { action } } }",
    "securityAuditLog": "securityAuditLog(after: $a) { edges { node { type message } } }",
    "conversations": "conversations(after: $a) { edges { node { lastMessage { body } } } }",
    "messages": "messages(conversationId: $c, after: $a) { edges { node { body } } }",
    "messages(before)": "messages(conversationId: $c, before: $a) { edges { node { body } } }",
    "myGroups": "myGroups(after: $a) { edges { node { name } } }",
    "chatStatistics": "chatStatistics(after: $a) { edges { node { messagesSent } } }",
    "friends": "friends(after: $a) { edges { node { username } } }",
    "activities": "activities(after: $a) { edges { node { details } } }",
    "search": 'search(query: "vault", after: $a) { edges { cursor } }',
    "changes": "changes(since: $a) { edges { node { entityId } } }",
}


CURSOR_LISTS_NEEDED = {name.split("(")[0] for name in CURSOR_LISTS}


@pytest.mark.parametrize("name", list(CURSOR_LISTS))
async def test_a_cursors_replayed_by_b_show_nothing_of_a(
    world: World, client: GraphQLClient, name: str
) -> None:
    selection = CURSOR_LISTS[name]
    cursor_name = name.split("(")[0]
    params = "$a: String!, $c: ID!" if "$c" in selection else "$a: String!"
    variables = {"a": world.cursors[cursor_name]}
    if "$c" in selection:
        variables["c"] = world.ids["b_conv"]
    body = await client.execute(
        f"query({params}) {{ {selection} }}", variables, token=world.b.token
    )
    assert error_codes(body) in ([], ["BAD_USER_INPUT"]), body
    world.assert_no_leak(body)
    if "data" in body and body["data"] and name == "changes":
        a_ids = set(world.ids.values())
        assert not {e["node"]["entityId"] for e in body["data"]["changes"]["edges"]} & a_ids


# --------------------------------------------------------------------------------------
# Notifications: marking A's read changes nothing
# --------------------------------------------------------------------------------------


async def test_b_cannot_mark_a_notifications_read(world: World, client: GraphQLClient) -> None:
    data = await client.data(
        "mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { marked unreadCount } }",
        {"ids": [world.ids["notif"]]},
        token=world.b.token,
    )
    assert data["markNotificationsRead"] == {"marked": 0, "unreadCount": 0}
    assert await world.read_back(client) == world.snapshot


# --------------------------------------------------------------------------------------
# Counts never include another user's data
# --------------------------------------------------------------------------------------


async def test_b_counts_include_nothing_of_a(world: World, client: GraphQLClient) -> None:
    b = world.b
    # B's own tags with the same names as A's: their counts are B's alone.
    await client.data(
        "mutation($n: String!) { createTag(input: {name: $n}) { id } }",
        {"n": f"tag {MARK}"},
        token=b.token,
    )
    today = date.today().isoformat()
    data = await client.data(
        """query($since: Date!, $today: Date!, $mine: ID!, $jt: String!, $t: String!) {
          categoryTree { name entryCount totalEntryCount }
          searchJournalTags(query: $jt) { edges { node { id } } }
          searchTags(query: $t) { edges { node { id } } }
          tags(first: 100) { edges { node { slug usageCount } } }
          unreadNotificationCount
          notifications { edges { node { id } } }
          conversations { edges { node { id unreadCount } } }
          topics(first: 100) { edges { node { topic { name } entryCount } } }
          writingStreaks { current longest daysWritten }
          moodTrend(from: $since, to: $today, bucket: MONTH) { edges { node { count } } }
          moodByTag { edges { node { count } } }
          moodByTopic { edges { node { count } } }
          frequentTopics { edges { node { entryCount } } }
          chatStatistics { edges { node { messagesSent messagesReceived groupsJoined } } }
          myGroups { edges { node { name memberCount } } }
          friends { edges { node { id } } }
          friendRequests { edges { node { person { id } } } }
          journalTags { edges { node { name } } }
          reminders { edges { node { title } } }
          sessions { edges { node { id } } }
          journalEntry(id: $mine) { topics { edges { node { topic { name } } } } }
        }""",
        {
            "since": (date.today() - timedelta(days=365)).isoformat(),
            "today": today,
            "mine": world.ids["b_jentry"],
            "jt": f"jt {MARK}",
            "t": f"tag {MARK}",
        },
        token=b.token,
    )
    world.assert_no_leak({k: v for k, v in data.items() if k not in ("tags", "topics")})
    # A's tags are not found by their exact names; B's own same-named pod tag is
    assert data["searchJournalTags"]["edges"] == []
    found = [e["node"]["id"] for e in data["searchTags"]["edges"]]
    assert len(found) == 1 and world.ids["tag"] not in found
    assert data["categoryTree"] == [
        {"name": "Inbox", "entryCount": 1, "totalEntryCount": 1},
        {"name": "mine", "entryCount": 0, "totalEntryCount": 0},
    ]
    assert sorted(
        (e["node"]["slug"], e["node"]["usageCount"]) for e in data["tags"]["edges"]
    ) == sorted([("mine", 0), (f"tag-{MARK}", 0)])
    assert data["unreadNotificationCount"] == 0 and data["notifications"]["edges"] == []
    assert [e["node"]["unreadCount"] for e in data["conversations"]["edges"]] == [0]
    topics = {e["node"]["topic"]["name"]: e["node"]["entryCount"] for e in data["topics"]["edges"]}
    assert f"Topic {MARK}" not in topics
    # B's one journal entry may be on some system topics (once each); A's never count.
    assigned = {e["node"]["topic"]["name"] for e in data["journalEntry"]["topics"]["edges"]}
    assert topics == {name: int(name in assigned) for name in topics}
    assert data["writingStreaks"]["daysWritten"] == 1
    assert data["moodTrend"]["edges"] == []  # B's entry has no mood
    assert data["moodByTag"]["edges"] == [] and data["moodByTopic"]["edges"] == []
    assert all(e["node"]["entryCount"] == 1 for e in data["frequentTopics"]["edges"])
    assert [e["node"]["messagesSent"] for e in data["chatStatistics"]["edges"]] == [1]
    assert [e["node"]["messagesReceived"] for e in data["chatStatistics"]["edges"]] == [0]
    assert data["myGroups"]["edges"] == [] and data["friends"]["edges"] == []
    assert data["friendRequests"]["edges"] == [] and data["journalTags"]["edges"] == []
    assert data["reminders"]["edges"] == [] and len(data["sessions"]["edges"]) == 1


# --------------------------------------------------------------------------------------
# Search, every mode, never returns another user's rows
# --------------------------------------------------------------------------------------

SEARCH = """
query($q: String!, $mode: SearchMode!) {
  search(query: $q, mode: $mode, first: 50) { edges { node {
    __typename
    ... on JournalSearchResult { snippet entry { id content } }
    ... on PodSearchResult { snippet entryId title }
  } } }
}
"""


SEARCH_ENTRIES = (
    "query($q: String!, $p: Boolean!) { searchEntries(query: $q, prefix: $p) "
    "{ edges { node { snippet entry { title } } } } }"
)


@pytest.fixture(scope="module")
async def embedded(world: World, server: Any) -> World:
    """A's journal entry and pod note have their vectors, so SEMANTIC could reach them."""
    journal = server.services.clients.settings.journal
    saved = journal.ai_poll_seconds
    journal.ai_poll_seconds = 0.2
    try:
        await wait_until_embedded(server, [world.ids["jentry"], world.ids["entry"]])
    finally:
        journal.ai_poll_seconds = saved
    return world


@pytest.mark.parametrize("mode", ["FULL_TEXT", "SEMANTIC", "HYBRID"])
async def test_search_never_returns_a_rows(
    embedded: World, client: GraphQLClient, mode: str
) -> None:
    w = embedded
    # A sees their own rows: the query does find something.
    mine = await client.data(SEARCH, {"q": MARK, "mode": mode}, token=w.a.token)
    assert mine["search"]["edges"], mine
    body = await client.execute(SEARCH, {"q": MARK, "mode": mode}, token=w.b.token)
    assert "errors" not in body, body
    found = {
        n["entry"]["id"] if n["__typename"] == "JournalSearchResult" else n["entryId"]
        for n in (e["node"] for e in body["data"]["search"]["edges"])
    }
    assert found <= {w.ids["b_entry"], w.ids["b_jentry"]}, body
    w.assert_no_leak(body)


async def test_search_entries_never_returns_a_rows(world: World, client: GraphQLClient) -> None:
    for prefix in (True, False):
        # A's own search finds A's note: B's empty answer is isolation, not a blind search.
        mine = await client.data(SEARCH_ENTRIES, {"q": MARK, "p": prefix}, token=world.a.token)
        assert [e["node"]["entry"]["title"] for e in mine["searchEntries"]["edges"]] == [
            f"Note {MARK}"
        ]
        body = await client.execute(SEARCH_ENTRIES, {"q": MARK, "p": prefix}, token=world.b.token)
        assert body == {"data": {"searchEntries": {"edges": []}}}


async def test_the_assistant_quotes_nothing_of_a(world: World, client: GraphQLClient) -> None:
    body = await client.execute(
        'mutation { askAssistant(question: "What is my secret vault?") '
        "{ summary passages { edges { node { text entryId } } } } }",
        token=world.b.token,
    )
    assert "errors" not in body, body
    world.assert_no_leak(body)


# --------------------------------------------------------------------------------------
# Subscriptions
# --------------------------------------------------------------------------------------

EVENTS = (
    "subscription($c: ID!) { conversationEvents(conversationId: $c) { kind message { body } } }"
)


@pytest.mark.parametrize("key", ["conv", "gconv"])
async def test_b_cannot_subscribe_to_a_conversation(world: World, server: Any, key: str) -> None:
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {world.b.token}"})
        await ws.subscribe("c", EVENTS, {"c": world.ids[key]})
        frame = await ws.receive()
        await assert_socket_still_answers(ws, world.b)
    assert frame["type"] in ("error", "next"), frame
    errors = frame["payload"] if frame["type"] == "error" else frame["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]
    world.assert_no_leak(frame)


PRIVATE_STREAMS = {
    "syncEvents": "subscription { syncEvents { entityId } }",
    "inboxEvents": "subscription { inboxEvents { kind conversation { id } } }",
    "notificationReceived": "subscription { notificationReceived { title } }",
    "sessionEvents": "subscription { sessionEvents { kind sessionId } }",
    "presenceChanged": "subscription { presenceChanged { personId } }",
}


async def test_b_private_streams_carry_nothing_of_a(
    world: World, client: GraphQLClient, server: Any
) -> None:

    w = world
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {w.b.token}"})
        for name, document in PRIVATE_STREAMS.items():
            await ws.subscribe(name, document)
        await ws.subscribe("probe", "query { __typename }")
        while (await ws.receive()) != {"id": "probe", "type": "complete"}:
            pass
        # when: A changes their pod, chats, gets a notification and signs in again
        a_entry = await create_entry(client, w.a, title=f"Live {MARK}")
        await send(client, w.a, w.ids["conv"], f"Live {MARK}")
        await send(client, w.c, w.ids["conv"], f"Reply {MARK}")
        await client.data(
            "mutation($i: SignInInput!) { signIn(input: $i) { token } }",
            {"i": {"login": w.a.email, "password": w.a.password}},
        )
        # and then B changes their own pod: the one event B must get
        b_entry = await create_entry(client, w.b, title="mine, live")
        frames = []
        while True:
            frame = await ws.receive(timeout=10)
            frames.append(frame)
            if frame["id"] == "syncEvents":
                break
        with contextlib.suppress(TimeoutError):
            frames.append(await ws.receive(timeout=1))
    w.assert_no_leak(frames)
    assert [f["id"] for f in frames] == ["syncEvents"], frames
    assert frames[0]["payload"]["data"]["syncEvents"]["entityId"] == b_entry["id"]
    assert a_entry["id"] != b_entry["id"]


# --------------------------------------------------------------------------------------
# Anonymous: every private field of the schema is UNAUTHENTICATED
# --------------------------------------------------------------------------------------

SCHEMA = build_schema((Path(__file__).resolve().parents[2] / "schema.graphql").read_text())
# sharedEntry is the signed-out view of a share link (tests/security/test_sharing_rules.py);
# reactivating and restoring an account sign in with its password, and an email change is
# confirmed by the token mailed to the new address (tests/lifecycle).
PUBLIC = {
    "signUp",
    "signIn",
    "sharedEntry",
    "reactivateAccount",
    "restoreAccount",
    "confirmEmailChange",
}
NULL_FOR_ANONYMOUS = {"node", "nodes"}
_SCALARS: dict[str, Any] = {
    "ID": global_id("Note", str(uuid.uuid4())),
    "String": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "DateTime": datetime(2030, 1, 1, tzinfo=UTC).isoformat(),
    "Date": "2030-01-01",
    "JSON": {},
    "Upload": "x",  # the permission check comes before the file is read
}


def _dummy(type_: Any) -> Any:
    """A valid value of a GraphQL input type: only required input fields are filled."""
    if isinstance(type_, GraphQLNonNull):
        return _dummy(type_.of_type)
    if isinstance(type_, GraphQLList):
        return [_dummy(type_.of_type)]
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLScalarType):
        return _SCALARS[type_.name]
    assert isinstance(type_, GraphQLInputObjectType)
    return {
        name: _dummy(f.type)
        for name, f in type_.fields.items()
        if isinstance(f.type, GraphQLNonNull) and f.default_value is Undefined
    }


def _operation(kind: str, name: str) -> tuple[str, dict[str, Any]]:
    root = {"query": SCHEMA.query_type, "mutation": SCHEMA.mutation_type}.get(
        kind, SCHEMA.subscription_type
    )
    field = root.fields[name]
    required = {a: arg for a, arg in field.args.items() if isinstance(arg.type, GraphQLNonNull)}
    params = ", ".join(f"${a}: {arg.type}" for a, arg in required.items())
    args = ", ".join(f"{a}: ${a}" for a in required)
    selection = "" if is_leaf_type(get_named_type(field.type)) else " { __typename }"
    document = (
        f"{kind}{f'({params})' if params else ''} "
        f"{{ {name}{f'({args})' if args else ''}{selection} }}"
    )
    return document, {a: _dummy(arg.type) for a, arg in required.items()}


ANONYMOUS = [
    (kind, name)
    for kind, root in (("query", SCHEMA.query_type), ("mutation", SCHEMA.mutation_type))
    for name in root.fields
    if name not in PUBLIC
]


@pytest.mark.parametrize(("kind", "name"), ANONYMOUS, ids=[f"{k}:{n}" for k, n in ANONYMOUS])
async def test_anonymous_calls_are_unauthenticated(
    client: GraphQLClient, kind: str, name: str
) -> None:
    document, variables = _operation(kind, name)
    body = await client.execute(document, variables)
    if name in NULL_FOR_ANONYMOUS:
        assert "errors" not in body and body["data"][name] in (None, [None]), body
    else:
        assert error_codes(body) == ["UNAUTHENTICATED"], (document, body)


@pytest.mark.parametrize("name", list(SCHEMA.subscription_type.fields))
async def test_anonymous_subscriptions_are_unauthenticated(server: Any, name: str) -> None:
    document, variables = _operation("subscription", name)
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init()
        await ws.subscribe("1", document, variables)
        frame = await ws.receive()
    assert frame["type"] in ("error", "next"), frame
    errors = frame["payload"] if frame["type"] == "error" else frame["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"], (document, frame)
