"""A Bot API that is down or refuses the token never takes the web app down, and never leaks the token."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import pytest

from assistant.config import Settings, load_settings
from channels.telegram import bot as bot_module
from tests.fake_telegram import FakeTelegram, bot_app
from tests.servers import bound_socket, free_port

TOKEN = "987654:SECRET-token-value"
ALICE = 3331001


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot_module, "RETRY_MIN_S", 0.1)
    monkeypatch.setattr(bot_module, "RETRY_MAX_S", 0.4)


def settings_for(tmp_path: Path, base_url: str) -> Settings:
    return load_settings(
        data_dir=tmp_path / "data", env="test", telegram_token=TOKEN, telegram_base_url=base_url
    )


def wait_until(predicate: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def test_dead_bot_api_keeps_the_web_app_up_and_the_bot_connects_when_it_comes_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    down = bound_socket()  # bound but not listening: connections are refused, the port is ours
    port = int(down.getsockname()[1])
    with bot_app(settings_for(tmp_path, f"http://127.0.0.1:{port}"), wait_ready=False) as (
        client,
        bot,
        _rt,
    ):
        assert client.get("/healthz").status_code == 200
        wait_until(lambda: caplog.text.count("cannot reach") >= 2)  # retried, with backoff
        assert client.get("/healthz").status_code == 200
        assert not bot.ready

        down.close()
        fake = FakeTelegram(TOKEN)
        fake.port = port
        with fake:
            wait_until(lambda: bot.ready)
            fake.send_text(ALICE, "/start")
            fake.wait_for("sendMessage", chat_id=ALICE)
    assert TOKEN not in caplog.text
    assert "SECRET-token" not in caplog.text


def test_refused_token_is_logged_clearly_without_the_token(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with FakeTelegram(TOKEN) as fake:
        fake.refuse_token = True
        with bot_app(settings_for(tmp_path, fake.base_url), wait_ready=False) as (client, bot, _rt):
            wait_until(lambda: "refused the bot token" in caplog.text)
            assert "WIL_TELEGRAM_TOKEN" in caplog.text
            assert client.get("/healthz").status_code == 200
            assert not bot.ready
            fake.refuse_token = False
            wait_until(lambda: bot.ready)
            fake.send_text(ALICE, "hello")
            fake.wait_for("sendMessage", chat_id=ALICE)
    assert TOKEN not in caplog.text
    assert any("<token>" in r.getMessage() for r in caplog.records if r.name == "httpx")


def test_pushing_to_a_person_while_disconnected_reports_failure_without_crashing(
    tmp_path: Path,
) -> None:
    port = free_port()
    with bot_app(settings_for(tmp_path, f"http://127.0.0.1:{port}"), wait_ready=False) as (
        client,
        _bot,
        rt,
    ):
        from assistant.conversations import create_conversation

        conv, _ = create_conversation(rt.db, channel="telegram", channel_user_id=str(ALICE))
        event = {"type": "message", "id": 1, "data": {"role": "liaison", "text": "hi"}}
        delivered = client.portal.call(rt.outbound.deliver, "telegram", conv.id, event)  # type: ignore[union-attr]
        assert delivered is False
        assert client.get("/healthz").status_code == 200


def test_stopping_the_app_stops_the_bot_promptly(tmp_path: Path) -> None:
    with FakeTelegram(TOKEN) as fake:
        with bot_app(settings_for(tmp_path, fake.base_url)) as (_client, bot, _rt):
            fake.wait_until_polling()
            stopping = time.monotonic()  # only the shutdown is timed, not a slow start-up
        assert not bot.ready
        assert time.monotonic() - stopping < 8
        polls = len(fake.calls_of("getUpdates"))
        time.sleep(0.8)
        assert len(fake.calls_of("getUpdates")) == polls


def test_serve_enables_the_bot_only_when_a_token_is_set(tmp_path: Path) -> None:
    from channels.cli.serve_cmd import _startup_hooks
    from channels.telegram import startup_hook

    assert _startup_hooks(load_settings(data_dir=tmp_path, env="test")) == []
    assert _startup_hooks(settings_for(tmp_path, "http://127.0.0.1:9")) == [startup_hook]
    asyncio.run(asyncio.sleep(0))
