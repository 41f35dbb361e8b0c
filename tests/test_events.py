"""Event bus: in-process by default, Redis across workers."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from assistant.events import EventBus, InMemoryBus, RedisBus, conversation_topic
from tests.conftest import REDIS_URL, require_service


async def _roundtrip(publisher: EventBus, subscriber: EventBus) -> None:
    topic = conversation_topic(uuid.uuid4().hex)
    ready = asyncio.Event()
    stream = subscriber.subscribe(topic, ready)
    first = asyncio.ensure_future(stream.__anext__())
    await asyncio.wait_for(ready.wait(), timeout=15)  # the subscription is live
    await publisher.publish(topic, {"type": "message", "data": {"text": "Hi from a liaison"}})
    event = await asyncio.wait_for(first, timeout=15)
    assert event["data"]["text"] == "Hi from a liaison"
    await stream.aclose()  # type: ignore[attr-defined]


async def test_in_memory_bus_delivers_and_forgets_subscribers() -> None:
    bus = InMemoryBus()
    await _roundtrip(bus, bus)
    assert bus.subscriber_count("anything") == 0


async def test_events_for_other_topics_do_not_leak() -> None:
    bus = InMemoryBus()
    mine = bus.subscribe("conversation:a")
    pending = asyncio.ensure_future(mine.__anext__())
    await asyncio.sleep(0)
    await bus.publish("conversation:b", {"type": "message"})
    await asyncio.sleep(0.05)
    assert not pending.done()
    pending.cancel()


@pytest.mark.services
async def test_redis_bus_crosses_instances() -> None:
    require_service("Redis", "127.0.0.1", 6379)
    worker_a, worker_b = RedisBus(REDIS_URL), RedisBus(REDIS_URL)
    try:
        assert await worker_a.ping()
        await _roundtrip(worker_a, worker_b)
    finally:
        await worker_a.close()
        await worker_b.close()
