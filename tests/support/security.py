"""Cross-user tests' world: user A's data in every domain, built once, and read back as A.

Every text of A's carries MARK, a word made up per run: if it shows up in anything user B
receives, A's data leaked.
"""

from __future__ import annotations

import json
import secrets
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.chat import direct, send
from tests.support.client import Account, GraphQLClient
from tests.support.people import ACCEPT, SEND_REQUEST, person_id
from tests.support.pod import create_category, create_entry, create_tag

MARK = "zq" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(10))

CREATE_JOURNAL_TAG = "mutation($i: CreateJournalTagInput!) { createJournalTag(input: $i) { id } }"
CREATE_JOURNAL_ENTRY = (
    "mutation($i: CreateJournalEntryInput!) { createJournalEntry(input: $i) { id } }"
)
CREATE_REMINDER = "mutation($i: CreateReminderInput!) { createReminder(input: $i) { id } }"
CREATE_TOPIC = (
    "mutation($n: String!, $d: String!) { createTopic(name: $n, description: $d) { id } }"
)
CREATE_GROUP = """
mutation($i: CreateGroupInput!) { createGroup(input: $i) { id conversation { id } } }
"""
ASK = "mutation($q: String!, $s: ID) { askAssistant(question: $q, sessionId: $s) { sessionId } }"

# One page of each of A's lists: their cursors are what B replays.
A_CURSORS = """
query($conv: ID!) {
  entries(first: 1) { pageInfo { endCursor } }
  searchEntries(query: "%(mark)s", first: 1) { pageInfo { endCursor } }
  categories(first: 1) { pageInfo { endCursor } }
  tags(first: 1) { pageInfo { endCursor } }
  activity(first: 1) { pageInfo { endCursor } }
  journalEntries(first: 1) { pageInfo { endCursor } }
  journalTags(first: 1) { pageInfo { endCursor } }
  reminders(first: 1) { pageInfo { endCursor } }
  topics(first: 1) { pageInfo { endCursor } }
  notifications(first: 1) { pageInfo { endCursor } edges { node { id } } }
  sessions(first: 1) { pageInfo { endCursor } }
  securityEvents(first: 1) { pageInfo { endCursor } }
  securityAuditLog(first: 1) { pageInfo { endCursor } }
  conversations(first: 1) { pageInfo { endCursor } }
  messages(conversationId: $conv, first: 1) { pageInfo { endCursor } }
  myGroups(first: 1) { pageInfo { endCursor } }
  publicGroups(first: 1) { pageInfo { endCursor } }
  chatStatistics(first: 1) { pageInfo { endCursor } }
  friends(first: 1) { pageInfo { endCursor } }
  activities(first: 1) { pageInfo { endCursor } }
  search(query: "%(mark)s", first: 1) { pageInfo { endCursor } }
  syncCursor
}
"""

# Everything of A's that B might change, read back as A.
SNAPSHOT = """
query($entry: ID!, $cat: ID!, $tag: ID!, $jentry: ID!, $jtag: ID!, $rem: ID!, $topic: ID!,
      $conv: ID!, $gconv: ID!, $group: ID!, $pgroup: ID!, $notif: ID!, $session: ID!) {
  entry(id: $entry) {
    title body version status category { id name } tags { edges { node { id slug } } }
  }
  cat: node(id: $cat) { ... on Category { name version parent { id } } }
  tag: node(id: $tag) { ... on Tag { name slug usageCount version } }
  categories { edges { node { id name } } }
  tags { edges { node { id usageCount } } }
  journalEntry(id: $jentry) { content version mood tags { edges { node { id name } } } }
  jtag: node(id: $jtag) { ... on JournalTag { name color } }
  rem: node(id: $rem) { ... on Reminder { title version completed nextFireAt } }
  topic: node(id: $topic) { ... on Topic { name description } }
  messages(conversationId: $conv) {
    edges { node { id body deleted editedAt reactions { edges { node { reaction count } } } } }
  }
  gmessages: messages(conversationId: $gconv) { edges { node { id body deleted } } }
  group: node(id: $group) { ...GroupState }
  pgroup: node(id: $pgroup) { ...GroupState }
  notif: node(id: $notif) { ... on Notification { title read } }
  unreadNotificationCount
  session: node(id: $session) { id }
  friends { edges { node { id } } }
  blockedPeople { edges { node { id } } }
}
fragment GroupState on Group {
  name description visibility members { edges { node { role person { id } } } }
}
"""


