"""Topics I pin come first: in my list of topics and among an entry's topics."""

from __future__ import annotations

from tests.support.client import GraphQLClient
from tests.support.journal import create_entry
from tests.support.wait import eventually

CREATE = """
mutation($n: String!, $d: String!) { createTopic(name: $n, description: $d) { id name } }
"""
PIN = "mutation($id: ID!, $p: Boolean!) { pinTopic(id: $id, pinned: $p) { id pinned } }"
TOPICS = """
query($after: String) {
  topics(first: 4, after: $after) {
    edges { node { topic { id name pinned } } } pageInfo { hasNextPage endCursor }
  }
}
"""
ENTRY_TOPICS = """
query($id: ID!) { journalEntry(id: $id) { topics { edges { node { topic { id kind } } } } } }
"""


async def _create(client: GraphQLClient, token: str, name: str, description: str = "") -> str:
    data = await client.data(CREATE, {"n": name, "d": description}, token=token)
    return data["createTopic"]["id"]


async def _all_topics(client: GraphQLClient, token: str) -> list[dict]:
    """Every page of `topics`, in order."""
    found: list[dict] = []
    after = None
    while True:
        page = (await client.data(TOPICS, {"after": after}, token=token))["topics"]
        found += [e["node"]["topic"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


async def test_my_pinned_topics_come_first_then_the_rest_by_name(client: GraphQLClient) -> None:
    # given: topics of mine named to sort last, two of them pinned
    me, other = await client.sign_up(), await client.sign_up()
    zither = await _create(client, me.token, "Zither")
    yoga = await _create(client, me.token, "Yoga")
    await _create(client, me.token, "Xylophone")
    for topic_id in (zither, yoga):
        await client.data(PIN, {"id": topic_id, "p": True}, token=me.token)
    # when: I page through my topics, four at a time
    topics = await _all_topics(client, me.token)
    # then: the pinned ones lead, by name; every other topic follows, by name, once each
    assert [t["name"] for t in topics[:2]] == ["Yoga", "Zither"]
    assert all(t["pinned"] for t in topics[:2]) and not any(t["pinned"] for t in topics[2:])
    rest = [t["name"].lower() for t in topics[2:]]
    assert rest == sorted(rest) and "xylophone" in rest
    assert len({t["id"] for t in topics}) == len(topics)
    # my pins do not reorder anyone else's list (nor show them my topics)
    theirs = await _all_topics(client, other.token)
    assert not {zither, yoga} & {t["id"] for t in theirs}
    # unpinned, a topic goes back to its place by name
    await client.data(PIN, {"id": zither, "p": False}, token=me.token)
    again = await _all_topics(client, me.token)
    assert again[0]["id"] == yoga and again[-1]["name"] == "Zither"


async def test_a_pinned_topic_leads_an_entrys_topics(client: GraphQLClient, fast_workers) -> None:
    # given: two topics of mine that both suit one entry
    me = await client.sign_up()
    await _create(client, me.token, "Piano practice", "Practising piano scales and chords.")
    await _create(client, me.token, "Music lessons", "Lessons with my music teacher.")
    entry = await create_entry(
        client,
        me.token,
        content="At my piano lesson my music teacher had me practise scales and chords.",
    )

    async def assigned() -> list[dict] | None:
        data = await client.data(ENTRY_TOPICS, {"id": entry["id"]}, token=me.token)
        topics = [e["node"]["topic"] for e in data["journalEntry"]["topics"]["edges"]]
        mine = [t for t in topics if t["kind"] == "MINE"]
        return topics if len(topics) >= 2 and mine and mine[-1] != topics[0] else None

    topics = await eventually(assigned, timeout=120, interval=0.5)
    # when: I pin the one of mine that is not first
    later = next(t for t in reversed(topics) if t["kind"] == "MINE")
    await client.data(PIN, {"id": later["id"], "p": True}, token=me.token)
    # then: it leads, the others keep their order
    data = await client.data(ENTRY_TOPICS, {"id": entry["id"]}, token=me.token)
    ordered = [e["node"]["topic"]["id"] for e in data["journalEntry"]["topics"]["edges"]]
    assert ordered == [later["id"], *(t["id"] for t in topics if t["id"] != later["id"])]
