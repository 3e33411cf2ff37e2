"""The shared-connection broker: fan-out to many local subscribers, across processes."""

from __future__ import annotations

import asyncio

import redis.asyncio as redis

from datastore.kit.pubsub import Broker


async def test_one_connection_fans_out_to_every_local_subscriber(server) -> None:
    broker = server.services.clients.broker
    async with broker.subscribe("test:fanout") as a, broker.subscribe("test:fanout") as b:
        await broker.publish("test:fanout", b"hello")
        got = await asyncio.wait_for(asyncio.gather(anext(aiter(a)), anext(aiter(b))), timeout=5)
    assert got == [("test:fanout", b"hello"), ("test:fanout", b"hello")]


async def test_a_message_from_another_broker_arrives(server, migrated) -> None:
    # given: a second broker, as in another server process, on its own connection
    other = Broker(redis.Redis.from_url(migrated.redis_url))
    await other.start()
    try:
        async with server.services.clients.broker.subscribe("test:cross") as subscription:
            # when
            await other.publish("test:cross", b"from afar")
            # then
            channel, data = await asyncio.wait_for(anext(aiter(subscription)), timeout=5)
    finally:
        await other.stop()
        await other.client.aclose()
    assert (channel, data) == ("test:cross", b"from afar")


async def test_leaving_unsubscribes_the_channel_from_redis(server) -> None:
    broker = server.services.clients.broker
    async with broker.subscribe("test:leave"):
        assert await broker.client.pubsub_numsub("test:leave") == [(b"test:leave", 1)]
    # UNSUBSCRIBE is sent, not awaited: Redis applies it a moment later.
    for _ in range(50):
        if await broker.client.pubsub_numsub("test:leave") == [(b"test:leave", 0)]:
            break
        await asyncio.sleep(0.02)
    assert await broker.client.pubsub_numsub("test:leave") == [(b"test:leave", 0)]
