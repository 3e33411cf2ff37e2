"""A request's objects are freed when it ends, not left for the cyclic garbage collector.

With its context, loaders and everything they loaded in a reference cycle, every request
left hundreds of objects for the collector, which then spent about 2 ms of a 7 ms entries
page scanning the process (server/garbage.py).
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from tests.support.client import GraphQLClient
from tests.support.pod import create_entry, create_tag

PAGE = """
query {
  me { id username }
  entries(first: 10) { edges { node { id title tags { edges { node { name } } } } } }
}
"""
# What a request builds around its data: none of it may outlive the request. Matched in
# our own packages only: other libraries' classes share names (contextvars.Context, held
# by the Task of a Redis connection whose handshake left its own cycles behind in CI).
OUR_PACKAGES = frozenset({"server", "datastore", "resolvers"})
REQUEST_TYPES = {
    "Context",
    "Resumed",
    "Loaders",
    "PodLoaders",
    "TagsByEntryIdLoader",
    "UserByIdLoader",
    "SharedCompiledExecutor",
    "TagRecord",
}


@contextmanager
def cyclic_garbage() -> Iterator[list[object]]:
    """The objects only the cyclic collector would free, made inside the block."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    found: list[object] = []
    try:
        yield found
        gc.collect()
        found.extend(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


async def test_a_query_leaves_no_request_objects_to_the_garbage_collector(
    client: GraphQLClient,
) -> None:
    # given: entries with tags, read once so every cache of the process is warm
    account = await client.sign_up()
    tag = await create_tag(client, account, "errands")
    for title in ("milk", "bread", "eggs"):
        await create_entry(client, account, title=title, tagIds=[tag["id"]])
    first = await client.data(PAGE, token=account.token)
    assert [e["node"]["tags"]["edges"][0]["node"]["name"] for e in first["entries"]["edges"]] == [
        "errands"
    ] * 3
    # when
    with cyclic_garbage() as garbage:
        again = await client.data(PAGE, token=account.token)
    # then: the same answer, and nothing of the request waits for the collector
    assert again == first
    left = sorted({type(o).__name__ for o in garbage if _ours(o)} & REQUEST_TYPES)
    assert left == [], _described(garbage)


def _ours(thing: object) -> bool:
    return type(thing).__module__.split(".")[0] in OUR_PACKAGES


def _described(garbage: list[object]) -> str:
    """What the cycles were made of, to find who made them."""
    kinds = Counter(type(o).__qualname__ for o in garbage)
    frames = Counter(o.f_code.co_qualname for o in garbage if isinstance(o, FrameType))
    return f"garbage: {kinds.most_common(40)}; frames: {frames.most_common(20)}"
