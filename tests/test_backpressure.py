"""Back-pressure: a saturated worker answers a quick 503 with Retry-After in the person's language,
stores nothing for the refused message, and does not run a turn whose client has already left."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from assistant.conversations import list_messages
from assistant.runtime import Runtime
from channels.web.app import create_app
from channels.web.backpressure import GATE_KEY, TurnGate
from tests.browser import LiveServer, live_server
from tests.conftest import auth


@pytest.fixture
def held(runtime: Runtime) -> Iterator[threading.Event]:
    """Make every turn wait until the returned event is set (a slow turn, under control)."""
    release = threading.Event()
    real = runtime.assistant.handle

    async def slow_handle(conversation_id: str, text: str, **options: Any) -> Any:
        while not release.is_set():
            await asyncio.sleep(0.01)
        return await real(conversation_id, text, **options)

    runtime.assistant.handle = slow_handle  # type: ignore[method-assign]
    yield release
    release.set()


@pytest.fixture
def gate(runtime: Runtime) -> TurnGate:
    gate = TurnGate(limit=1, wait_s=0.5)
    runtime.extras[GATE_KEY] = gate
    return gate


@pytest.fixture
def live(runtime: Runtime) -> Iterator[LiveServer]:
    with live_server(create_app(runtime=runtime)) as server:
        yield server


def _start(url: str, locale: str) -> tuple[str, dict[str, str]]:
    conv = httpx.post(f"{url}/api/conversations", json={"locale": locale}).json()
    return conv["id"], auth(conv["token"])


def _wait(condition: Any, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_saturated_worker_answers_503_in_the_persons_language_and_stores_nothing(
    live: LiveServer, runtime: Runtime, gate: TurnGate, held: threading.Event
) -> None:
    first_id, first_auth = _start(live.url, "en")
    second_id, second_auth = _start(live.url, "fr")
    results: list[int] = []
    first = threading.Thread(
        target=lambda: results.append(
            httpx.post(
                f"{live.url}/api/conversations/{first_id}/messages",
                json={"text": "hello"},
                headers=first_auth,
                timeout=30,
            ).status_code
        )
    )
    first.start()
    _wait(lambda: gate.in_flight == 1)

    started = time.monotonic()
    refused = httpx.post(
        f"{live.url}/api/conversations/{second_id}/messages",
        json={"text": "bonjour", "client_message_id": "fr-1"},
        headers=second_auth,
        timeout=30,
    )
    assert time.monotonic() - started < 5
    assert refused.status_code == 503
    assert int(refused.headers["Retry-After"]) >= 1
    assert "réessayer" in refused.json()["detail"]
    assert [m.role for m in list_messages(runtime.db, second_id)] == ["assistant"]

    held.set()
    first.join(30)
    assert results == [200]
    again = httpx.post(
        f"{live.url}/api/conversations/{second_id}/messages",
        json={"text": "bonjour", "client_message_id": "fr-1"},
        headers=second_auth,
        timeout=30,
    )
    assert again.status_code == 200
    assert [m.role for m in list_messages(runtime.db, second_id)] == [
        "assistant",
        "user",
        "assistant",
    ]


def test_a_turn_whose_client_left_before_it_started_is_not_run(
    live: LiveServer, runtime: Runtime, gate: TurnGate, held: threading.Event
) -> None:
    gate.wait_s = 10
    first_id, first_auth = _start(live.url, "en")
    second_id, second_auth = _start(live.url, "en")
    first = threading.Thread(
        target=httpx.post,
        args=(f"{live.url}/api/conversations/{first_id}/messages",),
        kwargs={"json": {"text": "hello"}, "headers": first_auth, "timeout": 30},
    )
    first.start()
    _wait(lambda: gate.in_flight == 1)
    with pytest.raises(httpx.ReadTimeout):  # the person gives up while the turn waits its turn
        httpx.post(
            f"{live.url}/api/conversations/{second_id}/messages",
            json={"text": "anyone there?"},
            headers=second_auth,
            timeout=httpx.Timeout(5.0, read=0.3),
        )
    held.set()
    first.join(30)
    _wait(lambda: gate.in_flight == 0)
    time.sleep(0.2)
    assert [m.role for m in list_messages(runtime.db, second_id)] == ["assistant"]
    assert [m.role for m in list_messages(runtime.db, first_id)] == [
        "assistant",
        "user",
        "assistant",
    ]