@dataclass
class World:
    a: Account
    b: Account
    c: Account
    ids: dict[str, str] = field(default_factory=dict)
    cursors: dict[str, str] = field(default_factory=dict)
    snapshot: dict[str, Any] = field(default_factory=dict)

    def snapshot_variables(self) -> dict[str, str]:
        keys = ("entry", "cat", "tag", "jentry", "jtag", "rem", "topic", "conv", "gconv")
        return {
            **{k: self.ids[k] for k in keys},
            "group": self.ids["group"],
            "pgroup": self.ids["pgroup"],
            "notif": self.ids["notif"],
            "session": self.ids["session"],
        }

    async def read_back(self, client: GraphQLClient) -> dict[str, Any]:
        return await client.data(SNAPSHOT, self.snapshot_variables(), token=self.a.token)

    def assert_no_leak(self, body: Any) -> None:
        text = json.dumps(body)
        assert MARK not in text, body
        assert self.a.email not in text, body


async def build_world(client: GraphQLClient) -> World:
    a, b, c, d = [await client.sign_up() for _ in range(4)]
    w = World(a, b, c)
    ids = w.ids
    ids["person_a"], ids["person_b"], ids["person_c"] = person_id(a), person_id(b), person_id(c)
    ids["user_a"], ids["session"] = a.user_id, a.session_id
    # people: C asks A (A's notification), A accepts
    await client.data(SEND_REQUEST, {"id": person_id(a)}, token=c.token)
    await client.data(ACCEPT, {"id": person_id(c)}, token=a.token)
    # pod
    category = await create_category(client, a, f"Cat {MARK}")
    tag = await create_tag(client, a, f"tag {MARK}")
    entry = await create_entry(
        client,
        a,
        title=f"Note {MARK}",
        body=f"The {MARK} vault opens at dawn.",
        categoryId=category["id"],
        tagIds=[tag["id"]],
    )
    ids.update(cat=category["id"], tag=tag["id"], entry=entry["id"])
    # journal
    jtag = await client.data(CREATE_JOURNAL_TAG, {"i": {"name": f"jt {MARK}"}}, token=a.token)
    ids["jtag"] = jtag["createJournalTag"]["id"]
    jentry = await client.data(
        CREATE_JOURNAL_ENTRY,
        {"i": {"content": f"Dear diary, {MARK} is my secret.", "mood": 7, "tagIds": [ids["jtag"]]}},
        token=a.token,
    )
    ids["jentry"] = jentry["createJournalEntry"]["id"]
    remind_at = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    reminder = await client.data(
        CREATE_REMINDER, {"i": {"title": f"Rem {MARK}", "remindAt": remind_at}}, token=a.token
    )
    ids["rem"] = reminder["createReminder"]["id"]
    topic = await client.data(
        CREATE_TOPIC, {"n": f"Topic {MARK}", "d": f"All about {MARK}."}, token=a.token
    )
    ids["topic"] = topic["createTopic"]["id"]
    # chat: A-C direct, a private and a public group of A's with C
    ids["conv"] = await direct(client, a, c)
    ids["msg"] = (await send(client, a, ids["conv"], f"Message {MARK}"))["id"]
    await send(client, c, ids["conv"], "hello A")
    for key, visibility in (("group", "PRIVATE"), ("pgroup", "PUBLIC")):
        group_input = {
            "name": f"{visibility.title()} {MARK}",
            "description": MARK,
            "visibility": visibility,
            "memberIds": [person_id(c)],
        }
        created = (await client.data(CREATE_GROUP, {"i": group_input}, token=a.token))[
            "createGroup"
        ]
        ids[key], ids[key + "_conv"] = created["id"], created["conversation"]["id"]
    ids["gconv"] = ids["group_conv"]
    ids["gmsg"] = (await send(client, a, ids["gconv"], f"Group {MARK}"))["id"]
    # B's own objects, to point at A's from
    ids["b_entry"] = (await create_entry(client, b, title="mine"))["id"]
    ids["b_tag"] = (await create_tag(client, b, "mine"))["id"]
    ids["b_cat"] = (await create_category(client, b, "mine"))["id"]
    b_jentry = await client.data(CREATE_JOURNAL_ENTRY, {"i": {"content": "mine"}}, token=b.token)
    ids["b_jentry"] = b_jentry["createJournalEntry"]["id"]
    ids["b_conv"] = await direct(client, b, d)
    await send(client, b, ids["b_conv"], "hello D")
    # the assistant: a session of A's
    asked = await client.data(ASK, {"q": "What is my secret?"}, token=a.token)
    ids["assistant"] = asked["askAssistant"]["sessionId"]
    # A's cursors
    lists = await client.data(A_CURSORS % {"mark": MARK}, {"conv": ids["conv"]}, token=a.token)
    ids["notif"] = lists["notifications"]["edges"][0]["node"]["id"]
    w.cursors = {
        name: value["pageInfo"]["endCursor"]
        for name, value in lists.items()
        if isinstance(value, dict) and value["pageInfo"]["endCursor"]
    }
    w.cursors["changes"] = lists["syncCursor"]
    w.snapshot = await w.read_back(client)
    return w
