"""Attack values in every argument of every subscription, over a real websocket
(graphql-transport-ws): each is refused with a code that is not INTERNAL, another user's
ids are NOT_FOUND, a NUL byte is BAD_USER_INPUT naming the argument, and the same socket
then still runs a normal query and a live subscription.

The positions are generated from the schema's Subscription root (tests/support/abuse.py
`positions`), with the attack values of their kind (tests/support/attacks.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.abuse import (
    Position,
    assert_socket_still_answers,
    assert_still_answers,
    graphql_schema,
    positions,
)
from tests.support.attacks import INTERNAL_CODES, NUL_TEXT, attack_values
from tests.support.chat import direct, send
from tests.support.client import Account, GraphQLClient
from tests.support.ws import WebSocketClient, received_after, subscribed

EVENTS = (
    "subscription($c: ID!) { conversationEvents(conversationId: $c) { kind message { body } } }"
)
ANSWER_SECONDS = 10


@dataclass
class Callers:
    me: Account
    my_conversation: str
    their_conversation: str  # another user's: NOT_FOUND, as if it did not exist
    their_ids: list[str]  # their conversation, message and user id


@pytest.fixture(scope="module")
async def callers(server: Any) -> AsyncIterator[Callers]:
    async with GraphQLClient(server.url) as client:
        me, friend, other, their_friend = [await client.sign_up() for _ in range(4)]
        mine = await direct(client, me, friend)
        theirs = await direct(client, other, their_friend)
        message = await send(client, other, theirs, "theirs")
        yield Callers(me, mine, theirs, [theirs, message["id"], other.user_id])


def subscription_positions() -> list[Position]:
    return list(positions(graphql_schema(), lambda _path, _type: True, ("subscription",)))


def nul(position: Position) -> list[str]:
    return [NUL_TEXT] if position.type.name in ("String", "ID") else []


def errors_of(frame: dict[str, Any]) -> list[dict[str, Any]]:
    """The errors an `error` frame, or a `next` frame with errors, carries."""
    if frame["type"] == "error":
        return list(frame["payload"])
    return list((frame.get("payload") or {}).get("errors") or [])


async def first_frames(ws: WebSocketClient, ids: set[str]) -> dict[str, dict[str, Any]]:
    """The first frame of each operation in `ids`; those that send none in time (accepted,
    live subscriptions) are missing."""
    frames: dict[str, dict[str, Any]] = {}
    try:
        async with asyncio.timeout(ANSWER_SECONDS):
            while frames.keys() != ids:
                frame = await ws.receive(timeout=ANSWER_SECONDS)
                if frame.get("id") in ids:
                    frames.setdefault(frame["id"], frame)
    except TimeoutError:
        pass
    return frames


def wrong_answers(
    sent: dict[str, tuple[Position, Any]], frames: dict[str, dict[str, Any]], not_found: str
) -> list[tuple[str, Any, Any]]:
    """(position, value, frame) of each attack not refused with the right code: a NUL byte
    BAD_USER_INPUT naming the argument, `not_found` NOT_FOUND, any other not INTERNAL."""
    wrong = []
    for operation_id, (position, value) in sent.items():
        frame = frames.get(operation_id, {"type": "none: accepted"})
        errors = errors_of(frame) if frame["type"] in ("error", "next") else []
        found = [(e.get("extensions") or {}).get("code", "") for e in errors]
        fields = [(e.get("extensions") or {}).get("field") for e in errors]
        if value == NUL_TEXT:
            right = found == ["BAD_USER_INPUT"] and fields == [position.dotted]
        elif value == not_found:
            # Their conversation: NOT_FOUND; where another type's id is wanted (entryEvents),
            # BAD_USER_INPUT.
            right = found in (["NOT_FOUND"], ["BAD_USER_INPUT"])
        else:
            right = bool(found) and all(c and c not in INTERNAL_CODES for c in found)
        if not right:
            wrong.append((position.name, value, frame))
    return wrong


async def test_bad_values_in_every_subscription_argument_are_refused_and_the_socket_lives(
    callers: Callers, client: GraphQLClient, server: Any
) -> None:
    # given
    positions = subscription_positions()
    targets = [(p, [*attack_values(p, callers.their_ids, []), *nul(p)]) for p in positions]
    attacks = [(p, v) for p, values in targets for v in values]
    # Each value twice: in a variable, and written inline in the document.
    sent = {f"{form}{i}": attack for i, attack in enumerate(attacks) for form in "vl"}

    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {callers.me.token}"})

        # when: every attack on one socket at once
        for operation_id, (position, value) in sent.items():
            by_variable = operation_id.startswith("v")
            request = (
                position.variables_request(value, "")
                if by_variable
                else position.literal_request([value], "")
            )
            await ws.subscribe(operation_id, *request)
        frames = await first_frames(ws, set(sent))

        # then: each refused with its code, and the socket still runs a query...
        assert wrong_answers(sent, frames, callers.their_conversation) == []
        await assert_socket_still_answers(ws, callers.me)
        # ...and a live subscription of mine
        await subscribed(ws, "live", EVENTS, {"c": callers.my_conversation})
        frame = await received_after(
            ws, lambda: send(client, callers.me, callers.my_conversation, "still live")
        )
    assert frame["id"] == "live", frame
    assert frame["payload"]["data"]["conversationEvents"]["message"]["body"] == "still live"
    # Not vacuous: the schema's subscriptions take arguments, each got attack values.
    assert positions and all(values for _, values in targets)
    await assert_still_answers(client, callers.me)
