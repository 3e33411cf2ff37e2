"""askAssistant answers with the sentence that holds the answer, cites its entry, says so
when my entries hold no answer, reads follow-ups in context and quotes sentences whole."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.client import GraphQLClient
from tests.support.journal import create_entry
from tests.support.search import wait_until_embedded

ASK = """
mutation($q: String!, $s: ID) {
  askAssistant(question: $q, sessionId: $s) {
    sessionId answered summary
    passages { edges { node { text entryId title } } }
  }
}
"""

DIARY = {
    "race": (
        "Race day",
        "Ran the city half marathon today. Finished in 1:52:40, four minutes faster than "
        "last year. My calves cramped at kilometre eighteen but I kept going.",
    ),
    "vet": (
        "Vet visit",
        "Biscuit had her second vaccinations. The vet said she weighs 4.2 kilos and is "
        "healthy. She cried all the way there in the car.",
    ),
    "hospital": (
        "Hospital",
        "Dad collapsed in the garden and the ambulance took him to St. Mary's. The doctors "
        "say it was his heart; he is stable.",
    ),
    "piano": (
        "Piano",
        "Second lesson with Mrs. Okafor. We worked on the left hand of the sonatina and she "
        "told me to practise slowly with the metronome.",
    ),
    "bread": ("Baking", "The loaf rose beautifully and the crust crackled as it cooled."),
}


@pytest.fixture
async def diary(client: GraphQLClient, server: Any, fast_workers: Any) -> tuple[str, dict]:
    account = await client.sign_up()
    entries = {
        key: await create_entry(client, account.token, title=title, content=content)
        for key, (title, content) in DIARY.items()
    }
    await wait_until_embedded(server, [e["id"] for e in entries.values()])
    return account.token, {key: e["id"] for key, e in entries.items()}


async def ask(client: GraphQLClient, token: str, question: str, session: str | None = None):
    variables = {"q": question, "s": session}
    return (await client.data(ASK, variables, token=token))["askAssistant"]


def cited(answer: dict) -> list[str]:
    return [e["node"]["entryId"] for e in answer["passages"]["edges"]]


@pytest.mark.parametrize(
    ("question", "entry", "sentence"),
    [
        (
            "What was my finishing time in the half marathon?",
            "race",
            "Finished in 1:52:40, four minutes faster than last year.",
        ),
        (
            "How much does Biscuit weigh?",
            "vet",
            "The vet said she weighs 4.2 kilos and is healthy.",
        ),
        (
            "Which hospital did Dad go to?",
            "hospital",
            "Dad collapsed in the garden and the ambulance took him to St. Mary's.",
        ),
    ],
)
async def test_the_answer_is_the_sentence_that_holds_it_cited_to_its_entry(
    client: GraphQLClient, diary, question: str, entry: str, sentence: str
) -> None:
    token, ids = diary
    # when
    answer = await ask(client, token, question)
    # then: that sentence, whole, with its full stop; not one repeating the question
    assert answer["answered"] is True
    assert answer["summary"] == sentence
    assert cited(answer)[0] == ids[entry]


async def test_the_last_sentence_keeps_its_full_stop(client: GraphQLClient, diary) -> None:
    token, ids = diary
    answer = await ask(client, token, "Where did my calves cramp during the race?")
    assert answer["summary"] == "My calves cramped at kilometre eighteen but I kept going."
    assert cited(answer)[0] == ids["race"]


@pytest.mark.parametrize(
    "question",
    ["What is my sister's wifi password?", "Which country did I visit in 2019?"],
)
async def test_it_says_so_when_nothing_of_mine_answers(
    client: GraphQLClient, diary, question: str
) -> None:
    token, _ = diary
    answer = await ask(client, token, question)
    assert answer["answered"] is False
    assert "could not find" in answer["summary"]
    assert answer["passages"]["edges"] == []


async def test_a_follow_up_is_read_in_the_conversation(client: GraphQLClient, diary) -> None:
    token, ids = diary
    # given: a question about the race
    first = await ask(client, token, "Tell me about the half marathon I ran")
    assert cited(first)[0] == ids["race"]
    # when: a follow-up that names nothing
    follow_up = await ask(client, token, "And how long did it take me?", first["sessionId"])
    # then: it is answered from the entry the conversation is about
    assert follow_up["answered"] is True
    assert "1:52:40" in follow_up["summary"]
    assert cited(follow_up)[0] == ids["race"]
