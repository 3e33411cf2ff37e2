"""Pod notes in search: embedded by the journal's worker, never when sensitive."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from tests.support.client import GraphQLClient
from tests.support.ids import raw_id
from tests.support.search import SEARCH
from tests.support.wait import eventually


async def _insert_note(
    server, user_id: str, title: str, body: str, *, sensitive: bool = False, state: str = ""
) -> str:
    entry_id = str(uuid.uuid4())
    async with server.services.clients.db() as session, session.begin():
        await session.execute(
            text(
                "INSERT INTO entries "
                "(id, user_id, kind, title, body, sensitive, status, deleted_at, expires_at) "
                "VALUES (:id, :u, 'NOTE', :t, :b, :s, "
                "CASE WHEN :trashed THEN 'DELETED' ELSE 'ACTIVE' END, "
                "CASE WHEN :trashed THEN now() END, "
                "CASE WHEN :expired THEN now() - interval '1 hour' END)"
            ),
            {
                "id": entry_id,
                "u": user_id,
                "t": title,
                "b": body,
                "s": sensitive,
                "trashed": state == "trashed",
                "expired": state == "expired",
            },
        )
    return entry_id


async def test_full_text_shows_live_pod_notes_only(client: GraphQLClient, server) -> None:
    # given: a live, a trashed and an expired note with the same word
    account = await client.sign_up()
    live = await _insert_note(server, account.uuid, "Live", "saffron risotto")
    await _insert_note(server, account.uuid, "Trashed", "saffron rice", state="trashed")
    await _insert_note(server, account.uuid, "Expired", "saffron tea", state="expired")
    # when
    notes = await client.data(SEARCH, {"q": "saffron", "kinds": ["NOTE"]}, token=account.token)
    journal_only = await client.data(
        SEARCH, {"q": "saffron", "kinds": ["JOURNAL"]}, token=account.token
    )
    # then
    nodes = [e["node"] for e in notes["search"]["edges"]]
    assert [(raw_id(n["entryId"]), n["title"], n["kind"]) for n in nodes] == [
        (live, "Live", "NOTE")
    ]
    assert "<mark>saffron</mark>" in nodes[0]["snippet"]
    assert journal_only["search"]["edges"] == []


async def test_pod_notes_are_searchable_by_meaning_and_sensitive_ones_never_embedded(
    client: GraphQLClient, server, fast_workers
) -> None:
    # given: the pod's table, written the way the pod writes it (raw here: another domain)
    account = await client.sign_up()
    plain = await _insert_note(
        server, account.uuid, "Recipe", "Grandma's apple pie with cinnamon", sensitive=False
    )
    secret = await _insert_note(server, account.uuid, "Bank", "my pin is 1234", sensitive=True)
    worker = server.services.journal_ai
    # when: the sweep (or the outbox sink, for writes through the pod's API) enqueues them
    await worker.sweep_pod_notes()

    async def vectors():
        async with server.services.clients.db() as session:
            rows = await session.execute(
                text("SELECT entry_id::text FROM embeddings WHERE source = 'POD' AND user_id = :u"),
                {"u": account.uuid},
            )
            return set(rows.scalars())

    assert await eventually(vectors, timeout=60) == {plain}
    # then
    data = await client.data(
        SEARCH,
        {"q": "baking a dessert", "mode": "SEMANTIC", "kinds": ["NOTE"]},
        token=account.token,
    )
    nodes = [e["node"] for e in data["search"]["edges"]]
    assert [n["__typename"] for n in nodes] == ["PodSearchResult"]
    assert nodes[0]["title"] == "Recipe" and nodes[0]["kind"] == "NOTE"
    lexical = await client.data(SEARCH, {"q": "cinnamon", "kinds": ["NOTE"]}, token=account.token)
    assert "<mark>cinnamon</mark>" in lexical["search"]["edges"][0]["node"]["snippet"]
    assert secret not in await vectors()
