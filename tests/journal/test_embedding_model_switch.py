"""EMBEDDING_MODEL changed: vectors another model wrote are never compared with the new
model's (search keeps answering) and are embedded again by the AI worker."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from datastore.journal.repository.analysis import AnalysisRepository
from tests.support.client import GraphQLClient
from tests.support.ids import raw_id
from tests.support.journal import create_entry
from tests.support.search import SEARCH, wait_until_embedded
from tests.support.wait import eventually

OTHER = "all-mpnet-base-v2"
HARBOUR = "Watched the fishing boats come in."


def _found(data: dict) -> list[str]:
    return [e["node"]["entry"]["id"] for e in data["search"]["edges"]]


async def _entry_another_model_embedded(client: GraphQLClient, server) -> tuple[str, dict]:
    """A new account's token and entry whose vectors a 768-dimension model wrote (as before
    a switch back)."""
    account = await client.sign_up()
    entry = await create_entry(client, account.token, title="Harbour", content=HARBOUR)
    await wait_until_embedded(server, [entry["id"]])
    other = "[" + ",".join(["0.036"] * 768) + "]"
    async with server.services.clients.db() as session, session.begin():
        ids = {"id": raw_id(entry["id"]), "v": other, "m": OTHER}
        await session.execute(
            text("UPDATE embeddings SET model = :m, embedding = :v WHERE entry_id = :id"), ids
        )
        await session.execute(
            text("UPDATE embedding_chunks SET embedding = CAST(:v AS vector) WHERE entry_id = :id"),
            {"id": ids["id"], "v": other},
        )
    return account.token, entry


async def test_vectors_of_another_model_are_skipped_then_embedded_again(
    client: GraphQLClient, server, fast_workers
) -> None:
    # given: an entry whose vectors a 768-dimension model wrote
    token, entry = await _entry_another_model_embedded(client, server)
    query = {"q": "boats at the harbour", "mode": "SEMANTIC"}
    # when: searched before the worker adopted the model, then after
    before = await client.data(SEARCH, query, token=token)
    dropped = await server.services.journal_ai.adopt_embedding_model()

    async def found_again():
        data = await client.data(SEARCH, query, token=token)
        return data if entry["id"] in _found(data) else None

    after = await eventually(found_again, timeout=120)
    # then: no error and no result from the foreign vector, then found with a new vector
    assert _found(before) == []
    assert dropped >= 1
    assert after["search"]["edges"][0]["node"]["score"] > 0.3
    async with server.services.clients.db() as session:
        stored = await session.execute(
            text("SELECT model, vector_dims(embedding) FROM embeddings WHERE entry_id = :id"),
            {"id": raw_id(entry["id"])},
        )
        assert stored.one() == ("all-MiniLM-L6-v2", 384)

    # The topic vectors it reset are embedded again, so later entries still get topics.
    async def topics_embedded() -> bool:
        async with server.services.clients.db() as session:
            left = await session.execute(
                text("SELECT count(*) FROM topics WHERE user_id IS NULL AND embedding IS NULL")
            )
            return left.scalar_one() == 0

    await eventually(topics_embedded, timeout=120)


async def test_one_process_adopts_at_a_time_and_one_with_nothing_to_adopt_never_waits(
    client: GraphQLClient, server, fast_workers
) -> None:
    # given: a foreign vector, and another process in the middle of adopting a model
    await _entry_another_model_embedded(client, server)
    worker = server.services.journal_ai
    release = asyncio.Event()

    async def other_adopter(locked: asyncio.Event) -> None:
        async with server.services.clients.db() as session, session.begin():
            await AnalysisRepository(session).lock_model_adoption()
            locked.set()
            await release.wait()

    locked = asyncio.Event()
    holder = asyncio.create_task(other_adopter(locked))
    await locked.wait()
    # when: this worker starts meanwhile
    adopting = asyncio.create_task(worker.adopt_embedding_model())
    await asyncio.sleep(1.0)
    # then: it waits for the other to finish, then adopts what is still foreign
    assert not adopting.done()
    release.set()
    await holder
    assert await asyncio.wait_for(adopting, timeout=10) >= 1
    # and: with nothing left to adopt, a start does not wait for an adopter at all
    release.clear()
    locked.clear()
    holder = asyncio.create_task(other_adopter(locked))
    await locked.wait()
    try:
        assert await asyncio.wait_for(worker.adopt_embedding_model(), timeout=2) == 0
    finally:
        release.set()
        await holder
