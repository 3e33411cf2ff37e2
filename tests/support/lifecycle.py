"""Account lifecycle in tests: an account with data in every domain and store, beside a
friend's, and the steps around a deletion (ending the grace period, reading mail)."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from tests.support.chat import REACT, direct, send
from tests.support.client import Account, GraphQLClient
from tests.support.files import REQUEST_UPLOAD, add_attachment, png_bytes
from tests.support.journal import create_entry as create_journal_entry
from tests.support.media import send_media, upload_chat_media
from tests.support.people import befriend, person_id
from tests.support.pod import UPDATE_ENTRY, create_category, create_entry, create_tag, relayed
from tests.support.search import wait_until_embedded
from tests.support.sharing import CREATE_LINK, later, share
from tests.support.vault import CREATE_HIDDEN, blob, login_start, register_tag
from tests.support.ws import WebSocketClient

DELETE = "mutation($p: String!) { deleteAccount(input: {password: $p}) { deleteAfter } }"
RESTORE = """
mutation($l: String!, $p: String!) {
  restoreAccount(input: {login: $l, password: $p}) { token user { accountState } }
}
"""
DEACTIVATE = "mutation($p: String!) { deactivateAccount(input: {password: $p}) }"
REACTIVATE = """
mutation($l: String!, $p: String!) {
  reactivateAccount(input: {login: $l, password: $p}) { token user { accountState } }
}
"""
SIGN_IN = """
mutation($l: String!, $p: String!) { signIn(input: {login: $l, password: $p}) { token } }
"""
ME = "query { me { username email accountState lastLoginAt firstName lastName } }"
SEARCH = "query($q: String!) { people(query: $q) { edges { node { username } } } }"
FRIENDS = "query { friends { edges { node { username accountState } } } }"
GROUP = """
mutation($input: CreateGroupInput!) { createGroup(input: $input) { id conversation { id } } }
"""
JOURNAL_TAG = "mutation($n: String!) { createJournalTag(input: {name: $n}) { id } }"
REMINDER = """
mutation($t: String!, $at: DateTime!) { createReminder(input: {title: $t, remindAt: $at}) { id } }
"""
ASK = "mutation($q: String!) { askAssistant(question: $q) { sessionId } }"
EVENTS = "query { securityAuditLog(first: 50) { edges { node { type success errorCode } } } }"


@dataclass
class Filled:
    """What `fill_every_domain` made that the test looks at afterwards."""

    group: str  # the friend's group conversation, where I wrote
    my_group: str  # the group I created, the friend a member
    pair: str  # our direct conversation
    friends_entry: str  # the friend's entry shared with me (WRITE), which I edited


async def fill_every_domain(
    client: GraphQLClient, server: Any, me: Account, friend: Account
) -> Filled:
    """My data in every domain and store, and a friend's own data beside it."""
    await befriend(client, me, friend)
    note = await _pod(client, me)
    await _files(client, server, me, note)
    friends_entry = await _sharing(client, me, friend, note)
    await _journal(client, server, me, friend)
    await _vault(client, me)
    filled = await _chat(client, server, me, friend)
    # another device, a wrong password (a rate-limit counter), presence on a websocket
    await client.data(SIGN_IN, {"l": me.email, "p": me.password})
    await client.execute(SIGN_IN, {"l": me.email, "p": "wrong password"})
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {me.token}"})
    await relayed(client, me, note)
    filled.friends_entry = friends_entry
    return filled


async def _pod(client: GraphQLClient, me: Account) -> str:
    tag = await create_tag(client, me, "private")
    category = await create_category(client, me, "Home")
    note = await create_entry(
        client, me, title="My note", body="diary", tagIds=[tag["id"]], categoryId=category["id"]
    )
    await create_entry(client, me, kind="PASSWORD", title="Bank", password={"secret": "s3cret!!"})
    return str(note["id"])


async def _files(client: GraphQLClient, server: Any, me: Account, note: str) -> None:
    """An image attachment (stripped copy and thumbnail once processed) and an upload ticket."""
    added = await add_attachment(client, me, note, "photo.png", png_bytes(), "image/png")
    assert "errors" not in added, added
    await client.data(REQUEST_UPLOAD, {"name": "later.pdf", "size": 1000}, token=me.token)
    await drain_media(server)


