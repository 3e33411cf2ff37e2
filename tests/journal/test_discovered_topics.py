"""Topics found in my own writing: entries about the same pastime grouped and named by
their words, kept as I rename, merge and pin them, and nobody else's to touch."""

from __future__ import annotations

from collections import defaultdict

from tests.support.client import GraphQLClient, error_codes
from tests.support.journal import create_entry
from tests.support.wait import eventually

PIANO = [
    "Practised my piano scales for an hour, the left hand is finally even.",
    "Worked through the hard bars of the piano sonata slowly with the metronome.",
    "My piano teacher showed me a new way to voice the chords in the ballad.",
    "Played the piano piece for the recital twice without a wrong note.",
]
BAKING = [
    "Baked a sourdough loaf, the crust crackled and the crumb was open.",
    "Made cinnamon buns, the dough proved for two hours and they came out soft.",
    "Baked a lemon drizzle cake for the office, the sponge was light.",
    "Tried baking baguettes, kneading the dough took forever but they smelled amazing.",
]
RUNNING = [
    "Ran 10 km along the canal at an easy pace before work.",
    "Interval session at the track, six 800 metre repeats, legs heavy after.",
    "Long run of 20 km on Sunday, my calves ached in the last stretch.",
    "Ran the park 5k in 24 minutes, my fastest time this year.",
]

ENTRY_TOPICS = """
query($id: ID!) {
  journalEntry(id: $id) {
    topics { edges { node { relevance topic { id name kind keywords pinned curated } } } }
  }
}
"""
RENAME = "mutation($id: ID!, $n: String!) { renameTopic(id: $id, name: $n) { id name curated } }"
PIN = "mutation($id: ID!, $p: Boolean!) { pinTopic(id: $id, pinned: $p) { id pinned } }"
MERGE = "mutation($ids: [ID!]!, $into: ID!) { mergeTopics(ids: $ids, into: $into) { id name } }"
SEARCH = """
query($q: String!) { searchTopics(query: $q) { edges { node { entryCount topic { id name } } } } }
"""
NODE = "query($id: ID!) { node(id: $id) { id ... on Topic { name } } }"


async def _discovered(client: GraphQLClient, token: str, entry_id: str) -> list[dict]:
    data = await client.data(ENTRY_TOPICS, {"id": entry_id}, token=token)
    return [
        e["node"]["topic"]
        for e in data["journalEntry"]["topics"]["edges"]
        if e["node"]["topic"]["kind"] == "DISCOVERED"
    ]


async def _groups(client: GraphQLClient, token: str, ids: dict[str, list[str]]):
    """Pastime -> the discovered topic ids of its entries, once every entry has one."""
    found: dict[str, list[set[str]]] = defaultdict(list)
    for pastime, entry_ids in ids.items():
        for entry_id in entry_ids:
            topics = await _discovered(client, token, entry_id)
            if not topics:
                return None
            found[pastime].append({t["id"] for t in topics})
    return found


async def _write(client: GraphQLClient, token: str) -> dict[str, list[str]]:
    ids: dict[str, list[str]] = defaultdict(list)
    for texts, pastime in ((PIANO, "piano"), (BAKING, "baking"), (RUNNING, "running")):
        for text in texts:
            entry = await create_entry(client, token, content=text)
            ids[pastime].append(entry["id"])
    return ids


def _shared(groups: list[set[str]]) -> set[str]:
    return set.intersection(*groups)


