"""Clean failures: Redis or PostgreSQL going away mid-conversation, as people and liaisons see it.

Redis down: a liaison's reply and a request for a human still succeed (stored once, no 500), and
the reply reaches the person's event stream once Redis is back. PostgreSQL down: a turn gets a
JSON 503 with a sentence in the person's language, and the same message sent again once the
database is back is answered and stored once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.config import load_settings
from assistant.liaisons import create_liaison
from assistant.runtime import build_runtime
from channels.web.app import create_app
from tests.browser import live_server
from tests.conftest import auth, require_service
from tests.handoff_support import WEDNESDAY_10AM_CALGARY, set_clock
from tests.servers import free_port
from tests.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.services, pytest.mark.slow]


class RedisProcess:
    """A private redis-server on a free port that a test can kill and start again."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            if os.environ.get("CI") == "true":
                pytest.fail("redis-server is required in CI")
            pytest.skip("redis-server not installed")
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        import redis

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.port, socket_timeout=0.5).ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(5)
            self.proc = None


@pytest.fixture
def redis_process(tmp_path: Path) -> Iterator[RedisProcess]:
    server = RedisProcess(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()


class Widget:
    """Read a conversation's events the way the widget does: reconnect, then catch up by id."""

    def __init__(self, base: str, cid: str, token: str) -> None:
        self.base, self.cid, self.headers = base, cid, auth(token)
        self.seen: dict[int, dict[str, Any]] = {}
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _catch_up(self, client: httpx.Client) -> None:
        after = max(self.seen, default=0)
        r = client.get(
            f"{self.base}/api/conversations/{self.cid}/messages",
            params={"after": after},
            headers=self.headers,
        )
        for m in r.json()["messages"]:
            self.seen[m["id"]] = m

    def _run(self) -> None:
        with httpx.Client(timeout=httpx.Timeout(5.0, read=30.0)) as client:
            while not self.stop.is_set():
                try:
                    url = f"{self.base}/api/conversations/{self.cid}/events"
                    with client.stream("GET", url, headers=self.headers) as response:
                        event = None
                        for line in response.iter_lines():
                            if self.stop.is_set():
                                return
                            if line == ": connected":
                                self.connections += 1
                                self._catch_up(client)
                            elif line.startswith("event:"):
                                event = line.split(":", 1)[1].strip()
                            elif line.startswith("data:") and event == "message":
                                m = json.loads(line.split(":", 1)[1])
                                self.seen[m["id"]] = m
                except httpx.HTTPError:
                    pass
                time.sleep(0.3)

    def wait_for(self, text: str, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(m["text"] == text for m in self.seen.values()):
                return True
            time.sleep(0.1)
        return False


def test_redis_down_liaison_reply_and_handoff_succeed_and_arrive_after(
    tmp_path: Path, redis_process: RedisProcess
) -> None:
    settings = load_settings(data_dir=tmp_path / "data", redis_url=redis_process.url, env="test")
    runtime = build_runtime(settings, retriever=None)
    set_clock(runtime, WEDNESDAY_10AM_CALGARY)
    lee = create_liaison(runtime.db, "lee@example.org", "Lee")
    with live_server(create_app(runtime=runtime)) as server, httpx.Client(timeout=15) as http:
        conv = http.post(f"{server.url}/api/conversations", json={"locale": "en"}).json()
        cid, token = conv["id"], conv["token"]
        turn = http.post(
            f"{server.url}/api/conversations/{cid}/messages",
            json={"text": "I want to talk to a human"},
            headers=auth(token),
        ).json()
        ticket = turn["handoff"]["id"]
        widget = Widget(server.url, cid, token)
        widget.thread.start()
        deadline = time.monotonic() + 15
        while widget.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert widget.connections, "the event stream never connected"

        redis_process.kill()
        reply = http.post(
            f"{server.url}/api/handoffs/{ticket}/messages",
            json={"text": "Hi, Lee here while Redis sleeps."},
            headers=auth(lee.token),
        )
        assert reply.status_code == 201, reply.text
        other = http.post(f"{server.url}/api/conversations", json={"locale": "fr"}).json()
        human = http.post(
            f"{server.url}/api/conversations/{other['id']}/messages",
            json={"text": "Je veux parler à une personne", "client_message_id": "fr-1"},
            headers=auth(other["token"]),
        )
        assert human.status_code == 200, human.text
        assert human.json()["mode"] == "handoff"
        health = http.get(f"{server.url}/healthz")
        assert health.status_code == 200
        assert health.json()["status"] == "degraded" and health.json()["redis"] == "down"
        assert health.json()["events_waiting"] >= 1

        redis_process.start()
        assert widget.wait_for("Hi, Lee here while Redis sleeps."), "reply never reached the person"
        widget.stop.set()
        history = http.get(
            f"{server.url}/api/conversations/{cid}/messages", headers=auth(token)
        ).json()["messages"]
        assert [m["text"] for m in history].count("Hi, Lee here while Redis sleeps.") == 1
        queue = http.get(f"{server.url}/api/handoffs", headers=auth(lee.token)).json()["handoffs"]
        assert sum(1 for t in queue if t["status"] == "waiting") == 1
        deadline = time.monotonic() + 20  # the outbox retries with back-off (at most 5 s)
        while (health := http.get(f"{server.url}/healthz").json())["events_waiting"]:
            assert time.monotonic() < deadline, health
            time.sleep(0.2)
        assert health["redis"] == "ok" and health["status"] == "ok"
    runtime.db.dispose()


def test_postgres_down_gives_a_json_503_and_the_retry_completes_once(
    tmp_path: Path, pg_url: str
) -> None:
    require_service("PostgreSQL", "127.0.0.1", 5432)
    proxy = TcpProxy(("127.0.0.1", 5432)).start()
    via_proxy = pg_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    settings = load_settings(data_dir=tmp_path / "data", database_url=via_proxy, env="test")
    runtime = build_runtime(settings, retriever=None)
    try:
        with live_server(create_app(runtime=runtime)) as server, httpx.Client(timeout=30) as http:
            conv = http.post(f"{server.url}/api/conversations", json={"locale": "fr"}).json()
            url = f"{server.url}/api/conversations/{conv['id']}/messages"
            headers = {**auth(conv["token"]), "Accept-Language": "fr-CA,fr;q=0.9"}
            body = {"text": "Bonjour", "client_message_id": "pg-1"}

            proxy.cut()
            for accept in ("application/json", "text/event-stream"):
                down = http.post(url, json=body, headers={**headers, "Accept": accept})
                assert down.status_code == 503, down.text
                assert down.headers["content-type"].startswith("application/json")
                assert "indisponible" in down.json()["detail"]
                assert int(down.headers["Retry-After"]) > 0
            health = http.get(f"{server.url}/healthz")
            assert health.status_code == 503

            proxy.start()
            back = http.post(url, json=body, headers=headers)
            assert back.status_code == 200, back.text
            again = http.post(url, json=body, headers=headers)
            assert again.json() == back.json()
            history = http.get(url, headers=headers).json()["messages"]
            assert [m["role"] for m in history] == ["assistant", "user", "assistant"]
    finally:
        proxy.cut()
        runtime.db.dispose()
