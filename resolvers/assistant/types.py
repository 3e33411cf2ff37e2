"""GraphQL types of the assistant."""

from __future__ import annotations

import strawberry
from strawberry import relay

from resolvers.core.pagination import Connection


@strawberry.type(description="A passage of one of my entries that answers the question.")
class AssistantPassage:
    text: str = strawberry.field(description="The sentence, as written (never the title).")
    score: float = strawberry.field(description="Cosine similarity to the question.")
    entry_id: relay.GlobalID = strawberry.field(
        description="The entry it comes from: a JournalEntry, or a pod entry (e.g. Note)."
    )
    kind: str = strawberry.field(description="JOURNAL, or the pod entry's kind.")
    title: str | None = strawberry.field(description="The entry's title.")


@strawberry.type(description="The assistant's answer, drawn only from my own entries.")
class AssistantAnswer:
    session_id: strawberry.ID = strawberry.field(
        description="Pass it with the next question to keep the context (expires after a day)."
    )
    answered: bool = strawberry.field(
        description="False when my entries hold no answer: the summary then says so and no "
        "passage is cited."
    )
    summary: str = strawberry.field(
        description="The sentence that answers, quoted from one of my entries; or, when "
        "answered is false, a message saying that no answer was found."
    )
    passages: Connection[AssistantPassage] = strawberry.field(
        description="The passages, best first, each linked to its entry."
    )
