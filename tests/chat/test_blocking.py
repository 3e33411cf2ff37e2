"""A block between the pair of a DIRECT conversation stops typing and its live events."""

from __future__ import annotations

from tests.support.chat import EVENTS, TYPING, direct
from tests.support.client import GraphQLClient, error_codes
from tests.support.people import BLOCK, person_id
from tests.support.ws import WebSocketClient, subscribed


def frame_codes(frame: dict) -> list[str]:
    """The error codes of a subscription's error frame (`next` with errors, or `error`)."""
    errors = frame["payload"] if frame["type"] == "error" else frame["payload"]["errors"]
    return [error["extensions"]["code"] for error in errors]


async def test_typing_in_a_direct_conversation_with_a_block_is_forbidden(
    client: GraphQLClient,
) -> None:
    # given: Ada blocks Bob after they talked
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    await client.data(BLOCK, {"id": person_id(bob)}, token=ada.token)
    # when
    by_bob = await client.execute(TYPING, {"c": conversation}, token=bob.token)
    by_ada = await client.execute(TYPING, {"c": conversation}, token=ada.token)
    # then: neither way
    assert error_codes(by_bob) == ["FORBIDDEN"]
    assert error_codes(by_ada) == ["FORBIDDEN"]


async def test_conversation_events_of_a_blocked_pair_are_forbidden(
    client: GraphQLClient, server
) -> None:
    # given
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    await client.data(BLOCK, {"id": person_id(bob)}, token=ada.token)
    for person in (bob, ada):
        async with WebSocketClient(server.ws_url) as ws:
            await ws.init({"authorization": f"Bearer {person.token}"})
            # when
            await ws.subscribe("c", EVENTS, {"c": conversation})
            refused = await ws.receive()
        # then
        assert refused["id"] == "c"
        assert frame_codes(refused) == ["FORBIDDEN"]


async def test_open_conversation_events_end_when_the_pair_blocks(
    client: GraphQLClient, server
) -> None:
    # given: both watch their DIRECT conversation live
    ada, bob = await client.sign_up(), await client.sign_up()
    conversation = await direct(client, ada, bob)
    async with (
        WebSocketClient(server.ws_url) as ada_ws,
        WebSocketClient(server.ws_url) as bob_ws,
    ):
        for ws, person in ((ada_ws, ada), (bob_ws, bob)):
            await ws.init({"authorization": f"Bearer {person.token}"})
            await subscribed(ws, "c", EVENTS, {"c": conversation})
        # when
        await client.data(BLOCK, {"id": person_id(bob)}, token=ada.token)
        # then: each stream ends with FORBIDDEN before anything else reaches it
        for ws in (ada_ws, bob_ws):
            ended = await ws.receive(timeout=10)
            assert ended["id"] == "c"
            assert frame_codes(ended) == ["FORBIDDEN"]
            assert await ws.receive() == {"id": "c", "type": "complete"}
