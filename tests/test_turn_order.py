"""One conversation's turns are answered one at a time, in order, across workers.

Messages sent close together (two tabs, a double send, a retry overtaking its first attempt) each
get their reply stored right after them, also when two workers on PostgreSQL serve them.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.config import load_settings
from assistant.conversations import list_messages
from assistant.runtime import build_runtime
from assistant.store.db import Database
from assistant.store.locks import ConversationBusyError, ConversationLocks
from channels.web.app import create_app
from tests.browser import live_server
from tests.conftest import auth

QUESTIONS = [
    "What is a co-op work term?",
    "Is the student paid?",
    "How long does a work term last?",
    "Who can hire a student?",
    "What is the wage subsidy?",
    "Thanks!",
]


@pytest.mark.services
async def test_two_workers_take_a_conversation_lock_one_after_the_other(pg_url: str) -> None:
    worker_a, worker_b = Database(pg_url), Database(pg_url)
    try:
        locks_a = ConversationLocks(worker_a)
        locks_b = ConversationLocks(worker_b, wait_s=0.3)
        order: list[str] = []
        async with locks_a.hold("conv-1"):
            order.append("a")
            with pytest.raises(ConversationBusyError):
                async with locks_b.hold("conv-1"):
                    order.append("b too early")
            async with locks_b.hold("conv-2"):  # other conversations are not held up
                order.append("b other")
        locks_b.wait_s = 5
        async with locks_b.hold("conv-1"):
            order.append("b")
        assert order == ["a", "b other", "b"]
    finally:
        worker_a.dispose()
        worker_b.dispose()


def _assert_each_reply_follows_its_question(messages: list[Any], sent: list[str]) -> None:
    roles = [m.role for m in messages]
    assert roles == ["assistant"] + ["user", "assistant"] * len(sent), roles
    for question, answer in zip(messages[1::2], messages[2::2], strict=True):
        assert answer.meta.get("reply_to") == question.id
    assert sorted(m.text for m in messages[1::2]) == sorted(sent)


async def _send_all(urls: list[str], cid: str, token: str) -> list[int]:
    async with httpx.AsyncClient(timeout=60) as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    f"{urls[i % len(urls)]}/api/conversations/{cid}/messages",
                    json={"text": q, "client_message_id": f"m{i}"},
                    headers=auth(token),
                )
                for i, q in enumerate(QUESTIONS)
            )
        )
    return [r.status_code for r in responses]


@pytest.mark.services
@pytest.mark.slow
def test_concurrent_messages_on_two_workers_are_answered_in_order(
    tmp_path: Path, pg_url: str, knowledge_retriever: Any
) -> None:
    runtimes = [
        build_runtime(
            load_settings(data_dir=tmp_path / name, database_url=pg_url, env="test"),
            retriever=knowledge_retriever,
        )
        for name in ("worker-a", "worker-b")
    ]
    try:
        with (
            live_server(create_app(runtime=runtimes[0])) as a,
            live_server(create_app(runtime=runtimes[1])) as b,
        ):
            conv = httpx.post(f"{a.url}/api/conversations", json={"locale": "en"}).json()
            statuses = asyncio.run(_send_all([a.url, b.url], conv["id"], conv["token"]))
            assert statuses == [200] * len(QUESTIONS)
            messages = list_messages(runtimes[0].db, conv["id"])
            _assert_each_reply_follows_its_question(messages, QUESTIONS)
    finally:
        for rt in runtimes:
            rt.db.dispose()


def test_concurrent_messages_on_one_sqlite_worker_are_answered_in_order(
    tmp_path: Path, knowledge_retriever: Any
) -> None:
    runtime = build_runtime(
        load_settings(data_dir=tmp_path / "data", env="test"), retriever=knowledge_retriever
    )
    try:
        with live_server(create_app(runtime=runtime)) as server:
            conv = httpx.post(f"{server.url}/api/conversations", json={"locale": "en"}).json()
            started = time.monotonic()
            statuses = asyncio.run(_send_all([server.url], conv["id"], conv["token"]))
            assert statuses == [200] * len(QUESTIONS), time.monotonic() - started
            _assert_each_reply_follows_its_question(
                list_messages(runtime.db, conv["id"]), QUESTIONS
            )
    finally:
        runtime.db.dispose()