async def _sharing(client: GraphQLClient, me: Account, friend: Account, note: str) -> str:
    """My note shared with the friend and by a link; the friend's entry shared with me, which
    I edit (the friend's activity log then names me)."""
    await share(client, me, note, friend)
    await client.data(CREATE_LINK, {"e": note, "x": later(days=1)}, token=me.token)
    theirs = await create_entry(client, friend, title="Friend's shared list")
    await share(client, friend, theirs["id"], me, "WRITE")
    await client.data(
        UPDATE_ENTRY,
        {"id": theirs["id"], "v": 1, "input": {"title": "Friend's shared list, edited by me"}},
        token=me.token,
    )
    await create_entry(client, friend, title="Friend's note")
    return str(theirs["id"])


async def _journal(client: GraphQLClient, server: Any, me: Account, friend: Account) -> None:
    journal_tag = await client.data(JOURNAL_TAG, {"n": "mood"}, token=me.token)
    mine = await create_journal_entry(
        client,
        me.token,
        title="Sleep",
        content="I slept badly again; the neighbours were loud.",
        tagIds=[journal_tag["createJournalTag"]["id"]],
    )
    soon = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    await client.data(REMINDER, {"t": "Call mum", "at": soon}, token=me.token)
    theirs = await create_journal_entry(client, friend.token, title="Theirs", content="Mine only.")
    await wait_until_embedded(server, [mine["id"], theirs["id"]])
    await client.data(ASK, {"q": "How did I sleep?"}, token=me.token)


async def _vault(client: GraphQLClient, me: Account) -> None:
    """A secret tag (its vault open on this device) with a hidden entry, and an unlock
    started and never finished (an OPAQUE session)."""
    tag = await register_tag(client, me)
    await client.data(CREATE_HIDDEN, {"tag": tag.id, "blob": blob(), "input": {}}, token=me.token)
    started, _ = await login_start(client, me, tag)
    assert "errors" not in started, started


async def _chat(client: GraphQLClient, server: Any, me: Account, friend: Account) -> Filled:
    """A direct conversation, a group the friend owns and one I own, a photo I sent to the
    group, and reactions both ways."""
    pair = await direct(client, me, friend)
    await send(client, me, pair, "hello from me")
    await send(client, friend, pair, "hello back")
    theirs_group = await _group(client, friend, "Climbers", me)
    mine_group = await _group(client, me, "Mine", friend)
    conversation = theirs_group["conversation"]["id"]
    my_message = await send(client, me, conversation, "my secret plans")
    their_message = await send(client, friend, conversation, "their own words")
    await client.data(REACT, {"id": my_message["id"], "r": "LIKE"}, token=friend.token)
    await client.data(REACT, {"id": their_message["id"], "r": "LOVE"}, token=me.token)
    photo = await upload_chat_media(client, me, png_bytes(color="blue"), name="me.png")
    await send_media(client, me, conversation, photo["id"])
    await drain_media(server)
    return Filled(conversation, mine_group["id"], pair, "")


async def _group(client: GraphQLClient, owner: Account, name: str, member: Account) -> dict:
    variables = {"input": {"name": name, "memberIds": [person_id(member)]}}
    return (await client.data(GROUP, variables, token=owner.token))["createGroup"]


async def drain_media(server: Any) -> None:
    """Process every pending file now (thumbnails, stripped copies), as the media job does."""
    while await server.services.media.run_once():
        pass


async def end_grace_period(server: Any, account: Account) -> None:
    async with server.services.clients.db() as db, db.begin():
        await db.execute(
            text("UPDATE users SET delete_after = now() - interval '1 second' WHERE id = :u"),
            {"u": account.uuid},
        )


async def rows_mentioning(server: Any, user_id: str) -> dict[str, int]:
    """Rows of every table whose whole text (every column, JSON included) holds the id: a
    check that trusts neither the plan nor the catalogue's keys."""
    async with server.services.clients.db() as db:
        tables = (
            await db.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    "ORDER BY tablename"
                )
            )
        ).scalars()
        found = {}
        for table in list(tables):
            count = await db.execute(
                text(f'SELECT count(*) FROM "{table}" AS r WHERE r::text LIKE :p'),  # noqa: S608
                {"p": f"%{user_id}%"},
            )
            found[table] = int(count.scalar_one())
    return {table: n for table, n in found.items() if n}


def mails_to(folder: Path, address: str) -> list[email.message.EmailMessage]:
    """The file mailer's messages to `address`, oldest first."""
    found = []
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if message["To"] == address:
            found.append(message)
    return found  # type: ignore[return-value]


def token_in(message: email.message.EmailMessage) -> str:
    body = message.get_content()
    match = re.search(r"token:\n\n(\S+)\n", body)
    assert match, body
    return match.group(1)
