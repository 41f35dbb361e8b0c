"""Event bus: how messages that arrive outside a request (a liaison's reply, a status change) reach channels.

In-process by default; Redis pub/sub when several API workers run (`WIL_REDIS_URL`).
Topics: `conversation:<id>` for one conversation's stream, `liaisons` for the console queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
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


# Bounds for the Redis side: connections per worker (streams share one), events kept for Redis
# while it is down, and the wait between reconnection attempts.
REDIS_MAX_CONNECTIONS = 32
REDIS_TIMEOUT_S = 2.0
MAX_PENDING_EVENTS = 10_000
RETRY_DELAYS_S = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0)
# What a local subscription gets when its events may have been missed: it ends, so its client
# reconnects and catches up from the database (the widget does, with `?after=`).
_RESYNC: Event = {"type": "__resync__"}


class RedisBus:
    """Bus over Redis pub/sub, so an event published by one worker reaches every worker.

    Scale: a worker holds one pattern subscription (one connection) and fans events out to its
    open streams in process, so a thousand streams cost a thousand queues, not a thousand Redis
    connections; other commands share a small bounded pool.

    Failure: Redis down never fails the action that publishes (the data is already saved): the
    event waits in a bounded in-process outbox, in order, and is sent once Redis answers again.
    When the subscription comes back after a loss, every local stream ends so its client
    reconnects and fetches what it missed from the database.
    """

    def __init__(self, url: str, prefix: str = "wil:", max_queue: int = 1000) -> None:
        import redis.asyncio as aioredis

        pool = aioredis.BlockingConnectionPool.from_url(
            url,
            decode_responses=True,
            max_connections=REDIS_MAX_CONNECTIONS,
            timeout=REDIS_TIMEOUT_S,
            socket_connect_timeout=REDIS_TIMEOUT_S,
            socket_timeout=REDIS_TIMEOUT_S,
        )
        self._pool = pool
        self._redis = aioredis.Redis(connection_pool=pool)
        self._prefix = prefix
        self._max_queue = max_queue
        self._local: dict[str, set[asyncio.Queue[Event]]] = {}
        self._pending: deque[tuple[str, str]] = deque(maxlen=MAX_PENDING_EVENTS)
        self._reader: asyncio.Task[None] | None = None
        self._flusher: asyncio.Task[None] | None = None
        self._live: asyncio.Event | None = None
        self._down_logged = False

    # -- publishing ------------------------------------------------------------------------

    async def publish(self, topic: str, event: Event) -> None:
        """Publish the event as JSON on the prefixed Redis channel; keep it for later if Redis is down."""
        payload = json.dumps(event, default=str)
        if self._pending:  # earlier events still wait: keep the order
            self._keep(topic, payload)
            return
        try:
            await self._redis.publish(self._prefix + topic, payload)
        except Exception as exc:  # noqa: BLE001 - any transport error: keep the event, never fail
            self._note_down("publish", exc)
            self._keep(topic, payload)

    def _keep(self, topic: str, payload: str) -> None:
        if len(self._pending) == self._pending.maxlen:
            logger.warning("event outbox full: dropping the oldest undelivered event")
        self._pending.append((topic, payload))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(
                self._flush(), name="redis-bus-outbox"
            )

    async def _flush(self) -> None:
        """Send the kept events in order once Redis answers again."""
        attempt = 0
        while self._pending:
            topic, payload = self._pending[0]
            try:
                await self._redis.publish(self._prefix + topic, payload)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - wait and try again
                self._note_down("publish", exc)
                await asyncio.sleep(RETRY_DELAYS_S[min(attempt, len(RETRY_DELAYS_S) - 1)])
                attempt += 1
                continue
            self._pending.popleft()
            attempt = 0
        logger.info("event outbox delivered; Redis is back")
        self._down_logged = False

    def pending(self) -> int:
        """Return how many events wait for Redis."""
        return len(self._pending)

    # -- subscribing -----------------------------------------------------------------------

    async def subscribe(  # type: ignore[override]
        self, topic: str, ready: asyncio.Event | None = None
    ) -> AsyncIterator[Event]:
        """Yield events for `topic` until the consumer stops iterating (or a resync ends it)."""
        queue: asyncio.Queue[Event] = asyncio.Queue(self._max_queue)
        self._local.setdefault(topic, set()).add(queue)
        live = self._ensure_reader()
        waiter: asyncio.Task[None] | None = None
        if ready is not None:
            if live.is_set():
                ready.set()
            else:
                waiter = asyncio.ensure_future(_set_when(live, ready))
        try:
            while True:
                event = await queue.get()
                if event is _RESYNC:
                    return
                yield event
        finally:
            if waiter is not None:
                waiter.cancel()
            subscribers = self._local.get(topic)
            if subscribers is not None:
                subscribers.discard(queue)
                if not subscribers:
                    self._local.pop(topic, None)

    def subscriber_count(self, topic: str) -> int:
        """Return how many streams of this worker listen on `topic`."""
        return len(self._local.get(topic, ()))

    def _ensure_reader(self) -> asyncio.Event:
        if self._live is None:
            self._live = asyncio.Event()
        if self._reader is None or self._reader.done():
            self._reader = asyncio.get_running_loop().create_task(
                self._read(self._live), name="redis-bus-reader"
            )
        return self._live

    async def _read(self, live: asyncio.Event) -> None:
        """Hold the worker's one subscription; deliver events to local queues; reconnect on loss."""
        attempt = 0
        lost = False
        while True:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.psubscribe(self._prefix + "*")
                live.set()
                if lost:
                    logger.info("event subscription restored; streams resume from the database")
                    self._fan_out_all(_RESYNC)
                    lost = False
                attempt = 0
                while True:
                    msg = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if msg is not None:
                        self._deliver(msg)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - reconnect whatever broke
                live.clear()
                lost = True
                self._note_down("subscription", exc)
                await asyncio.sleep(RETRY_DELAYS_S[min(attempt, len(RETRY_DELAYS_S) - 1)])
                attempt += 1
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    def _deliver(self, msg: dict[str, Any]) -> None:
        channel = str(msg.get("channel", ""))
        queues = self._local.get(channel.removeprefix(self._prefix))
        if not queues:
            return
        try:
            event = json.loads(msg["data"])
        except (TypeError, ValueError, KeyError):
            logger.warning("dropping a malformed event")
            return
        for queue in list(queues):
            _put_dropping_oldest(queue, event)

    def _fan_out_all(self, event: Event) -> None:
        for queues in list(self._local.values()):
            for queue in list(queues):
                _put_dropping_oldest(queue, event)

    def _note_down(self, what: str, exc: BaseException) -> None:
        if not self._down_logged:
            self._down_logged = True
            logger.warning(
                "Redis unreachable (%s: %s); events wait and are retried", what, type(exc).__name__
            )

    # -- lifecycle -------------------------------------------------------------------------

    async def ping(self) -> bool:
        """Return True when Redis answers."""
        try:
            return bool(await self._redis.ping())
        except Exception:  # noqa: BLE001 - any transport error means "not reachable"
            return False

    async def close(self) -> None:
        """Stop the subscription and the outbox, and close the Redis connection pool."""
        if self._pending and self._flusher is not None and not self._flusher.done():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._flusher), timeout=REDIS_TIMEOUT_S)
        for task in (self._reader, self._flusher):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
        if self._pending:
            logger.warning(
                "%d events were never delivered (Redis down at shutdown)", len(self._pending)
            )
        await self._redis.aclose()
        await self._pool.disconnect()


def _put_dropping_oldest(queue: asyncio.Queue[Event], event: Event) -> None:
    if queue.full():
        with contextlib.suppress(asyncio.QueueEmpty):
            queue.get_nowait()
    queue.put_nowait(event)


async def _set_when(source: asyncio.Event, target: asyncio.Event) -> None:
    await source.wait()
    target.set()


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
