"""Helpers for handoff and console tests: a person talking over the HTTP API, fixed clocks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from fastapi.testclient import TestClient

from assistant.runtime import Runtime

T = TypeVar("T")

# Calgary is UTC-6 in summer (MDT) and UTC-7 in winter (MST).
WEDNESDAY_10AM_CALGARY = datetime(2026, 7, 8, 16, 0, tzinfo=UTC)
SATURDAY_NOON_CALGARY = datetime(2026, 7, 11, 18, 0, tzinfo=UTC)
FRIDAY_6PM_CALGARY = datetime(2026, 7, 11, 0, 0, tzinfo=UTC)  # Friday 18:00 MDT


@dataclass
class Person:
    """A conversation as the person sees it: its id and bearer token."""

    id: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        """Return the conversation's Authorization header."""
        return {"Authorization": f"Bearer {self.token}"}


def start(client: Any, locale: str = "en") -> Person:
    """Start a web conversation over HTTP (TestClient or httpx.Client)."""
    response = client.post("/api/conversations", json={"channel": "web", "locale": locale})
    assert response.status_code == 201, response.text
    body = response.json()
    return Person(body["id"], body["token"])


def say(client: Any, person: Person, text: str) -> dict[str, Any]:
    """Send the person's message and return the JSON turn."""
    response = client.post(
        f"/api/conversations/{person.id}/messages", json={"text": text}, headers=person.headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def messages(client: Any, person: Person) -> list[dict[str, Any]]:
    """Return every message the person can see in their conversation."""
    response = client.get(f"/api/conversations/{person.id}/messages", headers=person.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["messages"])


def ask_for_human(
    client: Any, person: Person, text: str = "I want to talk to a human"
) -> dict[str, Any]:
    """Have the person ask for a liaison; return the turn (its `handoff` holds the ticket)."""
    turn = say(client, person, text)
    assert turn["mode"] == "handoff", turn
    assert turn["handoff"]["status"] == "waiting"
    return turn


def set_clock(runtime: Runtime, moment: datetime) -> None:
    """Freeze the handoff service's clock (business hours depend on it)."""
    runtime.handoffs.clock = lambda: moment


def client_for(runtime: Runtime) -> TestClient:
    """Return a TestClient for a new app around the runtime (use as a context manager)."""
    from channels.web.app import create_app

    return TestClient(create_app(runtime=runtime))


def in_app_loop(client: TestClient, make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine in the app's event loop (where the bus and channel senders live)."""
    assert client.portal is not None, "use the client as a context manager"
    return client.portal.call(make)
