"""askAssistant: passages from the asker's entries only, a summary, follow-up sessions."""

from __future__ import annotations

from tests.support.client import GraphQLClient, error_codes
from tests.support.journal import create_entry
from tests.support.search import wait_until_embedded

ASK = """
mutation($q: String!, $s: ID) {
  askAssistant(question: $q, sessionId: $s) {
    sessionId summary
    passages { edges { node { text score entryId kind title } } }
  }
}
"""


async def test_the_assistant_cites_only_my_entries(
    client: GraphQLClient, server, fast_workers
) -> None:
    # given: my entries, and someone else's that match the question even better
    mine, theirs = await client.sign_up(), await client.sign_up()
    own = [
        await create_entry(client, mine.token, title="Sleep", content=content)
        for content in (
            "I slept badly again. The neighbours were loud until midnight.",
            "Went to bed early and slept nine hours. I woke up refreshed.",
            "Lunch with Sam at the new ramen place.",
        )
    ]
    other = await create_entry(
        client,
        theirs.token,
        title="Sleep",
        content="How did I sleep? Terribly, insomnia all night.",
    )
    await wait_until_embedded(server, [e["id"] for e in [*own, other]])
    # when
    answer = (await client.data(ASK, {"q": "How have I been sleeping?"}, token=mine.token))[
        "askAssistant"
    ]
    # then
    cited = [e["node"]["entryId"] for e in answer["passages"]["edges"]]
    assert cited and set(cited) <= {e["id"] for e in own}
    assert other["id"] not in cited
    assert "slept" in answer["summary"]
    assert "insomnia" not in answer["summary"]
    assert answer["passages"]["edges"][0]["node"]["kind"] == "JOURNAL"


async def test_follow_ups_keep_the_session_and_others_cannot_use_it(
    client: GraphQLClient, server, fast_workers
) -> None:
    mine, theirs = await client.sign_up(), await client.sign_up()
    entry = await create_entry(
        client, mine.token, content="Trained for the marathon: twenty kilometres in the rain."
    )
    await wait_until_embedded(server, [entry["id"]])
    first = (await client.data(ASK, {"q": "my running training"}, token=mine.token))["askAssistant"]
    follow_up = (
        await client.data(ASK, {"q": "and the weather?", "s": first["sessionId"]}, token=mine.token)
    )["askAssistant"]
    assert follow_up["sessionId"] == first["sessionId"]
    assert "rain" in follow_up["summary"]
    stolen = await client.execute(ASK, {"q": "what?", "s": first["sessionId"]}, token=theirs.token)
    assert error_codes(stolen) == ["NOT_FOUND"]
    blank = await client.execute(ASK, {"q": "  "}, token=mine.token)
    assert error_codes(blank) == ["BAD_USER_INPUT"]
    assert blank["errors"][0]["extensions"]["field"] == "question"
