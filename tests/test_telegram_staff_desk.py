"""The staff group after a restart, and submitted intakes posted there as cards."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from assistant.config import Settings, load_settings
from assistant.conversations import find_by_channel_user
from assistant.liaisons import create_liaison
from assistant.runtime import build_runtime
from assistant.store.models import Conversation, Handoff
from channels.telegram.staff_threads import TicketThreads
from channels.telegram.tickets import intake_text
from tests.conftest import auth
from tests.fake_telegram import FakeTelegram, bot_app
from tests.test_telegram_handoff import (
    LEE_TG,
    SAM,
    STAFF,
    ask_for_a_person,
    link,
    stored_message_id,
    ticket_message,
)

OFFER: dict[str, Any] = {
    "id": "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
    "kind": "employer",
    "status": "submitted",
    "fields": {
        "organization_name": "Prairie Pixels",
        "contact_name": "Jo Tremblay",
        "contact_email": "jo@prairiepixels.ca",
        "role_title": "Junior developer",
        "students_count": 2,
        "paid": True,
        "wil_type": "co_op",
        "consent_to_share": True,
    },
    "routed_to": ["ucalgary", "sait"],
}


def staff_settings(tmp_path: Path, tg: FakeTelegram, public_url: str) -> Settings:
    return load_settings(
        data_dir=tmp_path / "data",
        env="test",
        telegram_token=tg.token,
        telegram_base_url=tg.base_url,
        telegram_staff_chat_id=STAFF,
        public_url=public_url,
    )


def announce(client: Any, rt: Any, intake: dict[str, Any]) -> None:
    """Announce a submitted intake the way the intake dialogue does (through the notifier)."""
    client.portal.call(rt.notifier.intake_submitted, intake)


def test_a_submitted_intake_is_posted_to_the_staff_group_as_a_readable_card(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    with bot_app(staff_settings(tmp_path, tg, "https://wil.example.org")) as (client, _bot, rt):
        announce(client, rt, OFFER)
        card = tg.wait_for(
            "sendMessage", chat_id=STAFF, where=lambda c: "Prairie Pixels" in str(c.params)
        )[-1]
    text = tg.texts_to(STAFF)[-1]
    assert "New placement offer #0A1B2C3D" in text  # the reference the employer was told
    assert "Prairie Pixels · Jo Tremblay" in text
    assert "Role: Junior developer" in text and "Students: 2" in text and "Paid: Yes" in text
    assert "Routed to: University of Calgary, SAIT" in text
    assert "consent" not in text.lower()  # key fields only
    buttons = [b for row in card.params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == [
        {"text": "Open in console", "url": "https://wil.example.org/console#/intakes"}
    ]


def test_an_intake_card_has_no_console_link_when_the_console_is_only_local(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    student = {
        "id": "ffee0011223344556677889900aabbcc",
        "kind": "student",
        "fields": {"full_name": "Ana Silva", "institution": "mru", "email": "ana@example.org"},
        "routed_to": [],
    }
    with bot_app(staff_settings(tmp_path, tg, "http://localhost:8000")) as (client, _bot, rt):
        announce(client, rt, student)
        card = tg.wait_for(
            "sendMessage", chat_id=STAFF, where=lambda c: "Ana Silva" in str(c.params)
        )[-1]
    text = tg.texts_to(STAFF)[-1]
    assert "New student profile #FFEE0011" in text and "Institution: Mount Royal University" in text
    assert "Routed to: the secretariat" in text
    assert "localhost" not in text and not card.params.get("reply_markup")


def test_an_intake_card_escapes_what_people_typed() -> None:
    text = intake_text({**OFFER, "fields": {"organization_name": "<b>A&B</b>"}, "routed_to": []})
    assert "&lt;b&gt;A&amp;B&lt;/b&gt;" in text


def test_after_a_restart_group_replies_and_new_messages_still_thread_to_the_ticket(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    settings = staff_settings(tmp_path, tg, "https://wil.example.org")
    with bot_app(settings) as (client, _bot, rt):
        lee = create_liaison(rt.db, "lee@example.org", "Lee Liaison")
        link(tg, lee, LEE_TG, "Lee")
        ticket = ask_for_a_person(tg, client, lee.token)
        posted = ticket_message(tg, rt, ticket["id"])
        assert stored_message_id(rt, ticket["id"]) == posted["message_id"]

    # A new bot and runtime on the same database: nothing is remembered in memory.
    with bot_app(settings) as (client, bot, rt):
        assert bot.staff is not None and bot.staff.threads.posted_here(ticket["id"]) is False
        tg.send_text(SAM, "We build bridges & roads")
        relayed = tg.wait_for(
            "sendMessage", chat_id=STAFF, where=lambda c: "bridges" in str(c.params.get("text"))
        )[-1]
        assert relayed.params["reply_parameters"]["message_id"] == posted["message_id"]

        relayed_msg = next(
            m for (chat, _), m in tg.sent.items() if chat == STAFF and "bridges" in m["text"]
        )
        tg.send_text(
            STAFF,
            "Great, civil engineering it is.",
            user=tg.user(LEE_TG, "Lee"),
            chat_type="supergroup",
            reply_to={k: v for k, v in relayed_msg.items() if k != "raw"},
        )
        tg.wait_for(
            "sendMessage", chat_id=SAM, where=lambda c: "civil engineering" in str(c.params)
        )
        # The ticket message itself is kept current: the claim shows on it.
        tg.wait_for(
            "editMessageText",
            chat_id=STAFF,
            message_id=posted["message_id"],
            where=lambda c: "claimed by Lee Liaison" in c.params["text"],
        )
        client.post(f"/api/handoffs/{ticket['id']}/resolve", headers=auth(lee.token))
        tg.wait_for(
            "editMessageText",
            chat_id=STAFF,
            message_id=posted["message_id"],
            where=lambda c: "resolved by Lee Liaison" in c.params["text"],
        )
        conv = find_by_channel_user(rt.db, "telegram", str(SAM))
        assert conv is not None and conv.mode == "qa"


def test_with_several_workers_exactly_one_posts_each_message(tmp_path: Path) -> None:
    rt = build_runtime(load_settings(data_dir=tmp_path / "data", env="test"), retriever=None)
    try:
        with rt.db.session() as s:
            conv = Conversation(token_hash="x" * 64, channel="telegram", channel_user_id="1")
            s.add(conv)
            s.flush()
            ticket = Handoff(
                conversation_id=conv.id, status="waiting", reason="requested", meta={"locale": "fr"}
            )
            s.add(ticket)
            s.flush()
            handoff_id = ticket.id
        first, second = TicketThreads(rt.db, STAFF), TicketThreads(rt.db, STAFF)
        event = {"handoff_id": handoff_id, "message": {"id": 7, "text": "hi"}}

        async def scenario() -> list[bool]:
            unposted = await second.claim("user_message", event, {})
            await first.remember(handoff_id, 555)
            wins = [await w.claim("user_message", event, {}) for w in (second, first)]
            return [unposted, *wins, await second.message_id(handoff_id) == 555]

        assert asyncio.run(scenario()) == [False, True, False, True]
        with rt.db.session() as s:
            kept = s.get(Handoff, handoff_id)
            assert kept is not None and kept.meta["locale"] == "fr"  # the rest of meta is kept
    finally:
        rt.db.dispose()


def test_a_ticket_post_says_who_and_uses_the_consoles_time_label(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    """ "Who: unknown" and a zone label the console did not use made staff open the console."""
    from datetime import datetime

    from assistant.config import load_zone
    from assistant.store.models import Intake

    settings = staff_settings(tmp_path, tg, "https://wil.example.org")
    with bot_app(settings) as (client, _bot, rt):
        lee = create_liaison(rt.db, "lee@example.org", "Lee Liaison")
        ticket = ask_for_a_person(tg, client, lee.token)
        first = ticket_message(tg, rt, ticket["id"])["text"]
        assert "Who: unknown" in first
        conv = find_by_channel_user(rt.db, "telegram", str(SAM))
        assert conv is not None
        with rt.db.session() as s:
            s.add(
                Intake(
                    kind="employer",
                    status="collecting",
                    conversation_id=conv.id,
                    fields={
                        "organization_name": "Prairie Pixels",
                        "contact_name": "Jo Tremblay",
                        "contact_email": "jo@prairiepixels.ca",
                    },
                )
            )
        client.post(f"/api/handoffs/{ticket['id']}/claim", headers=auth(lee.token))
        edited = tg.wait_for(
            "editMessageText",
            chat_id=STAFF,
            where=lambda c: "claimed by Lee Liaison" in c.params["text"],
        )[-1].params["text"]
    assert "Who: Jo Tremblay · Prairie Pixels · jo@prairiepixels.ca (employer)" in edited
    assert "unknown" not in edited
    # The console shows the pinned tzdata's label too (see test_console_browser).
    label = datetime.now(load_zone("America/Edmonton")).tzname()
    assert f" {label}" in edited.split("Waiting since:")[1].splitlines()[0]
