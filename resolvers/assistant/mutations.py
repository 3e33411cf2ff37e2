"""askAssistant: a question about my journal and notes."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from resolvers.assistant.types import AssistantAnswer, AssistantPassage
from resolvers.core.context import Info
from resolvers.core.pagination import Connection, First, offset_cursor, page_size
from resolvers.core.permissions import IsAuthenticated


@strawberry.type
class AssistantMutations:
    @strawberry.mutation(
        description="Ask about my journal and notes; the answer quotes only my own entries, "
        "or says that they hold no answer. Rate limited per user.",
        permission_classes=[IsAuthenticated],
    )
    async def ask_assistant(
        self,
        info: Info,
        question: Annotated[str, strawberry.argument(description="1-500 characters.")],
        session_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="A previous answer's sessionId, for follow-ups."),
        ] = None,
        first: First = None,
    ) -> AssistantAnswer:
        ctx = info.context
        user_id = ctx.require_principal().user_id
        limit = page_size(first, maximum=10)
        answer = await ctx.services.assistant.ask(
            user_id, question, str(session_id) if session_id else None
        )
        passages = [
            (
                n,
                AssistantPassage(
                    text=p.text,
                    score=p.score,
                    entry_id=relay.GlobalID(
                        "JournalEntry" if p.source == "JOURNAL" else p.kind.title(), str(p.entry_id)
                    ),
                    kind=p.kind,
                    title=p.title,
                ),
            )
            for n, p in enumerate(answer.passages[:limit])
        ]
        return AssistantAnswer(
            session_id=strawberry.ID(answer.session_id),
            answered=answer.answered,
            summary=answer.summary,
            passages=Connection.build(
                passages,
                node=lambda pair: pair[1],
                cursor=lambda pair: offset_cursor("passage", pair[0]),
                has_next=len(answer.passages) > limit,
                has_previous=False,
            ),
        )
