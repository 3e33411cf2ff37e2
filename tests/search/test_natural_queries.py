"""Search for people: natural queries, query syntax, typos, fusion that keeps meaning, and
long entries found by a passage deep inside them."""

from __future__ import annotations

from tests.support.client import GraphQLClient
from tests.support.journal import create_entry
from tests.support.search import SEARCH, wait_until_embedded


def titles(data: dict) -> list[str]:
    return [e["node"]["entry"]["title"] for e in data["search"]["edges"]]


async def search(client: GraphQLClient, token: str, query: str, mode: str = "FULL_TEXT") -> list:
    variables = {"q": query, "mode": mode, "kinds": ["JOURNAL"]}
    return titles(await client.data(SEARCH, variables, token=token))


async def test_a_natural_query_with_a_word_the_entry_lacks_still_finds_it(
    client: GraphQLClient,
) -> None:
    # given: the entry has every word of the query but "called"
    account = await client.sign_up()
    await create_entry(
        client,
        account.token,
        title="Baking day",
        content="Fed the sourdough starter; I named him Gerald last spring.",
    )
    await create_entry(client, account.token, title="Flat loaf", content="The bread was dense.")
    await create_entry(client, account.token, title="Called Mum", content="She sounded well.")
    # when
    found = await search(client, account.token, "sourdough starter called Gerald")
    # then: the entry matching most (and the rarest) words comes first
    assert found[0] == "Baking day"


async def test_phrases_exclusions_and_or_keep_their_meaning(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    for title, content in (
        ("run", "A morning run by the river."),
        ("swim", "A morning swim at the lido."),
        ("late run", "A run in the morning fog."),
        ("cycle", "Cycled to work."),
    ):
        await create_entry(client, account.token, title=title, content=content)
    # when / then: a quoted phrase must match as written
    assert await search(client, account.token, '"morning run"') == ["run"]
    # -word excludes
    assert sorted(await search(client, account.token, "morning -swim")) == ["late run", "run"]
    # OR finds either word
    assert sorted(await search(client, account.token, "lido OR cycled")) == ["cycle", "swim"]
    # a phrase with other words: the phrase is required, the words rank
    assert await search(client, account.token, '"morning swim" lido') == ["swim"]


async def test_a_misspelt_word_finds_the_entry_it_was_meant_for(
    client: GraphQLClient, server, fast_workers
) -> None:
    # given: my vocabulary is built when entries are indexed
    account = await client.sign_up()
    entry = await create_entry(
        client, account.token, title="Piano", content="Practised the Clementi sonatina slowly."
    )
    other = await create_entry(client, account.token, title="Tax", content="Filed the return.")
    await wait_until_embedded(server, [entry["id"], other["id"]])
    # when: two typos, one of a name
    found = await search(client, account.token, "clemnti sonatnia")
    # then
    assert found == ["Piano"]


async def test_hybrid_keeps_a_strong_semantic_hit_that_loose_word_matches_would_push_out(
    client: GraphQLClient, server, fast_workers
) -> None:
    # given: one entry about the query's meaning with none of its words, and many entries
    # sharing one common word with the query
    account = await client.sign_up()
    puppy = await create_entry(
        client,
        account.token,
        title="Biscuit",
        content="We brought the puppy home today! A beagle who fell asleep on my feet.",
    )
    loose = [
        await create_entry(client, account.token, title=f"loose {n}", content=content)
        for n, content in enumerate(
            (
                "Bought a new kettle; the old one leaked.",
                "New phone case arrived in the post.",
                "Family group chat argued about the holidays.",
                "New shoes for work, already a blister.",
                "Watched the new series everyone talks about.",
                "Family photos sorted into albums at last.",
                "A new printer cartridge, again.",
            )
        )
    ]
    await wait_until_embedded(server, [puppy["id"], *(e["id"] for e in loose)])
    # when: the meaning-only query, written with OR so full text matches loosely
    written_with_or = await search(
        client, account.token, "new OR dog OR joins OR the OR family", mode="HYBRID"
    )
    plain = await search(client, account.token, "new dog joins the family", mode="HYBRID")
    # then
    assert written_with_or[0] == "Biscuit"
    assert plain[0] == "Biscuit"


FILLER = (
    "The billing service stopped writing invoices on Monday and we spent the day on calls. "
    "Tuesday was meant for planning, but the launch moved forward by two weeks. "
    "I rewrote the estimate with many caveats and watched them vanish from the slides. "
    "On Wednesday the database migration ran for eleven hours and failed at the last step. "
    "We rolled back, wrote a runbook, and tried again on Thursday night with more care. "
    "My manager asked for a summary for the board, so I wrote three versions of it. "
    "Friday morning the dashboards were green for the first time since the weekend. "
    "Lunch was a sandwich at my desk, as it had been every day of the week. "
)
ENDING = "Walking home along the quay I watched an otter roll and dive between the moored boats."


async def test_a_long_entry_is_found_by_a_passage_near_its_end(
    client: GraphQLClient, server, fast_workers
) -> None:
    # given: an entry far longer than the model reads at once, its last sentence the match
    account = await client.sign_up()
    long = await create_entry(
        client, account.token, title="The week", content=(FILLER * 3) + ENDING
    )
    others = [
        await create_entry(client, account.token, title=title, content=content)
        for title, content in (
            ("Swim", "Forty lengths at the leisure centre pool."),
            ("Film", "Watched a documentary about bears in Alaska."),
            ("Garden", "Planted tulip bulbs along the fence."),
        )
    ]
    await wait_until_embedded(server, [long["id"], *(e["id"] for e in others)])
    # when
    found = await search(
        client, account.token, "a wild otter playing in the water by boats", mode="SEMANTIC"
    )
    # then
    assert found[0] == "The week"


async def test_the_journal_stems_in_my_search_language_before_and_after_i_change_it(
    client: GraphQLClient,
) -> None:
    # given: an entry written while my language is English, which does not stem "chevaux"
    account = await client.sign_up()
    await create_entry(client, account.token, title="Camargue", content="Les chevaux sauvages.")
    assert await search(client, account.token, "cheval") == []
    # when: I switch to French and write another entry
    await client.data(
        "mutation { updatePodSettings(input: {searchLanguage: FRENCH}) { searchLanguage } }",
        token=account.token,
    )
    await create_entry(client, account.token, title="Écurie", content="Un cheval blanc.")
    # then: both entries are stemmed in French, the one written before the switch too
    assert sorted(await search(client, account.token, "chevaux")) == ["Camargue", "Écurie"]
    # and another user, still in English, is not affected by my setting
    other = await client.sign_up()
    await create_entry(client, other.token, title="Horses", content="Les chevaux sauvages.")
    assert await search(client, other.token, "cheval") == []
