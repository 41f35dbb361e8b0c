"""Abuse protection: 429 with Retry-After beyond a limit, per client and per conversation, never on others."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from assistant.config import load_settings
from assistant.liaisons import create_liaison
from assistant.ratelimit import InMemoryRateLimiter, RedisRateLimiter
from assistant.runtime import Runtime, build_runtime
from assistant.store.models import Conversation
from channels.web.app import create_app
from tests.conftest import auth


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    """Return a hand-driven clock."""
    return FakeClock()


@pytest.fixture
def make_runtime(tmp_path: Path, clock: FakeClock) -> Iterator[Any]:
    """Return a factory of runtimes with given limits and a limiter on the fake clock."""
    made: list[Runtime] = []

    def make(**limits: Any) -> Runtime:
        settings = load_settings(data_dir=tmp_path / f"d{len(made)}", env="test", **limits)
        runtime = build_runtime(settings, retriever=None)
        runtime.extras["rate_limiter"] = InMemoryRateLimiter(clock=clock)
        made.append(runtime)
        return runtime

    yield make
    for runtime in made:
        runtime.db.dispose()


@contextmanager
def client_for(runtime: Runtime, address: str = "testclient") -> Iterator[TestClient]:
    """Open an HTTP client on the runtime's app that connects from `address`."""
    with TestClient(create_app(runtime=runtime), client=(address, 50000)) as client:
        yield client


def start(client: TestClient, **headers: str) -> Any:
    """Ask for a new conversation and return the raw response."""
    return client.post("/api/conversations", json={"locale": "en"}, headers=headers)


def send(client: TestClient, conv: dict[str, Any], text: str = "What is co-op?") -> Any:
    """Post a message in a conversation and return the raw response."""
    return client.post(
        f"/api/conversations/{conv['id']}/messages",
        json={"text": text},
        headers=auth(conv["token"]),
    )


def history(client: TestClient, conv: dict[str, Any]) -> list[str]:
    """Return the texts of the conversation's stored messages."""
    r = client.get(f"/api/conversations/{conv['id']}/messages", headers=auth(conv["token"]))
    return [m["text"] for m in r.json()["messages"]]


def conversations_stored(runtime: Runtime) -> int:
    """Return how many conversations the database holds."""
    with runtime.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Conversation)) or 0)


def test_new_conversations_beyond_the_hourly_limit_get_429_until_the_hour_passes(
    make_runtime: Any, clock: FakeClock
) -> None:
    runtime = make_runtime(rate_conversations_per_hour=3)
    with client_for(runtime) as client:
        assert [start(client).status_code for _ in range(3)] == [201, 201, 201]
        clock.now += 600
        refused = start(client)
        assert refused.status_code == 429
        assert "Too many new conversations" in refused.json()["detail"]
        # The first of the three leaves the window 50 minutes from now.
        assert int(refused.headers["retry-after"]) == 3000
        assert conversations_stored(runtime) == 3  # nothing is created for a refused request
        clock.now += 3000
        assert start(client).status_code == 201


def test_another_address_can_still_start_conversations(make_runtime: Any) -> None:
    runtime = make_runtime(rate_conversations_per_hour=1)
    with client_for(runtime, "198.51.100.7") as first, client_for(runtime, "198.51.100.8") as other:
        assert start(first).status_code == 201
        assert start(first).status_code == 429
        assert start(other).status_code == 201


def test_messages_beyond_the_per_minute_limit_get_429_and_are_not_stored(
    make_runtime: Any, clock: FakeClock
) -> None:
    runtime = make_runtime(rate_messages_per_minute=2)
    with client_for(runtime) as client:
        conv = start(client).json()
        assert send(client, conv, "first").status_code == 200
        assert send(client, conv, "second").status_code == 200
        stored = history(client, conv)
        refused = send(client, conv, "third")
        assert refused.status_code == 429
        assert refused.json() == {
            "detail": "You are sending messages too quickly. Please wait 60 seconds and try again."
        }
        assert refused.headers["retry-after"] == "60"
        assert history(client, conv) == stored
        # Streaming clients get the same plain 429 before any stream starts.
        streamed = client.post(
            f"/api/conversations/{conv['id']}/messages",
            json={"text": "third"},
            headers={**auth(conv["token"]), "Accept": "text/event-stream"},
        )
        assert streamed.status_code == 429
        clock.now += 60
        assert send(client, conv, "third").status_code == 200
        assert history(client, conv)[-2] == "third"


def test_one_busy_conversation_does_not_slow_another(make_runtime: Any) -> None:
    runtime = make_runtime(rate_messages_per_minute=1)
    with client_for(runtime) as client:
        busy, calm = start(client).json(), start(client).json()
        assert send(client, busy).status_code == 200
        assert send(client, busy).status_code == 429
        assert send(client, calm).status_code == 200


