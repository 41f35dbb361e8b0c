"""Webhook mode: Telegram posts updates to /telegram/webhook on the same FastAPI app."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant.config import Settings, load_settings
from assistant.conversations import find_by_channel_user
from tests.fake_telegram import FakeTelegram, bot_app

SECRET = "s3cret-Header_value"
ALICE = 6661001
HEADER = "X-Telegram-Bot-Api-Secret-Token"


@pytest.fixture
def hook_settings(tmp_path: Path, tg: FakeTelegram) -> Settings:
    return load_settings(
        data_dir=tmp_path / "data",
        env="test",
        telegram_token=tg.token,
        telegram_base_url=tg.base_url,
        telegram_mode="webhook",
        telegram_webhook_secret=SECRET,
        public_url="https://wil.example.org",
    )


def test_webhook_is_registered_with_its_secret_and_updates_get_replies(
    tg: FakeTelegram, hook_settings: Settings
) -> None:
    with bot_app(hook_settings) as (client, _bot, rt):
        assert tg.webhook["url"] == "https://wil.example.org/telegram/webhook"
        assert tg.webhook["secret_token"] == SECRET
        assert not tg.calls_of("getUpdates")

        r = client.post(
            "/telegram/webhook", json=tg.message_update(ALICE, "/start"), headers={HEADER: SECRET}
        )
        assert r.status_code == 200
        tg.wait_for("sendMessage", chat_id=ALICE)
        assert tg.texts_to(ALICE) == [rt.assistant.greeting("en")[0]]

        r = client.post(
            "/telegram/webhook",
            json=tg.message_update(ALICE, "What is WIL?"),
            headers={HEADER: SECRET},
        )
        assert r.status_code == 200
        tg.wait_for("sendMessage", chat_id=ALICE, count=2)


@pytest.mark.parametrize("headers", [{}, {HEADER: "wrong"}, {HEADER: SECRET + "x"}, {HEADER: ""}])
def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_processed(
    tg: FakeTelegram, hook_settings: Settings, headers: dict[str, str]
) -> None:
    with bot_app(hook_settings) as (client, _bot, rt):
        r = client.post(
            "/telegram/webhook", json=tg.message_update(ALICE, "/start"), headers=headers
        )
        assert r.status_code == 403
        time.sleep(0.3)
        assert not tg.calls_of("sendMessage")
        assert find_by_channel_user(rt.db, "telegram", str(ALICE)) is None


def test_malformed_bodies_and_updates_do_not_break_the_webhook(
    tg: FakeTelegram, hook_settings: Settings
) -> None:
    with bot_app(hook_settings) as (client, bot, _rt):
        bad = client.post(
            "/telegram/webhook",
            content=b"not json",
            headers={HEADER: SECRET, "Content-Type": "application/json"},
        )
        assert bad.status_code == 400
        assert (
            client.post("/telegram/webhook", json=[1, 2], headers={HEADER: SECRET}).status_code
            == 400
        )
        for update in (
            {"no_update_id": True},
            {"update_id": 5, "message": {"message_id": 1}},
            {"update_id": 6, "brand_new_type": {}},
            tg.message_update(ALICE, "edited", kind="edited_message"),
        ):
            assert (
                client.post("/telegram/webhook", json=update, headers={HEADER: SECRET}).status_code
                == 200
            )
        client.post(
            "/telegram/webhook",
            json=tg.message_update(ALICE, "still there?"),
            headers={HEADER: SECRET},
        )
        tg.wait_for("sendMessage", chat_id=ALICE)
        assert len(tg.texts_to(ALICE)) == 1
        assert bot.ready


def test_webhook_route_is_absent_in_polling_mode(tmp_path: Path, tg: FakeTelegram) -> None:
    settings = load_settings(
        data_dir=tmp_path / "data",
        env="test",
        telegram_token=tg.token,
        telegram_base_url=tg.base_url,
    )
    with bot_app(settings) as (client, _bot, _rt):
        r = client.post(
            "/telegram/webhook", json=tg.message_update(ALICE, "/start"), headers={HEADER: "x"}
        )
        assert r.status_code in (404, 405)


def test_a_message_telegram_delivers_twice_is_stored_and_answered_once(
    tg: FakeTelegram, hook_settings: Settings
) -> None:
    from assistant.conversations import list_messages

    with bot_app(hook_settings) as (client, _bot, rt):
        update = tg.message_update(ALICE, "What is WIL?")
        for _ in range(2):  # Telegram retries a delivery it thinks failed: same update, same id
            r = client.post("/telegram/webhook", json=update, headers={HEADER: SECRET})
            assert r.status_code == 200
        tg.wait_for("sendMessage", chat_id=ALICE, count=2)
        conv = find_by_channel_user(rt.db, "telegram", str(ALICE))
        assert conv is not None
        said = [m.text for m in list_messages(rt.db, conv.id) if m.role == "user"]
        assert said == ["What is WIL?"]
        # The person sees the same answer again (the first may not have reached them), not a
        # second turn: both replies are the stored one.
        texts = tg.texts_to(ALICE)
        assert len(texts) == 2 and texts[0] == texts[1]
