"""Secrets stay secret: never in logs (even at DEBUG), stored only as hashes, no stack traces out."""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, select

from assistant.config import load_settings
from assistant.liaisons import NewLiaison, create_liaison
from assistant.runtime import Runtime, build_runtime
from assistant.store.models import Conversation, Liaison
from tests.conftest import auth
from tests.fake_openai import FakeOpenAI, Reply
from tests.fake_telegram import FakeTelegram, bot_app
from tests.handoff_support import WEDNESDAY_10AM_CALGARY, ask_for_human, say, set_clock, start

OPENAI_KEY = "sk-test-0penai-Secret-Key-9f8e7d6c5b4a"
WEBHOOK_SECRET = "wh-Secret-Header-4b3c2d1e"
SMTP_PASSWORD = "smtp-Secret-Pass-77aa88bb"
SESSION_SECRET = "session-Secret-1a2b3c4d5e6f"
HOOK = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
PERSON_TG = 5550001
LIAISON_TG = 5550002
STAFF = -1009990001


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    """Return everything logged: formatted messages, arguments and tracebacks."""
    parts = [caplog.text]
    for record in caplog.records:
        parts.append(record.getMessage())
        if record.exc_text:
            parts.append(record.exc_text)
    return "\n".join(parts)


def test_a_full_flow_logs_no_secret_even_at_debug(
    tmp_path: Path,
    tg: FakeTelegram,
    fake_llm: FakeOpenAI,
    knowledge_retriever: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_llm.clear()
    settings = load_settings(
        data_dir=tmp_path / "data",
        env="test",
        OPENAI_API_KEY=OPENAI_KEY,
        llm_base_url=fake_llm.base_url,
        llm_model="fake-model",
        llm_timeout_s=5.0,
        session_secret=SESSION_SECRET,
        smtp_password=SMTP_PASSWORD,
        telegram_token=tg.token,
        telegram_base_url=tg.base_url,
        telegram_mode="webhook",
        telegram_webhook_secret=WEBHOOK_SECRET,
        telegram_staff_chat_id=STAFF,
        public_url="https://wil.example.org",
    )
    assert settings.openai_api_key is not None
    rt = build_runtime(settings, retriever=knowledge_retriever)
    set_clock(rt, WEDNESDAY_10AM_CALGARY)
    lee = create_liaison(rt.db, "lee@example.org", "Lee Liaison")
    ada = create_liaison(rt.db, "ada@example.org", "Ada Admin", role="admin")
    responses: list[str] = []
    try:
        with bot_app(settings, runtime=rt) as (client, _bot, _rt):
            # A person on the web: a grounded LLM answer, streamed and not, then a liaison.
            person = start(client)
            fake_llm.push(Reply(text="SWPP covers part of the wages [1]."))
            say(client, person, "How much does the SWPP wage subsidy pay?")
            streamed = client.post(
                f"/api/conversations/{person.id}/messages",
                json={"text": "And for a short project?"},
                headers={**person.headers, "Accept": "text/event-stream"},
            )
            responses.append(streamed.text)
            ticket = ask_for_human(client, person)["handoff"]["id"]
            assert fake_llm.requests, "the LLM (and so the API key) was not used"

            # The liaison works the ticket with the API token...
            for method, path, body in (
                ("get", "/api/handoffs", None),
                ("get", f"/api/handoffs/{ticket}", None),
                ("post", f"/api/handoffs/{ticket}/claim", None),
                ("post", f"/api/handoffs/{ticket}/messages", {"text": "Hi, Lee here."}),
                ("post", f"/api/handoffs/{ticket}/notes", {"text": "Follow up Friday."}),
                ("get", "/api/intakes/export.csv", None),
                ("get", "/api/knowledge-gaps", None),
            ):
                r = client.request(method.upper(), path, json=body, headers=auth(lee.token))
                assert r.status_code < 400, (path, r.text)
                responses.append(r.text)
            # ...and through the console (password, session cookie, CSRF token).
            login = client.post(
                "/console/api/login", json={"email": ada.email, "password": ada.password}
            )
            assert login.status_code == 200
            csrf = login.json()["csrf_token"]
            cookie = client.cookies.get("wil_console")
            assert cookie
            # The cookie is Secure (https public URL): the http test client must be given it.
            console = {"Cookie": f"wil_console={cookie}", "X-CSRF-Token": csrf}
            r = client.post(f"/api/handoffs/{ticket}/resolve", headers=console)
            assert r.status_code == 200, r.text
            assert client.post("/console/api/logout", headers=console).status_code == 200
            bad = client.post("/console/api/login", json={"email": lee.email, "password": "nope"})
            assert bad.status_code == 401

            # Telegram: a liaison links their account (token in the message), a person chats.
            r = client.post(
                "/telegram/webhook",
                json=tg.message_update(
                    LIAISON_TG, f"/link {lee.token}", user=tg.user(LIAISON_TG, "Lee")
                ),
                headers=HOOK,
            )
            assert r.status_code == 200
            tg.wait_for("sendMessage", chat_id=LIAISON_TG)
            for text in ("/start", "What is WIL?"):
                client.post(
                    "/telegram/webhook", json=tg.message_update(PERSON_TG, text), headers=HOOK
                )
            tg.wait_for("sendMessage", chat_id=PERSON_TG, count=2)
            time.sleep(0.2)  # let the bot finish logging the last update
    finally:
        rt.db.dispose()

    logged = _logged(caplog)
    assert "telegram.ext" in logged  # PTB's DEBUG logging was captured (and redacted)
    secrets = {
        "OPENAI_API_KEY": OPENAI_KEY,
        "telegram token": tg.token,
        "telegram token secret part": tg.token.split(":", 1)[1],
        "webhook secret": WEBHOOK_SECRET,
        "SMTP password": SMTP_PASSWORD,
        "session secret": SESSION_SECRET,
        "liaison token": lee.token,
        "admin token": ada.token,
        "liaison password": lee.password,
        "admin password": ada.password,
        "conversation token": person.token,
        "console session cookie": cookie,
        "CSRF token": csrf,
    }
    leaked = [name for name, value in secrets.items() if value in logged]
    assert not leaked, f"secrets in the logs: {leaked}"
    for text in responses:
        for name in ("OPENAI_API_KEY", "telegram token", "liaison password", "admin token"):
            assert secrets[name] not in text


def test_tokens_and_passwords_are_stored_only_as_hashes(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    person = start(client)
    login = client.post(
        "/console/api/login", json={"email": liaison.email, "password": liaison.password}
    )
    assert login.status_code == 200
    session_cookie = client.cookies.get("wil_console")
    assert session_cookie

    # Every value in every table, as text: no raw token or password anywhere.
    metadata = MetaData()
    metadata.reflect(runtime.db.engine)
    dump: list[str] = []
    with runtime.db.engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(select(table)):
                dump.extend(str(value) for value in row)
    everything = "\n".join(dump)
    assert dump
    for raw in (person.token, liaison.token, liaison.password, session_cookie):
        assert raw not in everything

    def sha256(value: str) -> str:
        return hashlib.sha256(value.encode()).hexdigest()

    with runtime.db.session() as s:
        conv = s.get(Conversation, person.id)
        assert conv is not None and conv.token_hash == sha256(person.token)
        row = s.scalars(select(Liaison).where(Liaison.email == liaison.email)).one()
        assert row.token_hash == sha256(liaison.token)
        assert row.password_hash.startswith("$argon2id$")
    assert sha256(session_cookie) in everything


def test_server_errors_answer_without_a_stack_trace_or_exception_text(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    from channels.web.app import create_app

    def explode(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("db password=hunter2 at /srv/secret/path.py line 12")

    runtime.assistant.handle = explode  # type: ignore[method-assign]
    with TestClient(create_app(runtime=runtime), raise_server_exceptions=False) as client:
        person = start(client)
        plain = client.post(
            f"/api/conversations/{person.id}/messages", json={"text": "hi"}, headers=person.headers
        )
        streamed = client.post(
            f"/api/conversations/{person.id}/messages",
            json={"text": "hi"},
            headers={**person.headers, "Accept": "text/event-stream"},
        )
    assert plain.status_code == 500
    assert streamed.status_code == 200 and "event: error" in streamed.text
    for response in (plain, streamed):
        assert "Traceback" not in response.text
        assert "hunter2" not in response.text and "/srv/secret" not in response.text
        assert "RuntimeError" not in response.text
