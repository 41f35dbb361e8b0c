"""Handoff both ways for a Telegram user: liaisons answer through the HTTP API or the staff group."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings, load_settings
from assistant.conversations import find_by_channel_user
from assistant.liaisons import NewLiaison, create_liaison
from assistant.store.models import Handoff, Liaison
from channels.telegram.tickets import META_MESSAGE
from tests.conftest import auth
from tests.fake_telegram import Call, FakeTelegram, bot_app

SAM = 7770001
STAFF = -1001234567
LEE_TG = 42001
KIM_TG = 42002
STRANGER_TG = 42003


@pytest.fixture
def tg_settings(tmp_path: Path, tg: FakeTelegram) -> Settings:
    return load_settings(
        data_dir=tmp_path / "data",
        env="test",
        telegram_token=tg.token,
        telegram_base_url=tg.base_url,
        telegram_staff_chat_id=STAFF,
        public_url="https://wil.example.org",
    )


def ask_for_a_person(tg: FakeTelegram, client: TestClient, token: str) -> dict[str, Any]:
    tg.send_text(SAM, "/human")
    tg.wait_for("sendMessage", chat_id=SAM)
    tickets = client.get("/api/handoffs", headers=auth(token)).json()
    items = tickets["handoffs"]
    assert len(items) == 1
    return dict(items[0])


def ticket_call(tg: FakeTelegram) -> Call:
    return tg.wait_for(
        "sendMessage", chat_id=STAFF, where=lambda c: "Claim" in str(c.params.get("reply_markup"))
    )[0]


def ticket_message(tg: FakeTelegram, rt: Any, handoff_id: str) -> dict[str, Any]:
    """Return the ticket message as stored by Telegram (what a reply or a button press refers to).

    Returns once the bot has also stored which message shows the ticket: it learns the id only
    when Telegram answers the sendMessage, a moment after the fake has seen the call.
    """
    ticket_call(tg)
    stored_message_id(rt, handoff_id)
    for (chat, _), message in sorted(tg.sent.items(), key=lambda kv: kv[0][1]):
        if chat == STAFF and "Handoff #" in message["text"]:
            return {k: v for k, v in message.items() if k != "raw"}
    raise AssertionError("no ticket message in the staff group")


def stored_message_id(rt: Any, handoff_id: str, timeout: float = 20.0) -> int:
    """Return the staff-group message id stored on the ticket, waiting until it is there."""
    deadline = time.monotonic() + timeout
    while True:
        with rt.db.session() as s:
            ticket = s.get(Handoff, handoff_id)
            assert ticket is not None
            found = (ticket.meta or {}).get(META_MESSAGE)
        if found is not None:
            return int(found)
        assert time.monotonic() < deadline, f"the bot never stored the message of {handoff_id}"
        time.sleep(0.02)


def link(tg: FakeTelegram, liaison: NewLiaison, telegram_id: int, name: str) -> None:
    user = tg.user(telegram_id, name)
    tg.send_text(telegram_id, f"/link {liaison.token}", user=user)
    tg.wait_for("sendMessage", chat_id=telegram_id)
    assert tg.texts_to(telegram_id)[-1] == f"Linked: in the staff group you act as {liaison.name}."
    assert tg.calls_of("deleteMessage", chat_id=telegram_id)  # the token does not stay in the chat


def test_liaison_reply_through_the_http_api_reaches_the_telegram_user(
    tg: FakeTelegram, tg_settings: Settings
) -> None:
    with bot_app(tg_settings) as (client, _bot, rt):
        lee = create_liaison(rt.db, "lee@example.org", "Lee Liaison")
        ticket = ask_for_a_person(tg, client, lee.token)
        conv = find_by_channel_user(rt.db, "telegram", str(SAM))
        assert conv is not None and conv.mode == "handoff"
        assert ticket["channel"] == "telegram"

        r = client.post(
            f"/api/handoffs/{ticket['id']}/messages",
            json={"text": "Hi Sam, Lee here <3 & happy to help."},
            headers=auth(lee.token),
        )
        assert r.status_code in (200, 201), r.text
        tg.wait_for(
            "sendMessage", chat_id=SAM, where=lambda c: "Lee here" in str(c.params.get("text"))
        )
        assert any(
            t.endswith("Hi Sam, Lee here <3 & happy to help.") and "Lee Liaison" in t
            for t in tg.texts_to(SAM)
        )

        # Once claimed, what Sam writes goes to Lee and the bot stays quiet.
        before = len(tg.calls_of("sendMessage", chat_id=SAM))
        tg.send_text(SAM, "Thanks! My email is sam@example.org")
        detail: dict[str, Any] = {}
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            detail = client.get(f"/api/handoffs/{ticket['id']}", headers=auth(lee.token)).json()
            if any(m["text"].startswith("Thanks! My email") for m in detail["transcript"]):
                break
            time.sleep(0.05)
        assert any(m["text"].startswith("Thanks! My email") for m in detail["transcript"])
        assert len(tg.calls_of("sendMessage", chat_id=SAM)) == before

        r = client.post(f"/api/handoffs/{ticket['id']}/resolve", headers=auth(lee.token))
        assert r.status_code == 200, r.text
        tg.wait_for("sendMessage", chat_id=SAM, count=before + 1)
        conv = find_by_channel_user(rt.db, "telegram", str(SAM))
        assert conv is not None and conv.mode == "qa"


def test_staff_group_claims_replies_and_resolves_without_the_console(
    tg: FakeTelegram, tg_settings: Settings
) -> None:
    with bot_app(tg_settings) as (client, _bot, rt):
        lee = create_liaison(rt.db, "lee@example.org", "Lee Liaison")
        kim = create_liaison(rt.db, "kim@example.org", "Kim Liaison")
        link(tg, lee, LEE_TG, "Lee")
        link(tg, kim, KIM_TG, "Kim")
        with rt.db.session() as s:
            assert {a.name: a.telegram_user_id for a in s.query(Liaison)} == {
                "Lee Liaison": LEE_TG,
                "Kim Liaison": KIM_TG,
            }

        ticket = ask_for_a_person(tg, client, lee.token)
        posted = ticket_message(tg, rt, ticket["id"])
        short = ticket["id"][:8]
        assert f"Handoff #{short}" in posted["text"]
        assert "Reason: requested" in posted["text"] and "Channel: telegram" in posted["text"]
        assert "Waiting since:" in posted["text"] and "waiting for a liaison" in posted["text"]
        buttons = [b for row in posted["reply_markup"]["inline_keyboard"] for b in row]
        assert [b["text"] for b in buttons] == ["Claim", "Resolve", "Open in console"]
        assert buttons[2]["url"] == f"https://wil.example.org/console#/handoffs/{ticket['id']}"

        # Someone who never linked an account is told how to.
        tg.push(
            tg.callback_update(
                posted, f"claim:{ticket['id']}", user=tg.user(STRANGER_TG, "Stranger")
            )
        )
        answer = tg.wait_for("answerCallbackQuery")[-1]
        assert "/link" in answer.params["text"]

        # Lee claims: Sam is told, the ticket message shows it.
        tg.push(tg.callback_update(posted, f"claim:{ticket['id']}", user=tg.user(LEE_TG, "Lee")))
        answer = tg.wait_for("answerCallbackQuery", count=2)[-1]
        assert answer.params["text"].startswith("It's yours")
        edit = tg.wait_for("editMessageText", chat_id=STAFF)[-1]
        assert "claimed by Lee Liaison" in edit.params["text"]
        tg.wait_for(
            "sendMessage", chat_id=SAM, where=lambda c: "Lee Liaison" in str(c.params.get("text"))
        )

        # Kim is too late.
        tg.push(tg.callback_update(posted, f"claim:{ticket['id']}", user=tg.user(KIM_TG, "Kim")))
        answer = tg.wait_for("answerCallbackQuery", count=3)[-1]
        assert answer.params["text"] == "Already claimed by Lee Liaison."

        # Lee replies to the ticket message: Sam gets it.
        tg.send_text(
            STAFF,
            "Hello Sam! What sector is your company in?",
            user=tg.user(LEE_TG, "Lee"),
            chat_type="supergroup",
            reply_to=posted,
        )
        tg.wait_for(
            "sendMessage", chat_id=SAM, where=lambda c: "What sector" in str(c.params.get("text"))
        )
        tg.wait_for("setMessageReaction", chat_id=STAFF)

        # Sam answers: it appears in the group as a reply to the ticket.
        tg.send_text(SAM, "We build bridges & roads")
        relayed = tg.wait_for(
            "sendMessage", chat_id=STAFF, where=lambda c: "bridges" in str(c.params.get("text"))
        )[-1]
        assert relayed.params["reply_parameters"]["message_id"] == posted["message_id"]
        relayed_msg = next(
            m for (chat, _), m in tg.sent.items() if chat == STAFF and "bridges" in m["text"]
        )
        assert (
            f"#{short}" in relayed_msg["text"] and "We build bridges & roads" in relayed_msg["text"]
        )

        # Lee replies to the relayed message: it still reaches Sam.
        tg.send_text(
            STAFF,
            "Great, civil engineering it is.",
            user=tg.user(LEE_TG, "Lee"),
            chat_type="supergroup",
            reply_to=relayed_msg,
        )
        tg.wait_for(
            "sendMessage",
            chat_id=SAM,
            where=lambda c: "civil engineering" in str(c.params.get("text")),
        )

        # Kim cannot write to Sam on Lee's ticket.
        tg.send_text(
            STAFF, "Kim here", user=tg.user(KIM_TG, "Kim"), chat_type="supergroup", reply_to=posted
        )
        refusal = tg.wait_for(
            "sendMessage", chat_id=STAFF, where=lambda c: "Not sent" in str(c.params.get("text"))
        )[-1]
        assert "Already claimed by Lee Liaison" in refusal.params["text"]
        assert not any("Kim here" in t for t in tg.texts_to(SAM))

        # An internal note, then resolve from the button.
        tg.send_text(
            STAFF,
            "/note wants a summer co-op",
            user=tg.user(LEE_TG, "Lee"),
            chat_type="supergroup",
            reply_to=posted,
        )
        tg.wait_for("setMessageReaction", chat_id=STAFF, count=3)
        detail = client.get(f"/api/handoffs/{ticket['id']}", headers=auth(lee.token)).json()
        assert [n["text"] for n in detail["notes"]] == ["wants a summer co-op"]
        assert not any("summer co-op" in t for t in tg.texts_to(SAM))

        tg.push(tg.callback_update(posted, f"resolve:{ticket['id']}", user=tg.user(LEE_TG, "Lee")))
        answer = tg.wait_for("answerCallbackQuery", count=4)[-1]
        assert answer.params["text"].startswith("Resolved")
        edit = tg.wait_for(
            "editMessageText", chat_id=STAFF, where=lambda c: "resolved by" in c.params["text"]
        )[-1]
        assert [
            b["text"] for row in edit.params["reply_markup"]["inline_keyboard"] for b in row
        ] == ["Open in console"]
        conv = find_by_channel_user(rt.db, "telegram", str(SAM))
        assert conv is not None and conv.mode == "qa"


def test_console_actions_show_up_in_the_staff_group(
    tg: FakeTelegram, tg_settings: Settings
) -> None:
    with bot_app(tg_settings) as (client, _bot, rt):
        lee = create_liaison(rt.db, "lee@example.org", "Lee Liaison")
        ticket = ask_for_a_person(tg, client, lee.token)
        ticket_message(tg, rt, ticket["id"])
        client.post(f"/api/handoffs/{ticket['id']}/claim", headers=auth(lee.token))
        tg.wait_for(
            "editMessageText",
            chat_id=STAFF,
            where=lambda c: "claimed by Lee Liaison" in c.params["text"],
        )
        client.post(
            f"/api/handoffs/{ticket['id']}/messages",
            json={"text": "Answering from the console"},
            headers=auth(lee.token),
        )
        echo = tg.wait_for(
            "sendMessage",
            chat_id=STAFF,
            where=lambda c: "Answering from the console" in str(c.params.get("text")),
        )[-1]
        assert re.search(r"Lee Liaison \(console\)", echo.params["text"])


def test_link_with_a_wrong_token_is_refused_and_tokens_posted_in_the_group_are_hidden(
    tg: FakeTelegram, tg_settings: Settings
) -> None:
    with bot_app(tg_settings) as (_client, _bot, rt):
        lee = create_liaison(rt.db, "lee@example.org", "Lee Liaison")
        tg.send_text(LEE_TG, "/link l_not-a-token", user=tg.user(LEE_TG, "Lee"))
        tg.wait_for("sendMessage", chat_id=LEE_TG)
        assert "does not match" in tg.texts_to(LEE_TG)[-1]
        update = tg.send_text(
            STAFF, f"/link {lee.token}", user=tg.user(LEE_TG, "Lee"), chat_type="supergroup"
        )
        tg.wait_for("deleteMessage", chat_id=STAFF, message_id=update["message"]["message_id"])
        warning = tg.wait_for("sendMessage", chat_id=STAFF)[-1]
        assert "Never post your API token in a group" in warning.params["text"]
        with rt.db.session() as s:
            assert s.get(Liaison, lee.id).telegram_user_id is None  # type: ignore[union-attr]