def test_requests_without_the_token_do_not_use_up_a_conversations_budget(
    make_runtime: Any,
) -> None:
    runtime = make_runtime(rate_messages_per_minute=2)
    with client_for(runtime) as client:
        conv = start(client).json()
        for _ in range(5):
            stranger = send(client, {"id": conv["id"], "token": "not-the-token"})
            assert stranger.status_code == 401
        assert send(client, {"id": "no-such-conversation", "token": "x"}).status_code == 404
        assert send(client, conv).status_code == 200


def test_zero_disables_both_limits(make_runtime: Any) -> None:
    runtime = make_runtime(rate_conversations_per_hour=0, rate_messages_per_minute=0)
    with client_for(runtime) as client:
        convs = [start(client) for _ in range(8)]
        assert {r.status_code for r in convs} == {201}
        conv = convs[0].json()
        assert {send(client, conv, f"question {i}").status_code for i in range(25)} == {200}


def test_x_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(make_runtime: Any) -> None:
    runtime = make_runtime(rate_conversations_per_hour=1)
    with client_for(runtime, "203.0.113.9") as client:
        assert start(client, **{"X-Forwarded-For": "192.0.2.1"}).status_code == 201
        # A client cannot dodge the limit by claiming another address.
        assert start(client, **{"X-Forwarded-For": "192.0.2.2"}).status_code == 429


def test_a_trusted_proxy_forwards_each_clients_own_address(make_runtime: Any) -> None:
    runtime = make_runtime(rate_conversations_per_hour=1, trusted_proxies="10.0.0.0/8")
    with client_for(runtime, "10.1.2.3") as proxy:
        assert start(proxy, **{"X-Forwarded-For": "192.0.2.1"}).status_code == 201
        assert start(proxy, **{"X-Forwarded-For": "192.0.2.1"}).status_code == 429
        assert start(proxy, **{"X-Forwarded-For": "192.0.2.2"}).status_code == 201
        # Only the hop the proxy appended counts, not what the client wrote before it.
        spoofed = start(proxy, **{"X-Forwarded-For": "198.51.100.50, 192.0.2.1"})
        assert spoofed.status_code == 429


def test_ipv6_clients_are_counted_per_64_network(make_runtime: Any) -> None:
    runtime = make_runtime(rate_conversations_per_hour=1)
    with (
        client_for(runtime, "2001:db8:1:2::a") as one,
        client_for(runtime, "2001:db8:1:2::b") as same_network,
    ):
        assert start(one).status_code == 201
        assert start(same_network).status_code == 429


def test_console_login_block_lifts_after_the_window(make_runtime: Any, clock: FakeClock) -> None:
    runtime = make_runtime()
    who = create_liaison(runtime.db, "sam@example.org", "Sam")
    with client_for(runtime) as client:
        for _ in range(5):
            wrong = {"email": who.email, "password": "guess"}
            assert client.post("/console/api/login", json=wrong).status_code == 401
        right = {"email": who.email, "password": who.password}
        blocked = client.post("/console/api/login", json=right)
        assert blocked.status_code == 429
        assert blocked.headers["retry-after"] == str(15 * 60)
        clock.now += 15 * 60
        assert client.post("/console/api/login", json=right).status_code == 200


def test_console_login_failures_behind_a_proxy_count_per_client(make_runtime: Any) -> None:
    runtime = make_runtime(trusted_proxies="10.0.0.1")
    with client_for(runtime, "10.0.0.1") as proxy:
        for i in range(5):
            guess = {"email": f"ghost{i}@example.org", "password": "x"}
            response = proxy.post(
                "/console/api/login", json=guess, headers={"X-Forwarded-For": "192.0.2.66"}
            )
            assert response.status_code == 401
        blocked = proxy.post(
            "/console/api/login",
            json={"email": "ghost9@example.org", "password": "x"},
            headers={"X-Forwarded-For": "192.0.2.66"},
        )
        assert blocked.status_code == 429
        # A colleague behind the same proxy is not locked out by someone else's guessing.
        other = proxy.post(
            "/console/api/login",
            json={"email": "ghost9@example.org", "password": "x"},
            headers={"X-Forwarded-For": "192.0.2.77"},
        )
        assert other.status_code == 401


def test_in_memory_limiter_forgets_idle_keys() -> None:
    clock = FakeClock()
    limiter = InMemoryRateLimiter(clock=clock, sweep_every=1)
    for i in range(100):
        assert limiter.hit(f"ip:{i}", 1, 60).allowed
    clock.now += 60
    limiter.hit("ip:new", 1, 60)
    assert len(limiter._events) == 1


def test_an_unreachable_redis_does_not_lock_people_out() -> None:
    limiter = RedisRateLimiter("redis://127.0.0.1:1/0")
    try:
        assert all(limiter.hit("k", 1, 60).allowed for _ in range(3))
    finally:
        limiter.close()
