"""Many open event streams on one worker with Redis: a liaison's reply still saves and reaches them.

Each stream used to hold its own Redis connection; past the pool's size a liaison's reply failed
with a 500. Streams now share the worker's one subscription.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.config import load_settings
from assistant.events import REDIS_MAX_CONNECTIONS
from assistant.liaisons import create_liaison
from assistant.runtime import build_runtime
from channels.web.app import create_app
from tests.browser import live_server
from tests.conftest import REDIS_URL, auth, require_service
from tests.handoff_support import WEDNESDAY_10AM_CALGARY, set_clock

pytestmark = [pytest.mark.services, pytest.mark.slow]

STREAMS = REDIS_MAX_CONNECTIONS * 4


async def _listen(
    client: httpx.AsyncClient, url: str, token: str, connected: asyncio.Event, got: list[Any]
) -> None:
    async with client.stream("GET", url, headers=auth(token)) as response:
        assert response.status_code == 200
        event = None
        async for line in response.aiter_lines():
            if line == ": connected":
                connected.set()
            elif line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event == "message":
                got.append(json.loads(line.split(":", 1)[1]))
                if got[-1]["role"] == "liaison":
                    return


async def _scenario(base: str, lee_token: str) -> None:
    limits = httpx.Limits(max_connections=STREAMS + 20)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        people = []
        for _ in range(STREAMS):
            conv = (await client.post("/api/conversations", json={"locale": "en"})).json()
            people.append(conv)
        turn = (
            await client.post(
                f"/api/conversations/{people[0]['id']}/messages",
                json={"text": "I want to talk to a human"},
                headers=auth(people[0]["token"]),
            )
        ).json()
        ticket = turn["handoff"]["id"]
        received: list[list[Any]] = [[] for _ in people]
        connected = [asyncio.Event() for _ in people]
        listeners = [
            asyncio.create_task(
                _listen(
                    client,
                    f"/api/conversations/{p['id']}/events",
                    p["token"],
                    connected[i],
                    received[i],
                )
            )
            for i, p in enumerate(people)
        ]
        await asyncio.wait_for(asyncio.gather(*(c.wait() for c in connected)), timeout=60)
        reply = await client.post(
            f"/api/handoffs/{ticket}/messages",
            json={"text": "Lee here, with a hundred streams open."},
            headers=auth(lee_token),
        )
        assert reply.status_code == 201, reply.text
        await asyncio.wait_for(listeners[0], timeout=10)
        assert received[0][-1]["text"] == "Lee here, with a hundred streams open."
        assert not any(received[1:])  # the other conversations heard nothing
        for task in listeners[1:]:
            task.cancel()
        await asyncio.gather(*listeners[1:], return_exceptions=True)


def test_many_streams_share_one_subscription_and_replies_still_arrive(tmp_path: Path) -> None:
    require_service("Redis", "127.0.0.1", 6379)
    settings = load_settings(
        data_dir=tmp_path / "data",
        redis_url=REDIS_URL,
        env="test",
        rate_conversations_per_hour=0,
        rate_messages_per_minute=0,
    )
    runtime = build_runtime(settings, retriever=None)
    set_clock(runtime, WEDNESDAY_10AM_CALGARY)
    lee = create_liaison(runtime.db, "lee@example.org", "Lee")
    try:
        with live_server(create_app(runtime=runtime)) as server:
            asyncio.run(_scenario(server.url, lee.token))
    finally:
        runtime.db.dispose()
