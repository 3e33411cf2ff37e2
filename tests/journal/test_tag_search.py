"""Finding my journal tags by name with a typo: the closest first, only mine."""

from __future__ import annotations

from tests.support.client import GraphQLClient, error_codes
from tests.support.journal import CREATE_TAG

SEARCH = """
query($q: String!, $first: Int, $after: String) {
  searchJournalTags(query: $q, first: $first, after: $after) {
    totalCount edges { node { id name } } pageInfo { hasNextPage endCursor }
  }
}
"""
MINE = ("Gratitude", "Gratification", "Exercise", "Exercise bike", "Work", "Grocery list")


async def _tags(client: GraphQLClient, token: str, names: tuple[str, ...]) -> dict[str, str]:
    ids = {}
    for name in names:
        data = await client.data(CREATE_TAG, {"input": {"name": name}}, token=token)
        ids[name] = data["createJournalTag"]["id"]
    return ids


async def _names(client: GraphQLClient, token: str, query: str) -> list[str]:
    data = await client.data(SEARCH, {"q": query}, token=token)
    return [e["node"]["name"] for e in data["searchJournalTags"]["edges"]]


async def test_a_misspelt_tag_name_finds_the_tag_i_meant_first(client: GraphQLClient) -> None:
    # given
    me = await client.sign_up()
    await _tags(client, me.token, MINE)
    # when / then: the tag meant comes first, unrelated tags not at all
    gratitude = await _names(client, me.token, "gratitdue")
    assert gratitude[0] == "Gratitude"
    assert "Work" not in gratitude and "Exercise" not in gratitude
    exercise = await _names(client, me.token, "excercise")
    assert exercise[:2] == ["Exercise", "Exercise bike"]
    assert "Gratitude" not in exercise
    assert await _names(client, me.token, "GROC") == ["Grocery list"]  # a prefix, any case
    assert await _names(client, me.token, "zebra") == []


async def test_search_pages_through_the_matches(client: GraphQLClient) -> None:
    me = await client.sign_up()
    await _tags(client, me.token, MINE)
    first = (await client.data(SEARCH, {"q": "exercise", "first": 1}, token=me.token))[
        "searchJournalTags"
    ]
    assert [e["node"]["name"] for e in first["edges"]] == ["Exercise"]
    assert first["totalCount"] == 2 and first["pageInfo"]["hasNextPage"]
    after = first["pageInfo"]["endCursor"]
    rest = await client.data(SEARCH, {"q": "exercise", "after": after}, token=me.token)
    assert [e["node"]["name"] for e in rest["searchJournalTags"]["edges"]] == ["Exercise bike"]


async def test_nobody_finds_anyone_elses_tags(client: GraphQLClient) -> None:
    # given: both of us have a tag called Gratitude, only I have Exercise
    me, other = await client.sign_up(), await client.sign_up()
    mine = await _tags(client, me.token, ("Gratitude", "Exercise"))
    theirs = await _tags(client, other.token, ("Gratitude",))
    # when
    found_by_me = await client.data(SEARCH, {"q": "gratitdue"}, token=me.token)
    found_by_them = await client.data(SEARCH, {"q": "gratitdue"}, token=other.token)
    # then
    assert [e["node"]["id"] for e in found_by_me["searchJournalTags"]["edges"]] == [
        mine["Gratitude"]
    ]
    assert [e["node"]["id"] for e in found_by_them["searchJournalTags"]["edges"]] == [
        theirs["Gratitude"]
    ]
    assert await _names(client, other.token, "excercise") == []


async def test_a_blank_or_overlong_query_is_refused(client: GraphQLClient) -> None:
    me = await client.sign_up()
    for query in ("  ", "x" * 51):
        body = await client.execute(SEARCH, {"q": query}, token=me.token)
        assert error_codes(body) == ["BAD_USER_INPUT"]
        assert body["errors"][0]["extensions"]["field"] == "query"
    anonymous = await client.execute(SEARCH, {"q": "work"})
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]


async def test_a_renamed_tag_is_found_by_its_new_name(client: GraphQLClient) -> None:
    me = await client.sign_up()
    ids = await _tags(client, me.token, ("Gratitude",))
    rename = """
    mutation($id: ID!) { updateJournalTag(id: $id, input: { name: "Thankfulness" }) { name } }
    """
    await client.data(rename, {"id": ids["Gratitude"]}, token=me.token)
    assert await _names(client, me.token, "thankfulnes") == ["Thankfulness"]
    assert await _names(client, me.token, "gratitdue") == []
