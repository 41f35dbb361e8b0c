"""A refused request is explained in the person's language: the conversation's, else their browser's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.config import load_settings
from assistant.ratelimit import InMemoryRateLimiter
from assistant.runtime import build_runtime
from channels.web.app import create_app
from channels.web.ratelimit import preferred_locale
from tests.conftest import auth


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(tmp_path: Path, clock: FakeClock) -> Iterator[TestClient]:
    """An API client allowed one new conversation per hour and two messages per minute."""
    settings = load_settings(
        data_dir=tmp_path / "data",
        env="test",
        rate_conversations_per_hour=1,
        rate_messages_per_minute=2,
    )
    runtime = build_runtime(settings, retriever=None)
    runtime.extras["rate_limiter"] = InMemoryRateLimiter(clock=clock)
    with TestClient(create_app(runtime=runtime)) as c:
        yield c
    runtime.db.dispose()


def send(client: TestClient, conv: dict[str, Any], text: str, **headers: str) -> Any:
    return client.post(
        f"/api/conversations/{conv['id']}/messages",
        json={"text": text},
        headers={**auth(conv["token"]), **headers},
    )


def test_a_french_conversation_sending_too_fast_is_answered_in_french(
    client: TestClient,
) -> None:
    conv = client.post("/api/conversations", json={"locale": "fr"}).json()
    assert send(client, conv, "Bonjour").status_code == 200
    assert send(client, conv, "Qu'est-ce qu'un stage?").status_code == 200
    refused = send(client, conv, "Encore une question")
    assert refused.status_code == 429
    assert refused.json() == {
        "detail": "Vous envoyez des messages trop rapidement. "
        "Veuillez patienter 60 secondes, puis réessayer."
    }
    assert refused.headers["retry-after"] == "60"


def test_the_conversations_language_wins_over_the_browsers(client: TestClient) -> None:
    conv = client.post("/api/conversations", json={"locale": "en"}).json()
    french_browser = {"Accept-Language": "fr-CA,fr;q=0.9"}
    for text in ("Hello", "What is co-op?"):
        assert send(client, conv, text, **french_browser).status_code == 200
    refused = send(client, conv, "One more", **french_browser)
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("You are sending messages too quickly.")


def test_a_new_conversation_in_french_is_refused_in_french(
    client: TestClient, clock: FakeClock
) -> None:
    assert client.post("/api/conversations", json={"locale": "fr"}).status_code == 201
    clock.now += 600
    refused = client.post("/api/conversations", json={"channel": "web", "locale": "fr"})
    assert refused.status_code == 429
    assert refused.json() == {
        "detail": "Trop de nouvelles conversations ont été ouvertes depuis votre réseau. "
        "Veuillez réessayer dans 50 minutes."
    }
    assert refused.headers["retry-after"] == "3000"


@pytest.mark.parametrize(
    ("headers", "body", "opening"),
    [
        ({"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.8"}, None, "Trop de nouvelles"),
        ({"Accept-Language": "en-US,en;q=0.9,fr;q=0.8"}, None, "Too many new"),
        ({"Accept-Language": "de-DE,fr;q=0.7,en;q=0.3"}, {}, "Trop de nouvelles"),
        ({"Accept-Language": "fr-CA"}, {"locale": "en"}, "Too many new"),  # asked for English
        ({}, None, "Too many new"),
    ],
)
def test_without_a_locale_the_browsers_preferred_language_is_used(
    client: TestClient, headers: dict[str, str], body: dict[str, str] | None, opening: str
) -> None:
    assert client.post("/api/conversations", json={"locale": "en"}).status_code == 201
    refused = client.post("/api/conversations", json=body, headers=headers)
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith(opening)
    assert "retry-after" in refused.headers


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        ("fr", "fr"),
        ("FR-ca, en;q=0.5", "fr"),
        ("en-GB,en;q=0.9,fr;q=0.8", "en"),
        ("en;q=0.4, fr;q=0.6", "fr"),
        ("fr;q=0, en", "en"),
        ("es, de", None),
        ("", None),
        (None, None),
        ("fr;q=abc, en;q=0.1", "en"),
    ],
)
def test_accept_language_preference(header: str | None, locale: str | None) -> None:
    assert preferred_locale(header) == locale
