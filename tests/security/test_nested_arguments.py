"""Attack values in every argument of every nested field (`Note.tags(after:)`,
`Message.reactions(first:)`, `JournalEntry.sentiment(model:)`): never INTERNAL, nothing of
another user's, and a NUL byte is BAD_USER_INPUT naming the argument.

The positions are generated from the schema (tests/support/abuse.py `nested_positions`);
each is reached through `node(id:)` on an object of its type the caller owns
(tests/support/owned.py). Another user's cursors of the same nested lists are among the
values. Every nested field that takes arguments must be exercised.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.abuse import (
    NODE,
    Position,
    assert_still_answers,
    codes,
    graphql_schema,
    nested_positions,
)
from tests.support.attacks import NUL_TEXT, attack, attack_values, internal
from tests.support.client import Account, GraphQLClient
from tests.support.owned import owned_nodes
from tests.support.people import person_id
from tests.support.security import MARK

# Nested fields with arguments that no object of the caller's reaches, as `Type.field`.
# Keep it exact: a field listed here that becomes reachable fails the test.
UNREACHED: set[str] = {
    # Only the unlock mutations return it; its arguments: tests/vault/test_unlock.py.
    "VaultUnlock.keys",
}
# Nested lists whose items name their owner (texts with MARK, their ids): the other user's
# own answers must look leaked, or the leak check would be blind.
SHOW_THEIR_OWNER = {
    *(f"{kind}.tags" for kind in ("Note", "Password", "Document", "Bookmark", "Task")),
    *("Contact.tags", "JournalEntry.tags", "Message.editHistory"),
    *("Conversation.members", "Group.members"),
}


@dataclass
class Owners:
    me: Account
    other: Account
    mine: dict[str, str]  # my object of each node type, by type name
    theirs: dict[str, str]  # the other user's, whose texts all contain MARK
    their_cursors: list[str]  # end cursors of the other user's nested lists

    def leaked(self, body: Any) -> bool:
        text = json.dumps(body)
        theirs = [*self.theirs.values(), self.other.user_id, person_id(self.other)]
        return MARK in text or any(value in text for value in theirs)


@pytest.fixture(scope="module")
async def owners(server: Any) -> AsyncIterator[Owners]:
    journal = server.services.clients.settings.journal
    saved, journal.insights_debounce_seconds = journal.insights_debounce_seconds, 0
    try:
        async with GraphQLClient(server.url) as client:
            me, other, friend = [await client.sign_up() for _ in range(3)]
            mine = await owned_nodes(client, me, friend, "mine")
            theirs = await owned_nodes(client, other, friend, MARK)
            cursors = await end_cursors(client, other, theirs)
    finally:
        journal.insights_debounce_seconds = saved
    yield Owners(me, other, mine, theirs, cursors)


def all_positions() -> list[Position]:
    return list(nested_positions(graphql_schema(), lambda _path, _type: True))


async def end_cursors(client: GraphQLClient, owner: Account, ids: dict[str, str]) -> list[str]:
    """The end cursor of each of the owner's nested lists."""
    lists = [
        (p.parent, p.field_name)
        for p in all_positions()
        if p.path == ("after",) and p.parent in ids
    ]
    pages = []
    # In chunks: a document may hold at most 30 aliases (the query limits).
    for start in range(0, len(lists), 25):
        query = " ".join(
            f'c{i}: node(id: "{ids[parent]}") {{ ... on {parent} '
            f"{{ {field} {{ pageInfo {{ endCursor }} }} }} }}"
            for i, (parent, field) in enumerate(lists[start : start + 25])
        )
        data = await client.data(f"{{ {query} }}", token=owner.token)
        pages += [next(iter(node.values())) for node in data.values()]
    return [page["pageInfo"]["endCursor"] for page in pages if page["pageInfo"]["endCursor"]]


def non_code_errors(answers: list[tuple[Position, dict[str, Any]]]) -> list[tuple[str, Any]]:
    """(position, errors) of answers with an error that carries no code at all."""
    return [(p.name, body["errors"]) for p, body in answers if "" in codes(body)]


async def called_without_arguments(
    client: GraphQLClient, caller: Account, node_id: str, position: Position
) -> dict[str, Any]:
    query = position.document(f"{position.field_name} {position.selection()}", [])
    return await client.execute(query, {NODE: node_id}, token=caller.token)


async def test_every_nested_field_with_arguments_is_reached(
    owners: Owners, client: GraphQLClient
) -> None:
    # given: each nested field that takes arguments, on my object of its type
    fields = {f"{p.parent}.{p.field_name}": p for p in all_positions()}
    reachable = {name: p for name, p in fields.items() if p.parent in owners.mine}

    # when
    answers = {
        name: await called_without_arguments(client, owners.me, owners.mine[p.parent], p)
        for name, p in reachable.items()
    }
    theirs = {
        name: await called_without_arguments(client, owners.other, owners.theirs[p.parent], p)
        for name, p in reachable.items()
    }

    # then
    assert fields.keys() - reachable.keys() == UNREACHED
    assert len(fields) >= 15  # the schema's nested fields with arguments, as of writing
    failed = {
        name: body for name, body in answers.items() if "errors" in body or not body["data"][NODE]
    }
    assert failed == {}
    # The leak check is no blind one: it sees the other user's data in their own answers.
    assert {name for name, body in theirs.items() if owners.leaked(body)} >= SHOW_THEIR_OWNER
    await assert_still_answers(client, owners.me)


async def test_bad_values_in_nested_arguments_are_never_internal_nor_another_users(
    owners: Owners, client: GraphQLClient
) -> None:
    # given
    targets = [
        (p, attack_values(p, list(owners.theirs.values()), owners.their_cursors))
        for p in all_positions()
        if p.parent in owners.mine
    ]

    # when
    answers = await attack(client, owners.me.token, owners.me.user_id, targets, owners.mine)

    # then
    assert internal(answers) == []
    assert non_code_errors(answers) == []
    assert [p.name for p, body in answers if owners.leaked(body)] == []
    assert all(values for _, values in targets)
    await assert_still_answers(client, owners.me)


@pytest.mark.parametrize("shape", ["inline", "named fragment", "literal in named fragment"])
async def test_nul_byte_in_a_nested_argument_is_bad_user_input_naming_it(
    owners: Owners, client: GraphQLClient, shape: str
) -> None:
    # given
    text_positions = [
        p for p in all_positions() if p.type.name in ("String", "ID") and p.parent in owners.mine
    ]
    wrong = []

    for position in text_positions:
        # when
        node_id = owners.mine[position.parent]
        if shape == "literal in named fragment":
            query, variables = position.literal_request([NUL_TEXT], "", node_id, named=True)
        else:
            query, variables = position.variables_request(
                NUL_TEXT, "", node_id, named=shape == "named fragment"
            )
        body = await client.execute(query, variables, token=owners.me.token)

        # then
        named = [(e.get("extensions") or {}).get("field") for e in body.get("errors") or []]
        if codes(body) != ["BAD_USER_INPUT"] or named != [position.dotted]:
            wrong.append((position.name, body))
    assert text_positions
    assert wrong == []
    await assert_still_answers(client, owners.me)
