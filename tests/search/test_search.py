"""search(query, mode, kinds): full text with snippets, semantic, hybrid, and privacy."""

from __future__ import annotations

import pytest

from tests.support.client import GraphQLClient, error_codes
from tests.support.journal import create_entry
from tests.support.search import SEARCH, wait_until_embedded

SIMILAR = """
query($id: ID!) { similarEntries(id: $id, first: 5) { edges { node { score entry { title } } } } }
"""


def titles(data: dict) -> list[str]:
    return [e["node"]["entry"]["title"] for e in data["search"]["edges"]]


async def test_full_text_ranks_title_matches_first_and_highlights(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    await create_entry(client, account.token, title="Groceries", content="Bought garden seeds.")
    await create_entry(client, account.token, title="Garden", content="Planted tomatoes today.")
    await create_entry(client, account.token, title="Work", content="Long meeting.")
    # when
    data = await client.data(SEARCH, {"q": "garden", "kinds": ["JOURNAL"]}, token=account.token)
    # then
    assert titles(data) == ["Garden", "Groceries"]
    assert "<mark>garden</mark>" in data["search"]["edges"][1]["node"]["snippet"]
    assert all(e["node"]["__typename"] == "JournalSearchResult" for e in data["search"]["edges"])


async def test_full_text_takes_web_search_syntax_and_pages(client: GraphQLClient) -> None:
    account = await client.sign_up()
    for n in range(3):
        await create_entry(client, account.token, title=f"run {n}", content="a morning run")
    await create_entry(client, account.token, title="swim", content="a morning swim")
    excluded = await client.data(SEARCH, {"q": "morning -swim"}, token=account.token)
    assert sorted(titles(excluded)) == ["run 0", "run 1", "run 2"]
    first = await client.data(SEARCH, {"q": "morning", "first": 2}, token=account.token)
    rest = await client.data(
        SEARCH,
        {"q": "morning", "first": 2, "after": first["search"]["pageInfo"]["endCursor"]},
        token=account.token,
    )
    assert first["search"]["pageInfo"]["hasNextPage"] is True
    assert rest["search"]["pageInfo"]["hasNextPage"] is False
    assert len(set(titles(first) + titles(rest))) == 4


async def test_semantic_search_finds_meaning_without_shared_words(
    client: GraphQLClient, server, fast_workers
) -> None:
    # given
    account = await client.sign_up()
    entries = [
        await create_entry(client, account.token, title="Tuesday", content=content)
        for content in (
            "I felt anxious before the exam",
            "We baked bread and watched a film",
            "The car needs new tyres",
        )
    ]
    await wait_until_embedded(server, [e["id"] for e in entries])
    # when
    semantic = await client.data(
        SEARCH, {"q": "nervous about a test", "mode": "SEMANTIC"}, token=account.token
    )
    lexical = await client.data(SEARCH, {"q": "nervous about a test"}, token=account.token)
    # then
    top = semantic["search"]["edges"][0]["node"]
    assert top["entry"]["id"] == entries[0]["id"]
    assert top["score"] > 0.4
    assert lexical["search"]["edges"] == []


async def test_similar_entries_are_mine_and_ranked_by_meaning(
    client: GraphQLClient, server, fast_workers
) -> None:
    account, other = await client.sign_up(), await client.sign_up()
    anchor = await create_entry(client, account.token, title="a", content="My dog loves the park")
    near = await create_entry(client, account.token, title="b", content="Walked the puppy outside")
    far = await create_entry(client, account.token, title="c", content="Quarterly tax forms")
    theirs = await create_entry(client, other.token, title="x", content="My dog loves the park")
    await wait_until_embedded(server, [anchor["id"], near["id"], far["id"], theirs["id"]])
    data = await client.data(SIMILAR, {"id": anchor["id"]}, token=account.token)
    assert [e["node"]["entry"]["title"] for e in data["similarEntries"]["edges"]] == ["b", "c"]
    body = await client.execute(SIMILAR, {"id": anchor["id"]}, token=other.token)
    assert error_codes(body) == ["NOT_FOUND"]


# A small labelled set: each query's relevant entries. Some share words with the query,
# some only meaning; hybrid should find both kinds.
CORPUS = {
    "exam": "I felt anxious before the exam this morning",
    "test-prep": "Studied flashcards all evening for tomorrow's biology test",
    "run": "Went for a long run along the river at sunrise",
    "gym": "Lifted weights at the gym and my legs are sore",
    "mum": "Called my mother, she sounded happy and well",
    "family-dinner": "Sunday dinner with my parents and my sister",
    "budget": "Sat down to plan the monthly budget and pay the bills",
    "salary": "Got my paycheck, saving a bit for the holidays",
    "flight": "Booked plane tickets to Lisbon for the spring",
    "beach": "Lay on the sand and swam in the sea all afternoon",
    "garden": "Planted tomatoes and basil in the garden",
    "meeting": "Endless meeting at the office about the roadmap",
}
QUERIES = {
    "nervous about a test": {"exam", "test-prep"},
    "exercise and fitness": {"run", "gym"},
    "my family": {"mum", "family-dinner"},
    "money and finances": {"budget", "salary"},
    "travel plans for a trip": {"flight", "beach"},
    "work at the office": {"meeting"},
}


def _mrr_and_recall(ranked: dict[str, list[str]], k: int = 3) -> tuple[float, float]:
    mrr = recall = 0.0
    for query, relevant in QUERIES.items():
        hits = ranked[query]
        rank = next((n for n, key in enumerate(hits, 1) if key in relevant), None)
        mrr += 1 / rank if rank else 0
        recall += len(relevant & set(hits[:k])) / len(relevant)
    return mrr / len(QUERIES), recall / len(QUERIES)


async def test_hybrid_beats_full_text_on_a_labelled_set(
    client: GraphQLClient, server, fast_workers
) -> None:
    # given
    account = await client.sign_up()
    created = {
        key: await create_entry(client, account.token, title=key, content=content)
        for key, content in CORPUS.items()
    }
    await wait_until_embedded(server, [e["id"] for e in created.values()])
    # when
    ranked: dict[str, dict[str, list[str]]] = {"FULL_TEXT": {}, "HYBRID": {}}
    for mode in ranked:
        for query in QUERIES:
            data = await client.data(
                SEARCH, {"q": query, "mode": mode, "kinds": ["JOURNAL"]}, token=account.token
            )
            ranked[mode][query] = titles(data)
    # then
    lexical_mrr, lexical_recall = _mrr_and_recall(ranked["FULL_TEXT"])
    hybrid_mrr, hybrid_recall = _mrr_and_recall(ranked["HYBRID"])
    print(
        f"full text MRR {lexical_mrr:.2f} recall@3 {lexical_recall:.2f}; "
        f"hybrid MRR {hybrid_mrr:.2f} recall@3 {hybrid_recall:.2f}"
    )
    assert hybrid_mrr > lexical_mrr
    assert hybrid_recall > lexical_recall
    assert hybrid_mrr >= 0.8


async def test_search_never_shows_another_users_entries(
    client: GraphQLClient, server, fast_workers
) -> None:
    mine, theirs = await client.sign_up(), await client.sign_up()
    entry = await create_entry(client, theirs.token, title="secret", content="my secret diary")
    await wait_until_embedded(server, [entry["id"]])
    for mode in ("FULL_TEXT", "SEMANTIC", "HYBRID"):
        # The owner's search finds it: my empty answer is isolation, not a search that is off.
        own = await client.data(SEARCH, {"q": "secret diary", "mode": mode}, token=theirs.token)
        assert [e["node"]["entry"]["id"] for e in own["search"]["edges"]] == [entry["id"]], mode
        data = await client.data(SEARCH, {"q": "secret diary", "mode": mode}, token=mine.token)
        assert data["search"]["edges"] == [], mode


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"q": "  "}, "query"),
        ({"q": "x", "first": 0}, "first"),
        ({"q": "x", "after": "bm9wZQ=="}, "after"),
    ],
)
async def test_bad_search_input_is_refused(client: GraphQLClient, variables, field) -> None:
    account = await client.sign_up()
    body = await client.execute(SEARCH, variables, token=account.token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == field
