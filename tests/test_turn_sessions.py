"""A turn's database work: few sessions, none of them on the event loop (where a commit would stall
every other request the worker serves)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from assistant.store.db import Database
from tests.conftest import auth
from tests.engine_fixtures import AppFactory


@pytest.fixture
def sessions(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record each database session a request opens: True when opened on an event loop."""
    opened: list[bool] = []
    original = Database.session

    @contextmanager
    def counted(self: Database) -> Iterator[Any]:
        try:
            asyncio.get_running_loop()
            opened.append(True)
        except RuntimeError:
            opened.append(False)
        with original(self) as s:
            yield s

    monkeypatch.setattr(Database, "session", counted)
    return opened


def test_a_question_opens_three_sessions_and_none_on_the_event_loop(
    make_client: AppFactory, sessions: list[bool]
) -> None:
    with make_client(rate_messages_per_minute=30) as (client, _runtime):
        created = client.post("/api/conversations", json={}).json()
        headers = auth(created["token"])
        url = f"/api/conversations/{created['id']}/messages"
        assert client.post(url, json={"text": "What is a co-op work term?"}, headers=headers)
        sessions.clear()
        reply = client.post(url, json={"text": "Is the student paid?"}, headers=headers)
        assert reply.status_code == 200, reply.text
        assert reply.json()["reply"]["text"]
    # The token checked once (the rate limit and the route share it), the question stored, the
    # reply stored.
    assert len(sessions) == 3, sessions
    assert not any(sessions), "a database session ran on the event loop"
