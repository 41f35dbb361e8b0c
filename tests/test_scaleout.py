"""Scale-out: two API workers share PostgreSQL and Redis; any worker serves any turn or liaison call."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.config import load_settings
from assistant.liaisons import create_liaison
from assistant.runtime import build_runtime
from channels.web.app import create_app
from tests.browser import live_server
from tests.conftest import REDIS_URL, auth, require_service

pytestmark = [pytest.mark.services, pytest.mark.slow]


def _collect_events(
    url: str, token: str, sink: list[dict[str, Any]], stop: threading.Event
) -> None:
    """Read the conversation's SSE stream into `sink` until `stop` is set or the server goes away."""
    try:
        _read(url, token, sink, stop)
    except httpx.HTTPError:
        return


def _read(url: str, token: str, sink: list[dict[str, Any]], stop: threading.Event) -> None:
    with (
        httpx.Client(timeout=httpx.Timeout(5.0, read=30.0)) as client,
        client.stream("GET", url, headers=auth(token)) as response,
    ):
        event = None
        for line in response.iter_lines():
            if stop.is_set():
                return
            if line == ": connected":
                sink.append({"event": "connected", "data": {}})
            elif line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                sink.append({"event": event, "data": json.loads(line.split(":", 1)[1])})


def test_liaison_reply_on_one_worker_reaches_the_person_on_another(
    tmp_path: Path, pg_url: str
) -> None:
    require_service("Redis", "127.0.0.1", 6379)
    runtimes = [
        build_runtime(
            load_settings(
                data_dir=tmp_path / name,
                database_url=pg_url,
                redis_url=REDIS_URL,
                rate_conversations_per_hour=0,  # limits live in Redis across test runs
            ),
            retriever=None,
        )
        for name in ("worker-a", "worker-b")
    ]
    lee = create_liaison(runtimes[0].db, "lee@example.org", "Lee")
    with (
        live_server(create_app(runtime=runtimes[0])) as a,
        live_server(create_app(runtime=runtimes[1])) as b,
        httpx.Client(timeout=10) as http,
    ):
        conv = http.post(
            f"{a.url}/api/conversations", json={"channel": "web", "locale": "en"}
        ).json()
        cid, token = conv["id"], conv["token"]
        turn = http.post(
            f"{b.url}/api/conversations/{cid}/messages",
            json={"text": "I'd like to talk to a real person please"},
            headers=auth(token),
        ).json()
        assert turn["mode"] == "handoff" and turn["handoff"]["status"] == "waiting"
        handoff_id = turn["handoff"]["id"]

        events: list[dict[str, Any]] = []
        stop = threading.Event()
        reader = threading.Thread(
            target=_collect_events,
            args=(f"{a.url}/api/conversations/{cid}/events", token, events, stop),
            daemon=True,
        )
        reader.start()
        deadline = time.monotonic() + 20  # wait until the subscription is live on worker A
        while time.monotonic() < deadline and not any(e["event"] == "connected" for e in events):
            time.sleep(0.02)
        assert any(e["event"] == "connected" for e in events), "the event stream never connected"

        queue = http.get(
            f"{b.url}/api/handoffs", params={"status": "waiting"}, headers=auth(lee.token)
        )
        assert handoff_id in [h["id"] for h in queue.json()["handoffs"]]
        assert (
            http.post(
                f"{b.url}/api/handoffs/{handoff_id}/claim", headers=auth(lee.token)
            ).status_code
            == 200
        )
        sent = http.post(
            f"{b.url}/api/handoffs/{handoff_id}/messages",
            json={"text": "Hi, Lee from the secretariat here."},
            headers=auth(lee.token),
        )
        assert sent.status_code in (200, 201)

        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(
            e["event"] == "message" and e["data"].get("role") == "liaison" for e in events
        ):
            time.sleep(0.05)
        stop.set()
        liaison_msgs = [
            e["data"]
            for e in events
            if e["event"] == "message" and e["data"].get("role") == "liaison"
        ]
        assert liaison_msgs and liaison_msgs[0]["text"] == "Hi, Lee from the secretariat here."

        # The person's next message, on worker A, reaches the ticket read on worker B; the bot stays quiet.
        quiet = http.post(
            f"{a.url}/api/conversations/{cid}/messages",
            json={"text": "Thanks Lee!"},
            headers=auth(token),
        ).json()
        assert quiet["reply"] is None and quiet["mode"] == "handoff"
        detail = http.get(f"{b.url}/api/handoffs/{handoff_id}", headers=auth(lee.token)).json()
        assert [m["text"] for m in detail["transcript"]][-1] == "Thanks Lee!"
        # Close each Redis pool on the loop that opened it.
        a.run(runtimes[0].bus.close())
        b.run(runtimes[1].bus.close())
    for rt in runtimes:
        rt.db.dispose()
