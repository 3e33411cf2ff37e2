"""One object of every node type whose fields take arguments, owned by one user, with
something in each of its lists (tags, members, edits, reactions, receipts), so that a
nested field's arguments reach the code that pages them."""

from __future__ import annotations

from datetime import timedelta

from tests.support.chat import EDIT, MARK_READ, REACT, direct, send
from tests.support.client import Account, GraphQLClient
from tests.support.insights import FIRST_MONDAY, insights
from tests.support.journal import create_entry as create_journal_entry
from tests.support.people import befriend, person_id
from tests.support.pod import create_entry, create_tag
from tests.support.security import CREATE_GROUP, CREATE_JOURNAL_ENTRY, CREATE_JOURNAL_TAG
from tests.support.sharing import CREATE_LINK, later, share
from tests.support.wait import eventually

ENTRY_KINDS = ("NOTE", "PASSWORD", "DOCUMENT", "BOOKMARK", "TASK", "CONTACT")


async def owned_nodes(
    client: GraphQLClient, owner: Account, friend: Account, text: str
) -> dict[str, str]:
    """The id of the owner's object of each node type, by type name; every text in them
    contains `text`. `friend` becomes the owner's friend, to chat with."""
    ids = await _pod(client, owner, text)
    ids["JournalEntry"] = await _journal_entry(client, owner, text)
    ids["Insight"] = await _insight(client, owner, text)
    await befriend(client, owner, friend)
    ids.update(await _chat(client, owner, friend, text))
    ids.update(await _sharing(client, owner, friend, ids["Note"]))
    return ids


async def _sharing(
    client: GraphQLClient, owner: Account, friend: Account, note: str
) -> dict[str, str]:
    """The note shared with the friend and by a link, so its shares lists are not empty."""
    made = await share(client, owner, note, friend)
    link = await client.data(CREATE_LINK, {"e": note, "x": later(days=1)}, token=owner.token)
    return {"Share": made["id"], "ShareLink": link["createShareLink"]["link"]["id"]}


async def _pod(client: GraphQLClient, owner: Account, text: str) -> dict[str, str]:
    tag = await create_tag(client, owner, f"tag {text}")
    ids = {}
    for kind in ENTRY_KINDS:
        entry = await create_entry(
            client, owner, kind=kind, title=f"{kind} {text}", tagIds=[tag["id"]]
        )
        ids[entry["__typename"]] = entry["id"]
    return ids


async def _journal_entry(client: GraphQLClient, owner: Account, text: str) -> str:
    tag = await client.data(CREATE_JOURNAL_TAG, {"i": {"name": f"jt {text}"}}, token=owner.token)
    entry = await client.data(
        CREATE_JOURNAL_ENTRY,
        {"i": {"content": f"Dear diary, {text}.", "tagIds": [tag["createJournalTag"]["id"]]}},
        token=owner.token,
    )
    return str(entry["createJournalEntry"]["id"])


async def _insight(client: GraphQLClient, owner: Account, text: str) -> str:
    """A weekday insight (four low Mondays, four bright Wednesdays), once the insights job
    has found it: the caller keeps the job quick (JOURNAL_INSIGHTS_DEBOUNCE_SECONDS)."""
    for week in range(4):
        for offset, mood in ((0, 2), (2, 8)):
            day = FIRST_MONDAY + timedelta(weeks=week, days=offset)
            await create_journal_entry(
                client, owner.token, content=f"Day {text}.", mood=mood, entryDate=str(day)
            )

    async def found() -> list[dict]:
        return await insights(client, owner, type="WEEKDAY_MOOD")

    return str((await eventually(found, timeout=60))[0]["id"])


async def _chat(
    client: GraphQLClient, owner: Account, friend: Account, text: str
) -> dict[str, str]:
    conversation = await direct(client, owner, friend)
    message = (await send(client, owner, conversation, f"Message {text}"))["id"]
    await client.data(EDIT, {"id": message, "body": f"Edited {text}"}, token=owner.token)
    await client.data(REACT, {"id": message, "r": "LIKE"}, token=friend.token)
    await client.data(MARK_READ, {"c": conversation, "m": message}, token=friend.token)
    group = await client.data(
        CREATE_GROUP,
        {"i": {"name": f"Group {text}", "memberIds": [person_id(friend)]}},
        token=owner.token,
    )
    return {"Conversation": conversation, "Message": message, "Group": group["createGroup"]["id"]}
