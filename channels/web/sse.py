"""Server-sent events framing, and a cap on the event streams open at once per subscriber."""

from __future__ import annotations

import asyncio
import contextlib
import json
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi.responses import JSONResponse

# SSE lines end at CR, LF or CRLF; nothing of those may reach a frame's field values.
_LINE_BREAKS = str.maketrans({"\r": " ", "\n": " "})


def sse(event: str, data: Any, event_id: str | int | None = None) -> str:
    """Return one SSE frame with a JSON payload.

    The JSON goes on a single `data:` line: `json.dumps` escapes CR and LF, and the text is not
    split on other separators (U+2028, U+0085, ...), which would break the JSON across lines.
    """
    lines = []
    if event_id is not None:
        lines.append(f"id: {str(event_id).translate(_LINE_BREAKS)}")
    lines.append(f"event: {event.translate(_LINE_BREAKS)}")
    lines.append(f"data: {json.dumps(data, ensure_ascii=False, default=str)}")
    return "\n".join(lines) + "\n\n"


def comment(text: str = "keep-alive") -> str:
    """Return an SSE comment frame (keeps proxies from closing an idle stream)."""
    return f": {text.translate(_LINE_BREAKS)}\n\n"


SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "Connection": "keep-alive"}


KEEPALIVE_S = 15.0
# How often a liaison's stream checks that its session or token still holds.
REAUTH_S = 15.0

# Event streams one subscriber (a conversation, a liaison) may hold open at once in a process.
# Each one holds a bus subscription (with Redis, a connection); a person has a few tabs at most.
MAX_STREAMS_PER_CONVERSATION = 8
MAX_STREAMS_PER_LIAISON = 16
STREAMS_BUSY_RETRY_S = 30
STREAM_SLOTS_KEY = "sse_stream_slots"


@dataclass
class StreamSlots:
    """Count the event streams open per key; refuse one more than the limit."""

    _open: dict[str, int] = field(default_factory=dict)

    def acquire(self, key: str, limit: int) -> Callable[[], None] | None:
        """Take a slot; return its (idempotent) release function, or None when all are taken."""
        if self._open.get(key, 0) >= limit:
            return None
        self._open[key] = self._open.get(key, 0) + 1
        released = False

        def release() -> None:
            nonlocal released
            if released:
                return
            released = True
            left = self._open.get(key, 0) - 1
            if left > 0:
                self._open[key] = left
            else:
                self._open.pop(key, None)

        return release

    def count(self, key: str) -> int:
        """Return how many streams are open for `key`."""
        return self._open.get(key, 0)


def stream_slots(extras: dict[str, Any]) -> StreamSlots:
    """Return the process's stream counter kept in the runtime's extras."""
    return extras.setdefault(STREAM_SLOTS_KEY, StreamSlots())  # type: ignore[no-any-return]


def limited_bus_stream(
    bus: Any,
    topic: str,
    request: Any,
    release: Callable[[], None],
    still_allowed: Callable[[], Awaitable[bool]] | None = None,
) -> AsyncIterator[str]:
    """Return `bus_stream(...)` that gives its slot back when it ends or is dropped unstarted."""
    stream = bus_stream(bus, topic, request, on_close=release, still_allowed=still_allowed)
    # A response whose client left before the body started never runs the generator's `finally`.
    weakref.finalize(stream, release)
    return stream


async def bus_stream(
    bus: Any,
    topic: str,
    request: Any,
    on_close: Callable[[], None] | None = None,
    still_allowed: Callable[[], Awaitable[bool]] | None = None,
) -> AsyncIterator[str]:
    """Relay a bus topic as SSE frames until the client disconnects, with keep-alives.

    Listening starts before the "connected" comment: a client that then catches up (e.g. with
    `?after=`) cannot miss an event published in between. With `still_allowed`, the credentials
    are checked again every REAUTH_S seconds and the stream ends once they no longer hold (the
    liaison signed out, their session expired or their account was deactivated).
    """
    loop = asyncio.get_running_loop()
    ready = asyncio.Event()
    subscription = bus.subscribe(topic, ready)
    next_event: asyncio.Future[Any] | None = asyncio.ensure_future(anext(subscription))
    checked = loop.time()
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ready.wait(), timeout=5)
        yield comment("connected")
        while not await request.is_disconnected():
            if next_event is None:
                next_event = asyncio.ensure_future(anext(subscription))
            wait_s = KEEPALIVE_S if still_allowed is None else min(KEEPALIVE_S, REAUTH_S)
            done, _ = await asyncio.wait({next_event}, timeout=wait_s)
            if still_allowed is not None and loop.time() - checked >= REAUTH_S:
                if not await still_allowed():
                    break
                checked = loop.time()
            if not done:
                yield comment()
                continue
            try:
                event = next_event.result()
            except StopAsyncIteration:
                # The bus ended the subscription (its events may have been missed while Redis
                # was away): the client reconnects and catches up from the database.
                next_event = None
                break
            next_event = None
            yield sse(event.get("type", "message"), event.get("data", event), event.get("id"))
    finally:
        if next_event is not None:
            next_event.cancel()
        with contextlib.suppress(Exception):
            await subscription.aclose()
        if on_close is not None:
            on_close()


def streams_busy() -> JSONResponse:
    """Return the 429 answer for one event stream too many (the client retries later)."""
    return JSONResponse(
        {"detail": "Too many event streams are open; close one or try again later."},
        status_code=429,
        headers={"Retry-After": str(STREAMS_BUSY_RETRY_S)},
    )
