"""Event bus: how messages that arrive outside a request (a liaison's reply, a status change) reach channels.

In-process by default; Redis pub/sub when several API workers run (`WIL_REDIS_URL`).
Topics: `conversation:<id>` for one conversation's stream, `liaisons` for the console queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol

logger = logging.getLogger(__name__)

Event = dict[str, Any]

LIAISON_TOPIC = "liaisons"


def conversation_topic(conversation_id: str) -> str:
    """Return the topic carrying one conversation's events."""
    return f"conversation:{conversation_id}"


class EventBus(Protocol):
    """Publish/subscribe seam; implementations deliver each event to every current subscriber."""

    async def publish(self, topic: str, event: Event) -> None:
        """Deliver `event` to the subscribers of `topic` (fire and forget)."""
        ...

    def subscribe(self, topic: str, ready: asyncio.Event | None = None) -> AsyncIterator[Event]:
        """Return an async iterator of the events published on `topic` from now on.

        The subscription starts when iteration starts; `ready` (if given) is set once it is live,
        so a caller can tell a client "connected" without losing an event published in between.
        """
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class InMemoryBus:
    """Single-process bus built on asyncio queues."""

    def __init__(self, max_queue: int = 1000) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[Event]]] = {}
        self._max_queue = max_queue

    async def publish(self, topic: str, event: Event) -> None:
        """Put the event on every subscriber's queue; a full queue drops its oldest event."""
        for queue in list(self._subscribers.get(topic, ())):
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(event)

    async def subscribe(  # type: ignore[override]
        self, topic: str, ready: asyncio.Event | None = None
    ) -> AsyncIterator[Event]:
        """Yield events for `topic` until the consumer stops iterating."""
        queue: asyncio.Queue[Event] = asyncio.Queue(self._max_queue)
        self._subscribers.setdefault(topic, set()).add(queue)
        if ready is not None:
            ready.set()
        try:
            while True:
                yield await queue.get()
        finally:
            subscribers = self._subscribers.get(topic)
            if subscribers is not None:
                subscribers.discard(queue)
                if not subscribers:
                    self._subscribers.pop(topic, None)

    def subscriber_count(self, topic: str) -> int:
        """Return how many consumers listen on `topic` (used by tests and health)."""
        return len(self._subscribers.get(topic, ()))

    async def close(self) -> None:
        """Forget every subscriber."""
        self._subscribers.clear()


class RedisBus:
    """Bus over Redis pub/sub, so an event published by one worker reaches every worker."""

    def __init__(self, url: str, prefix: str = "wil:") -> None:
        import redis.asyncio as aioredis

        self._redis = aioredis.from_url(url, decode_responses=True)
        self._prefix = prefix

    async def publish(self, topic: str, event: Event) -> None:
        """Publish the event as JSON on the prefixed Redis channel."""
        await self._redis.publish(self._prefix + topic, json.dumps(event, default=str))

    async def subscribe(  # type: ignore[override]
        self, topic: str, ready: asyncio.Event | None = None
    ) -> AsyncIterator[Event]:
        """Yield events for `topic` from Redis until the consumer stops iterating."""
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(self._prefix + topic)
        if ready is not None:
            ready.set()
        try:
            while True:
                msg = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if msg is None:
                    continue
                try:
                    yield json.loads(msg["data"])
                except (TypeError, ValueError):
                    logger.warning("dropping malformed event on %s", topic)
        finally:
            with contextlib.suppress(Exception):
                await pubsub.unsubscribe(self._prefix + topic)
                await pubsub.aclose()

    async def ping(self) -> bool:
        """Return True when Redis answers."""
        try:
            return bool(await self._redis.ping())
        except Exception:  # noqa: BLE001 - any transport error means "not reachable"
            return False

    async def close(self) -> None:
        """Close the Redis connection pool."""
        await self._redis.aclose()


def make_bus(redis_url: str | None) -> EventBus:
    """Return a Redis bus when a URL is configured, else the in-process bus."""
    if redis_url:
        return RedisBus(redis_url)
    return InMemoryBus()


Deliver = Callable[[str, Event], Awaitable[None]]


class Outbound:
    """Registry of channel senders: how a message reaches a person on a push channel (e.g. Telegram).

    The web widget needs none (it listens on the event stream); Telegram registers one that sends
    through the Bot API. Keys are channel names; the callable gets (conversation_id, event).
    """

    def __init__(self) -> None:
        self._senders: dict[str, Deliver] = {}

    def register(self, channel: str, sender: Deliver) -> None:
        """Register the sender for a channel, replacing any previous one."""
        self._senders[channel] = sender

    async def deliver(self, channel: str, conversation_id: str, event: Event) -> bool:
        """Send through the channel's sender; return False when the channel has none or it failed."""
        sender = self._senders.get(channel)
        if sender is None:
            return False
        try:
            await sender(conversation_id, event)
            return True
        except Exception:
            logger.exception("delivery on channel %s failed", channel)
            return False
