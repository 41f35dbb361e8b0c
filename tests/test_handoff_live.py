"""Live event streams over a real server: the person sees liaison replies, the console sees the queue."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from assistant.events import LIAISON_TOPIC, conversation_topic
from assistant.liaisons import NewLiaison
from assistant.runtime import Runtime
from channels.web.app import create_app
from tests.browser import LiveServer, live_server
from tests.conftest import auth
from tests.handoff_support import ask_for_human, say, start

pytestmark = pytest.mark.slow

Event = tuple[str, Any]


class EventStream:
    """Read a server-sent event stream in a background thread."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.events: queue.Queue[Event] = queue.Queue()
        self.connected = threading.Event()
        self._client = httpx.Client(timeout=httpx.Timeout(30, read=30))
        self._thread = threading.Thread(target=self._read, args=(url, headers), daemon=True)
        self._thread.start()
        assert self.connected.wait(20), "the event stream did not connect"

    def _read(self, url: str, headers: dict[str, str]) -> None:
        name, data = "message", []
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                for line in response.iter_lines():
                    if line.startswith(":"):
                        self.connected.set()
                    elif line.startswith("event:"):
                        name = line[6:].strip()
                    elif line.startswith("data:"):
                        data.append(line[5:].strip())
                    elif not line and data:
                        self.events.put((name, json.loads("\n".join(data))))
                        name, data = "message", []
        except httpx.HTTPError:
            pass

    def next(self, match: Callable[[Event], bool], timeout: float = 20.0) -> Event:
        """Return the first event matching `match`, skipping others; fail after `timeout`."""
        deadline = time.monotonic() + timeout
        skipped: list[Event] = []
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                break
            if match(event):
                return event
            skipped.append(event)
        raise AssertionError(f"expected event did not arrive; skipped {skipped}")

    def close(self) -> None:
        self._client.close()


def _subscribed(runtime: Runtime, topic: str) -> None:
    deadline = time.monotonic() + 20
    while runtime.bus.subscriber_count(topic) == 0:  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, f"nobody subscribed to {topic}"
        time.sleep(0.01)


@pytest.fixture
def server(runtime: Runtime) -> Iterator[LiveServer]:
    with live_server(create_app(runtime=runtime)) as srv:
        yield srv


def test_the_person_sees_the_liaison_join_reply_and_hand_back_live(
    server: LiveServer, runtime: Runtime, liaison: NewLiaison
) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as http:
        person = start(http)
        ticket_id = ask_for_human(http, person)["handoff"]["id"]
        stream = EventStream(f"{server.url}/api/conversations/{person.id}/events", person.headers)
        try:
            _subscribed(runtime, conversation_topic(person.id))
            assert (
                http.post(
                    f"/api/handoffs/{ticket_id}/claim", headers=auth(liaison.token)
                ).status_code
                == 200
            )
            _, joined = stream.next(lambda e: e[0] == "message")
            assert joined["role"] == "system" and "Lee Liaison" in joined["text"]
            _, status = stream.next(lambda e: e[0] == "status")
            assert status["handoff"] == {"id": ticket_id, "status": "active"}

            http.post(
                f"/api/handoffs/{ticket_id}/messages",
                json={"text": "Hello, this is Lee from the secretariat."},
                headers=auth(liaison.token),
            )
            _, reply = stream.next(lambda e: e[0] == "message")
            assert reply["role"] == "liaison"
            assert reply["text"] == "Hello, this is Lee from the secretariat."
            assert reply["author"] == "Lee Liaison"

            http.post(f"/api/handoffs/{ticket_id}/resolve", headers=auth(liaison.token))
            _, back = stream.next(lambda e: e[0] == "message")
            assert back["role"] == "assistant"
            _, status = stream.next(lambda e: e[0] == "status")
            assert status == {"mode": "qa", "handoff": {"id": ticket_id, "status": "resolved"}}
        finally:
            stream.close()


def test_the_console_stream_shows_new_tickets_and_the_persons_messages_live(
    server: LiveServer, runtime: Runtime, liaison: NewLiaison
) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as http:
        stream = EventStream(f"{server.url}/api/handoffs/events", auth(liaison.token))
        try:
            _subscribed(runtime, LIAISON_TOPIC)
            person = start(http, "fr")
            ticket_id = ask_for_human(http, person, "Je ne me sens pas en sécurité à mon stage")[
                "handoff"
            ]["id"]
            _, created = stream.next(lambda e: e[0] == "handoff_created")
            assert created["id"] == ticket_id
            assert created["reason"] == "safety"
            assert created["locale"] == "fr"

            say(http, person, "Mon superviseur crie tout le temps")
            _, relayed = stream.next(lambda e: e[0] == "user_message")
            assert relayed["handoff_id"] == ticket_id
            assert relayed["message"]["text"] == "Mon superviseur crie tout le temps"
        finally:
            stream.close()
