"""What the analysis says about how I felt: emotions from the trained classifier, sentiment
over my title and every sentence, and a mood guessed where I gave none."""

from __future__ import annotations

from tests.support.client import GraphQLClient
from tests.support.journal import create_entry
from tests.support.wait import eventually

FEELINGS = """
query($id: ID!) {
  journalEntry(id: $id) {
    mood
    sentiment { model label confidence compound predictedMood }
    emotions { model dominant joy love sadness fear anger surprise neutral }
    old: emotions(model: "minilm-emotion-prototypes-1") { dominant }
  }
}
"""


async def _feelings(client: GraphQLClient, token: str, **entry: object) -> dict:
    created = await create_entry(client, token, **entry)

    async def ready():
        data = (await client.data(FEELINGS, {"id": created["id"]}, token=token))["journalEntry"]
        return data if data["sentiment"] and data["emotions"] else None

    return await eventually(ready, timeout=90)


async def test_a_puppy_coming_home_is_a_happy_loving_entry(
    client: GraphQLClient, fast_workers
) -> None:
    account = await client.sign_up()
    entry = await _feelings(
        client,
        account.token,
        title="Biscuit is home",
        content="We finally collected our puppy this morning. He cried all the way home in "
        "the car. Now he is snoring on my lap and I can't stop grinning.",
    )
    assert entry["sentiment"]["model"] == "vader-sentences-emotion-2"
    # VADER alone reads "cried" (-0.23 over the sentences); the emotions make it POSITIVE
    # (0.64 under the dev-calibrated label model).
    assert entry["sentiment"]["label"] == "POSITIVE"
    assert entry["sentiment"]["compound"] > 0
    assert entry["emotions"]["model"] == "minilm-emotion-logreg-1"
    assert entry["emotions"]["dominant"] in ("joy", "love")
    assert 0 < entry["sentiment"]["confidence"] <= 1
    # No mood given: the text suggests one above the middle of the scale.
    assert entry["mood"] is None and entry["sentiment"]["predictedMood"] > 5.5
    assert entry["old"] is None  # nothing stored under the retired model's name


async def test_a_fathers_collapse_is_negative_even_with_kind_nurses(
    client: GraphQLClient, fast_workers
) -> None:
    account = await client.sign_up()
    entry = await _feelings(
        client,
        account.token,
        title="Hospital",
        content="Dad collapsed in the kitchen this morning and the paramedics took him in. "
        "The nurses were lovely and brought us tea, but nobody can tell us yet if he will "
        "pull through.",
        mood=2,
    )
    assert entry["sentiment"]["label"] == "NEGATIVE"
    assert entry["emotions"]["dominant"] in ("fear", "sadness")
    assert entry["sentiment"]["predictedMood"] < 5


async def test_a_negated_title_and_a_mixed_day(client: GraphQLClient, fast_workers) -> None:
    account = await client.sign_up()
    negated = await _feelings(
        client,
        account.token,
        title="Not a good day",
        content="I was not happy with how the meeting went and I did not enjoy the evening.",
    )
    mixed = await _feelings(
        client,
        account.token,
        title="Up and down",
        content="The morning was terrible, I missed the bus and got soaked. The afternoon "
        "with my friends in the park was wonderful.",
    )
    assert negated["sentiment"]["label"] == "NEGATIVE"
    # Neither a bad nor a great day: between the two extremes.
    assert -0.8 < mixed["sentiment"]["compound"] < 0.8
