"""Full-text search: web-search syntax, prefixes, ranking, snippets, filters, language."""

from __future__ import annotations

from tests.support.client import GraphQLClient, error_codes
from tests.support.pod import create_entry, create_tag

SEARCH = """
query($q: String!, $filter: EntryFilter, $prefix: Boolean, $first: Int, $after: String) {
  searchEntries(query: $q, filter: $filter, prefix: $prefix, first: $first, after: $after) {
    edges { cursor node { rank snippet entry { title } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def _found(client, account, q: str, **variables) -> list[str]:
    data = await client.data(SEARCH, {"q": q, **variables}, token=account.token)
    return [e["node"]["entry"]["title"] for e in data["searchEntries"]["edges"]]


async def test_search_ranks_title_over_body_and_highlights(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    await create_entry(client, account, title="Weekend plans", body="Go hiking in the alps")
    await create_entry(client, account, title="Hiking boots", body="Buy new ones")
    await create_entry(client, account, title="Recipes", body="Pasta")
    # when
    data = await client.data(SEARCH, {"q": "hiking"}, token=account.token)
    # then
    hits = [e["node"] for e in data["searchEntries"]["edges"]]
    assert [h["entry"]["title"] for h in hits] == ["Hiking boots", "Weekend plans"]
    assert hits[0]["rank"] > hits[1]["rank"]
    assert "<mark>Hiking</mark>" in hits[0]["snippet"]
    assert "<mark>hiking</mark>" in hits[1]["snippet"]


async def test_web_search_syntax_phrases_or_and_exclusion(client: GraphQLClient) -> None:
    account = await client.sign_up()
    await create_entry(client, account, title="Red apple pie")
    await create_entry(client, account, title="Apple red sauce")
    await create_entry(client, account, title="Green pear")
    assert await _found(client, account, '"red apple"', prefix=False) == ["Red apple pie"]
    assert sorted(await _found(client, account, "pear or pie", prefix=False)) == [
        "Green pear",
        "Red apple pie",
    ]
    assert await _found(client, account, "apple -pie", prefix=False) == ["Apple red sauce"]


async def test_the_last_word_matches_as_a_prefix_while_typing(client: GraphQLClient) -> None:
    account = await client.sign_up()
    await create_entry(client, account, title="Quarterly accounting report")
    assert await _found(client, account, "quarterly acc") == ["Quarterly accounting report"]
    assert await _found(client, account, "quarterly acc", prefix=False) == []


async def test_kind_fields_are_searchable_and_filters_combine(client: GraphQLClient) -> None:
    account = await client.sign_up()
    tag = await create_tag(client, account, "reading")
    await create_entry(
        client,
        account,
        kind="BOOKMARK",
        title="Blog",
        bookmark={"url": "https://zebrafish.example/post"},
        tagIds=[tag["id"]],
    )
    await create_entry(client, account, kind="NOTE", title="zebrafish facts")
    assert sorted(await _found(client, account, "zebrafish")) == ["Blog", "zebrafish facts"]
    assert await _found(client, account, "zebrafish", filter={"kinds": ["BOOKMARK"]}) == ["Blog"]
    assert await _found(client, account, "zebrafish", filter={"tagIds": [tag["id"]]}) == ["Blog"]


async def test_search_pages_with_cursors(client: GraphQLClient) -> None:
    account = await client.sign_up()
    for i in range(5):
        await create_entry(client, account, title=f"meeting {'notes ' * i}{i}")
    first = await client.data(SEARCH, {"q": "meeting", "first": 3}, token=account.token)
    page = first["searchEntries"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await client.data(
        SEARCH,
        {"q": "meeting", "first": 3, "after": page["pageInfo"]["endCursor"]},
        token=account.token,
    )
    titles = [e["node"]["entry"]["title"] for e in page["edges"]]
    titles += [e["node"]["entry"]["title"] for e in rest["searchEntries"]["edges"]]
    assert len(titles) == len(set(titles)) == 5
    assert rest["searchEntries"]["pageInfo"]["hasNextPage"] is False


async def test_sensitive_bodies_and_secrets_are_never_indexed(client: GraphQLClient) -> None:
    account = await client.sign_up()
    await create_entry(client, account, title="Diary", body="xylophone", sensitive=True)
    await create_entry(
        client, account, kind="PASSWORD", title="Mail", password={"secret": "quokkapassword"}
    )
    assert await _found(client, account, "xylophone") == []
    assert await _found(client, account, "quokkapassword") == []
    assert await _found(client, account, "diary") == ["Diary"]


async def test_search_language_is_a_setting_and_reindexes(client: GraphQLClient) -> None:
    # given: French text; English stemming does not know "chevaux" is "cheval"
    account = await client.sign_up()
    await create_entry(client, account, title="Les chevaux sauvages")
    assert await _found(client, account, "cheval", prefix=False) == []
    # when
    data = await client.data(
        "mutation { updatePodSettings(input: {searchLanguage: FRENCH}) { searchLanguage } }",
        token=account.token,
    )
    # then
    assert data["updatePodSettings"]["searchLanguage"] == "FRENCH"
    settings = await client.data("{ podSettings { searchLanguage } }", token=account.token)
    assert settings["podSettings"]["searchLanguage"] == "FRENCH"
    assert await _found(client, account, "cheval", prefix=False) == ["Les chevaux sauvages"]


async def test_an_empty_search_is_bad_input(client: GraphQLClient) -> None:
    account = await client.sign_up()
    body = await client.execute(SEARCH, {"q": "   "}, token=account.token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "query"
