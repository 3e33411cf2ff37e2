"""Group commit: calls arriving while a batch runs go together in the next one."""

from __future__ import annotations

import asyncio

import pytest

from datastore.kit.group_commit import GroupCommit, Outcomes


class Store:
    """Doubles each number, a batch at a time; odd numbers are refused, 13 fails the batch."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.release = asyncio.Event()

    async def write(self, numbers: list[int]) -> Outcomes[int]:
        self.batches.append(numbers)
        await self.release.wait()
        if 13 in numbers:
            raise ConnectionError("store down")
        return [ValueError(n) if n % 2 else n * 2 for n in numbers]


async def test_calls_made_while_a_batch_runs_share_the_next_one() -> None:
    # given: a first call in flight
    store = Store()
    commit = GroupCommit(store.write, most=3)
    first = asyncio.ensure_future(commit(2))
    await asyncio.sleep(0)
    # when: five more arrive meanwhile, then the store answers
    rest = [asyncio.ensure_future(commit(n)) for n in (4, 6, 8, 10, 12)]
    await asyncio.sleep(0)
    store.release.set()
    results = await asyncio.gather(first, *rest)
    # then: each caller gets its own answer; the waiting ones went at most three at a time
    assert results == [4, 8, 12, 16, 20, 24]
    assert store.batches == [[2], [4, 6, 8], [10, 12]]


async def test_an_item_s_error_reaches_its_caller_and_a_batch_s_error_all_of_its_callers() -> None:
    # given
    store = Store()
    store.release.set()
    commit = GroupCommit(store.write, most=10)
    # when
    alone = await asyncio.gather(commit(2), commit(3), return_exceptions=True)
    together = await asyncio.gather(commit(4), commit(13), return_exceptions=True)
    # then
    assert alone[0] == 4
    assert isinstance(alone[1], ValueError)
    assert [type(e) for e in together] == [ConnectionError, ConnectionError]
    # and a call after a failed batch is served as usual
    assert await commit(6) == 12


async def test_a_caller_that_goes_away_does_not_cancel_the_others() -> None:
    # given: two calls in one batch
    store = Store()
    commit = GroupCommit(store.write, most=10)
    leaving, staying = asyncio.ensure_future(commit(2)), asyncio.ensure_future(commit(4))
    await asyncio.sleep(0)
    # when: one caller is cancelled while the batch runs
    leaving.cancel()
    await asyncio.sleep(0)
    store.release.set()
    # then
    assert await staying == 8
    with pytest.raises(asyncio.CancelledError):
        await leaving
    assert store.batches == [[2, 4]]
