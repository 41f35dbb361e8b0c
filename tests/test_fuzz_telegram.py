"""Hostile bodies on the Telegram webhook: refused without the secret, never a 500 with it."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.config import Settings, load_settings
from assistant.conversations import find_by_channel_user
from assistant.store.models import Conversation
from channels.web.app import MAX_BODY_BYTES
from tests.fake_telegram import FakeTelegram, bot_app, free_port

SECRET = "fuzz-Webhook-secret_1"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
FAKE_TOKEN = "123456789:AAFakeTokenForFuzzingOnly-abcdefghij"
PERSON = 8880001

HOSTILE_BODIES = [
    b"",
    b"not json",
    b"\xff\xfe\x00 invalid utf-8",
    b"null",
    b"[]",
    b'"update"',
    b"[" * 100_000 + b"]" * 100_000,  # was a 500 (RecursionError while decoding)
    b'{"u": ' * 50_000 + b"1" + b"}" * 50_000,
    b'{"update_id": "x"}',
    b'{"update_id": 1e999}',
    b'{"update_id": 1, "message": "nope"}',
    b'{"update_id": 2, "message": {"message_id": 1, "date": 0, '
    b'"chat": {"id": 5, "type": "private"}, "text": "\\ud800"}}',
]


def _settings(tmp_path: Path, token: str, base_url: str) -> Settings:
    return load_settings(
        data_dir=tmp_path / "data",
        env="test",
        telegram_token=token,
        telegram_base_url=base_url,
        telegram_mode="webhook",
        telegram_webhook_secret=SECRET,
        public_url="https://wil.example.org",
    )


def test_with_the_bot_api_down_the_webhook_answers_403_or_503_and_stores_nothing(
    tmp_path: Path,
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    with bot_app(_settings(tmp_path, FAKE_TOKEN, dead), wait_ready=False) as (client, bot, rt):
        assert not bot.ready
        for body in [*HOSTILE_BODIES, json.dumps({"update_id": 9}).encode()]:
            for headers in ({}, {HEADER: "wrong"}, {HEADER: SECRET + " "}, {HEADER: ""}):
                r = client.post(
                    "/telegram/webhook",
                    content=body,
                    headers={**headers, "Content-Type": "application/json"},
                )
                assert r.status_code == 403, (body[:30], headers)
            r = client.post("/telegram/webhook", content=body, headers={HEADER: SECRET})
            assert r.status_code == 503  # Telegram retries later
            assert not r.content
        assert client.get("/healthz").status_code == 200
        with rt.db.session() as s:
            assert s.query(Conversation).count() == 0


def test_with_the_secret_hostile_bodies_get_400_or_200_and_the_bot_keeps_working(
    tmp_path: Path, tg: FakeTelegram
) -> None:
    with bot_app(_settings(tmp_path, tg.token, tg.base_url)) as (client, bot, rt):
        for body in HOSTILE_BODIES:
            for content_type in ("application/json", "text/plain"):
                r = client.post(
                    "/telegram/webhook",
                    content=body,
                    headers={HEADER: SECRET, "Content-Type": content_type},
                )
                assert r.status_code in (200, 400), (body[:30], r.status_code)
                assert not r.content
        too_big = b'{"update_id": 3, "x": "' + b"a" * MAX_BODY_BYTES + b'"}'
        r = client.post("/telegram/webhook", content=too_big, headers={HEADER: SECRET})
        assert r.status_code == 413
        # Without the secret nothing is even parsed.
        r = client.post("/telegram/webhook", content=b"[" * 100_000, headers={HEADER: "nope"})
        assert r.status_code == 403

        r = client.post(
            "/telegram/webhook",
            json=tg.message_update(PERSON, "What is WIL?"),
            headers={HEADER: SECRET},
        )
        assert r.status_code == 200
        tg.wait_for("sendMessage", chat_id=PERSON)
        assert bot.ready
        assert find_by_channel_user(rt.db, "telegram", str(PERSON)) is not None