async def test_my_pastimes_become_topics_of_their_own(client: GraphQLClient, fast_workers) -> None:
    # given
    me, other = await client.sign_up(), await client.sign_up()
    ids = await _write(client, me.token)

    async def grouped():
        groups = await _groups(client, me.token, ids)
        if groups is None:
            return None
        shared = {p: _shared(g) for p, g in groups.items()}
        return shared if all(len(s) == 1 for s in shared.values()) else None

    # when: the worker analyses and clusters my entries
    shared = await eventually(grouped, timeout=120, interval=0.5)
    # then: one discovered topic per pastime, each holding only that pastime's entries
    piano, baking, running = (next(iter(shared[p])) for p in ("piano", "baking", "running"))
    assert len({piano, baking, running}) == 3
    groups = await _groups(client, me.token, ids)
    assert groups is not None
    for pastime, topic_id in (("piano", piano), ("baking", baking), ("running", running)):
        others = [g for p, gs in groups.items() if p != pastime for g in gs]
        assert all(topic_id not in g for g in others)
    topics = {t["id"]: t for t in await _discovered(client, me.token, ids["piano"][0])}
    assert "piano" in topics[piano]["name"].lower() or "piano" in topics[piano]["keywords"]

    # I rename the piano topic: the name sticks, also when the next piano entry arrives
    renamed = await client.data(RENAME, {"id": piano, "n": "Music practice"}, token=me.token)
    assert renamed["renameTopic"] == {"id": piano, "name": "Music practice", "curated": True}
    later = await create_entry(
        client, me.token, content="Another evening at the piano practising scales and chords."
    )

    async def joined():
        topics = await _discovered(client, me.token, later["id"])
        return topics if any(t["id"] == piano for t in topics) else None

    topics = await eventually(joined, timeout=90, interval=0.5)
    assert next(t for t in topics if t["id"] == piano)["name"] == "Music practice"

    # search finds it by a typo of its name or of its words
    for query in ("musc", "paino"):
        found = await client.data(SEARCH, {"q": query}, token=me.token)
        assert piano in [e["node"]["topic"]["id"] for e in found["searchTopics"]["edges"]]
    theirs = await client.data(SEARCH, {"q": "music practice"}, token=other.token)
    assert piano not in [e["node"]["topic"]["id"] for e in theirs["searchTopics"]["edges"]]

    # pin and merge: running joins baking, its entries follow, the running topic goes
    pinned = await client.data(PIN, {"id": baking, "p": True}, token=me.token)
    assert pinned["pinTopic"] == {"id": baking, "pinned": True}
    await client.data(MERGE, {"ids": [running], "into": baking}, token=me.token)
    for entry_id in ids["running"]:
        assert baking in {t["id"] for t in await _discovered(client, me.token, entry_id)}
    gone = await client.data(NODE, {"id": running}, token=me.token)
    assert gone["node"] is None


async def test_nobody_else_can_touch_my_topics(client: GraphQLClient, fast_workers) -> None:
    me, other = await client.sign_up(), await client.sign_up()
    ids = await _write(client, me.token)

    async def one():
        topics = await _discovered(client, me.token, ids["piano"][0])
        return topics[0] if topics else None

    topic = await eventually(one, timeout=120, interval=0.5)
    baking = await eventually(
        lambda: _first_discovered(client, me.token, ids["baking"][0]), timeout=60
    )
    attempts = [
        (RENAME, {"id": topic["id"], "n": "Mine now"}),
        (PIN, {"id": topic["id"], "p": True}),
        (MERGE, {"ids": [topic["id"]], "into": baking["id"]}),
    ]
    for document, variables in attempts:
        body = await client.execute(document, variables, token=other.token)
        assert error_codes(body) == ["NOT_FOUND"], body
    seen = await client.data(NODE, {"id": topic["id"]}, token=other.token)
    assert seen["node"] is None
    # unchanged for me
    again = {t["id"]: t for t in await _discovered(client, me.token, ids["piano"][0])}
    assert again[topic["id"]]["name"] == topic["name"] and not again[topic["id"]]["pinned"]
    # bad input changes nothing either
    body = await client.execute(MERGE, {"ids": [topic["id"]], "into": topic["id"]}, token=me.token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    body = await client.execute(RENAME, {"id": topic["id"], "n": " "}, token=me.token)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def _first_discovered(client: GraphQLClient, token: str, entry_id: str) -> dict | None:
    topics = await _discovered(client, token, entry_id)
    return topics[0] if topics else None
