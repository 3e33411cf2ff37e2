"""AI analysis of entries: sentiment and emotions stored per model, topics by meaning."""

from __future__ import annotations

from sqlalchemy import text

from tests.support.client import GraphQLClient
from tests.support.journal import ANALYSIS, UPDATE_ENTRY, create_entry
from tests.support.wait import eventually

TOPICS = "query { topics(first: 100) { edges { node { entryCount topic { name system } } } } }"
CREATE_TOPIC = (
    "mutation($n: String!, $d: String!) { createTopic(name: $n, description: $d) { id } }"
)
FREQUENT = "query { frequentTopics { edges { node { entryCount topic { name } } } } }"


async def _analysed(client: GraphQLClient, token: str, entry_id: str) -> dict:
    async def ready():
        data = (await client.data(ANALYSIS, {"id": entry_id}, token=token))["journalEntry"]
        return data if data["sentiment"] and data["emotions"] else None

    return await eventually(ready, timeout=90)


async def test_sentiment_emotions_and_topics_are_stored(
    client: GraphQLClient, server, fast_workers
) -> None:
    # given
    account = await client.sign_up()
    happy = await create_entry(
        client,
        account.token,
        content="What a wonderful day! I laughed with friends and felt so happy.",
    )
    scared = await create_entry(
        client,
        account.token,
        content="I am scared and miserable about tomorrow's exam, I feel awful.",
    )
    # when
    good = await _analysed(client, account.token, happy["id"])
    bad = await _analysed(client, account.token, scared["id"])
    # then
    assert good["sentiment"]["model"] == "vader-sentences-emotion-2"
    assert good["sentiment"]["label"] == "POSITIVE" and good["sentiment"]["compound"] > 0.5
    assert bad["sentiment"]["label"] == "NEGATIVE" and bad["sentiment"]["compound"] < 0
    assert good["emotions"]["dominant"] == "joy"
    assert bad["emotions"]["dominant"] == "fear"
    shares = [v for k, v in bad["emotions"].items() if k not in ("model", "dominant")]
    assert abs(sum(shares) - 1) < 0.01
    topics = [e["node"]["topic"]["name"] for e in bad["topics"]["edges"]]
    assert topics[0] == "Studies"
    async with server.services.clients.db() as session:
        stored = await session.execute(
            text(
                "SELECT count(*) FROM journal_sentiments s JOIN journal_entries e "
                "ON e.id = s.entry_id WHERE e.user_id = :u"
            ),
            {"u": account.uuid},
        )
        assert stored.scalar_one() == 2
    listed = await client.data(TOPICS, token=account.token)
    counts = {
        e["node"]["topic"]["name"]: e["node"]["entryCount"] for e in listed["topics"]["edges"]
    }
    assert counts["Studies"] >= 1


async def test_only_a_text_change_re_embeds(client: GraphQLClient, server, fast_workers) -> None:
    account = await client.sign_up()
    entry = await create_entry(client, account.token, content="Morning coffee on the balcony.")
    await _analysed(client, account.token, entry["id"])

    async def stamp():
        async with server.services.clients.db() as session:
            row = await session.execute(
                text(
                    "SELECT e.updated_at FROM embeddings e "
                    "JOIN journal_entries j ON j.id = e.entry_id WHERE j.user_id = :u"
                ),
                {"u": account.uuid},
            )
            return row.scalar_one()

    first = await stamp()
    await client.data(
        UPDATE_ENTRY, {"id": entry["id"], "v": 1, "input": {"mood": 7}}, token=account.token
    )
    async with server.services.clients.db() as session:
        pending = await session.execute(
            text(
                "SELECT count(*) FROM ai_jobs j JOIN journal_entries "
                "e ON e.id = j.target_id WHERE e.user_id = :u"
            ),
            {"u": account.uuid},
        )
        assert pending.scalar_one() == 0  # a mood change enqueues nothing
    await client.data(
        UPDATE_ENTRY,
        {"id": entry["id"], "v": 2, "input": {"content": "Evening tea inside."}},
        token=account.token,
    )
    assert await eventually(lambda: _changed(stamp, first), timeout=60)


async def _changed(stamp, first):
    return (await stamp()) != first


async def test_my_own_topic_is_matched_to_my_entries(client: GraphQLClient, fast_workers) -> None:
    account = await client.sign_up()
    entry = await create_entry(
        client, account.token, content="Practised scales on the piano and learned a new chord."
    )
    await _analysed(client, account.token, entry["id"])
    await client.data(
        CREATE_TOPIC,
        {"n": "Piano", "d": "playing the piano, music practice, chords and scales"},
        token=account.token,
    )

    async def assigned():
        data = await client.data(FREQUENT, token=account.token)
        return [
            e["node"]
            for e in data["frequentTopics"]["edges"]
            if e["node"]["topic"]["name"] == "Piano"
        ]

    found = await eventually(assigned, timeout=60)
    assert found == [{"entryCount": 1, "topic": {"name": "Piano"}}]
