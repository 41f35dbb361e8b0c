"""Server-sent events framing."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any


def sse(event: str, data: Any, event_id: str | int | None = None) -> str:
    """Return one SSE frame with a JSON payload."""
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append(f"event: {event}")
    payload = json.dumps(data, ensure_ascii=False, default=str)
    lines.extend(f"data: {line}" for line in payload.splitlines() or [""])
    return "\n".join(lines) + "\n\n"


def comment(text: str = "keep-alive") -> str:
    """Return an SSE comment frame (keeps proxies from closing an idle stream)."""
    return f": {text}\n\n"


SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "Connection": "keep-alive"}


KEEPALIVE_S = 15.0


async def bus_stream(bus: Any, topic: str, request: Any) -> AsyncIterator[str]:
    """Relay a bus topic as SSE frames until the client disconnects, with keep-alives.

    Listening starts before the "connected" comment: a client that then catches up (e.g. with
    `?after=`) cannot miss an event published in between.
    """
    ready = asyncio.Event()
    subscription = bus.subscribe(topic, ready)
    next_event: asyncio.Future[Any] | None = asyncio.ensure_future(anext(subscription))
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ready.wait(), timeout=5)
        yield comment("connected")
        while not await request.is_disconnected():
            if next_event is None:
                next_event = asyncio.ensure_future(anext(subscription))
            done, _ = await asyncio.wait({next_event}, timeout=KEEPALIVE_S)
            if not done:
                yield comment()
                continue
            event = next_event.result()
            next_event = None
            yield sse(event.get("type", "message"), event.get("data", event), event.get("id"))
    finally:
        if next_event is not None:
            next_event.cancel()
        with contextlib.suppress(Exception):
            await subscription.aclose()
