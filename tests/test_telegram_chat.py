"""People chatting with the bot in polling mode, end to end against the local Bot API server."""

from __future__ import annotations

from typing import Any

from assistant.config import Settings
from assistant.conversations import find_by_channel_user, list_messages
from assistant.engine import Citation, Turn
from tests.fake_telegram import FakeTelegram, bot_app, links_in

ALICE = 5551001
SPECIAL = "Costs: 5_000*2 [approx] (CAD) ~ `net` > #1 + tax - 10 = ok | {x}. Done! <b>&amp; </b>"


class ScriptedAssistant:
    """An engine stand-in that returns prepared turns (for rendering checks)."""

    def __init__(self, real: Any, turns: list[Turn]) -> None:
        self.real = real
        self.turns = turns
        self.received: list[str] = []

    def greeting(self, locale: str) -> tuple[str, list[str]]:
        return self.real.greeting(locale)  # type: ignore[no-any-return]

    async def handle(self, conversation_id: str, text: str, **_: Any) -> Turn:
        self.received.append(text)
        return self.turns.pop(0)


def keyboard_labels(call_params: dict[str, Any]) -> list[str]:
    markup = call_params.get("reply_markup") or {}
    return [button["text"] for row in markup.get("keyboard", []) for button in row]


def test_start_greets_in_the_users_language_with_suggestion_buttons(
    tg: FakeTelegram, tg_settings: Settings
) -> None:
    with bot_app(tg_settings) as (_client, _bot, rt):
        fr_user = tg.user(ALICE, "Amélie", language_code="fr-CA")
        tg.send_text(ALICE, "/start", user=fr_user)
        call = tg.wait_for("sendMessage", chat_id=ALICE)[0]
        greeting, suggestions = rt.assistant.greeting("fr")
        assert tg.texts_to(ALICE) == [greeting]
        assert keyboard_labels(call.params) == suggestions
        conv = find_by_channel_user(rt.db, "telegram", str(ALICE))
        assert conv is not None and conv.locale == "fr"


def test_messages_go_to_one_conversation_per_chat_and_replies_come_back(
    tg: FakeTelegram, tg_settings: Settings
) -> None:
    with bot_app(tg_settings) as (_client, _bot, rt):
        tg.send_text(ALICE, "What is a co-op placement?")
        tg.wait_for("sendMessage", chat_id=ALICE)
        assert tg.calls_of("sendChatAction", chat_id=ALICE, action="typing")
        tg.send_text(ALICE, "And who pays the student?")
        tg.wait_for("sendMessage", chat_id=ALICE, count=2)
        replies = tg.texts_to(ALICE)
        assert len(replies) == 2 and all(r.strip() for r in replies)
        conv = find_by_channel_user(rt.db, "telegram", str(ALICE))
        assert conv is not None and conv.channel == "telegram"
        user_texts = [m.text for m in list_messages(rt.db, conv.id) if m.role == "user"]
        assert user_texts == ["What is a co-op placement?", "And who pays the student?"]


def test_special_characters_citations_and_suggestions_render_as_telegram_shows_them(
    tg: FakeTelegram, tg_settings: Settings
) -> None:
    turn = Turn(
        text=SPECIAL,
        locale="en",
        citations=[
            Citation(
                title="Funding & wage <subsidies>",
                source="playbook/funding.md",
                url="https://example.org/a?x=1&y=2",
            ),
            Citation(title="Eligibility", source="playbook/eligibility.md"),
        ],
        suggestions=["Host a student", "Talk to a person"],
    )
    with bot_app(tg_settings) as (_client, _bot, rt):
        rt.assistant = ScriptedAssistant(rt.assistant, [turn])
        tg.send_text(ALICE, "how much?")
        call = tg.wait_for("sendMessage", chat_id=ALICE)[0]
        shown = tg.texts_to(ALICE)[0]
        assert shown.startswith(SPECIAL)  # every character arrives as typed, nothing swallowed
        assert "1. Funding & wage <subsidies>" in shown
        assert "2. Eligibility" in shown
        assert links_in(call.params["text"]) == [
            ("https://example.org/a?x=1&y=2", "Funding & wage <subsidies>")
        ]
        assert keyboard_labels(call.params) == ["Host a student", "Talk to a person"]


def test_long_replies_are_split_within_telegrams_limit_on_paragraphs(
    tg: FakeTelegram, tg_settings: Settings
) -> None:
    paragraphs = [
        f"Paragraph {i}: " + ("Students & employers <meet>. " * 60).strip() for i in range(6)
    ]
    long_text = "\n\n".join(paragraphs)
    assert len(long_text) > 9000
    turn = Turn(
        text=long_text,
        locale="en",
        suggestions=["Next"],
        citations=[Citation(title="Guide", source="g.md", url="https://example.org/g")],
    )
    with bot_app(tg_settings) as (_client, _bot, rt):
        rt.assistant = ScriptedAssistant(rt.assistant, [turn])
        tg.send_text(ALICE, "tell me everything")
        tg.wait_for("sendMessage", chat_id=ALICE, count=3)
        tg.wait_for("sendMessage", chat_id=ALICE, where=lambda c: "reply_markup" in c.params)
        shown = tg.texts_to(ALICE)
        assert all(len(part) <= 4096 for part in shown)
        for part in shown[:-1]:
            assert part.rstrip().endswith(".")  # cut between sentences, never mid-word
        joined = "\n\n".join(shown)
        for paragraph in paragraphs:
            assert (
                paragraph in joined.replace("\n\n", " ").replace("  ", " ")
                or paragraph[:200] in joined
            )
        calls = tg.calls_of("sendMessage", chat_id=ALICE)
        assert [("reply_markup" in c.params) for c in calls][-1] is True
        assert all("reply_markup" not in c.params for c in calls[:-1])
        assert "Guide" in shown[-1]


def test_silent_turns_send_nothing(tg: FakeTelegram, tg_settings: Settings) -> None:
    quiet = Turn(text="", locale="en", mode="handoff", silent=True)
    loud = Turn(text="Back to you.", locale="en")
    with bot_app(tg_settings) as (_client, _bot, rt):
        rt.assistant = scripted = ScriptedAssistant(rt.assistant, [quiet, loud])
        tg.send_text(ALICE, "hello liaison?")
        tg.send_text(ALICE, "second")
        tg.wait_for("sendMessage", chat_id=ALICE)
        assert scripted.received == ["hello liaison?", "second"]
        assert tg.texts_to(ALICE) == ["Back to you."]


def test_language_command_toggles_and_sets_the_language(
    tg: FakeTelegram, tg_settings: Settings
) -> None:
    with bot_app(tg_settings) as (_client, _bot, rt):
        tg.send_text(ALICE, "/language")
        tg.wait_for("sendMessage", chat_id=ALICE)
        assert "français" in tg.texts_to(ALICE)[-1]
        conv = find_by_channel_user(rt.db, "telegram", str(ALICE))
        assert conv is not None and conv.locale == "fr"
        tg.send_text(ALICE, "/language en")
        tg.wait_for("sendMessage", chat_id=ALICE, count=2)
        assert "English" in tg.texts_to(ALICE)[-1]
        tg.send_text(ALICE, "/language de")
        tg.wait_for("sendMessage", chat_id=ALICE, count=3)
        assert "/language fr" in tg.texts_to(ALICE)[-1]
        conv = find_by_channel_user(rt.db, "telegram", str(ALICE))
        assert conv is not None and conv.locale == "en"


def test_help_lists_the_commands(tg: FakeTelegram, tg_settings: Settings) -> None:
    with bot_app(tg_settings):
        tg.send_text(ALICE, "/help")
        tg.wait_for("sendMessage", chat_id=ALICE)
        shown = tg.texts_to(ALICE)[0]
        for command in ("/start", "/human", "/cancel", "/language"):
            assert command in shown
        assert tg.calls_of("setMyCommands")


def test_bad_updates_are_ignored_and_the_bot_keeps_answering(
    tg: FakeTelegram, tg_settings: Settings
) -> None:
    with bot_app(tg_settings) as (_client, bot, _rt):
        tg.push({"update_id": 900, "something_new": {"x": 1}})
        tg.push(tg.message_update(ALICE, "edited text", kind="edited_message"))
        tg.push(
            tg.message_update(
                ALICE,
                None,
                extra={
                    "sticker": {
                        "file_id": "s1",
                        "file_unique_id": "u1",
                        "type": "regular",
                        "width": 512,
                        "height": 512,
                        "is_animated": False,
                        "is_video": False,
                    }
                },
            )
        )
        tg.push({"update_id": 901, "message": {"message_id": 1, "text": "no chat or date"}})
        tg.push(tg.message_update(-100777, "hello group", chat_type="group"))
        tg.push(tg.message_update(ALICE, "   "))
        tg.send_text(ALICE, "Do you still answer?")
        tg.wait_for("sendMessage", chat_id=ALICE, count=2)
        shown = tg.texts_to(ALICE)
        assert any("only read text" in s for s in shown)  # the sticker got a hint
        assert len(shown) == 2  # nothing for the edit, the blank message or the unknown update
        assert not tg.calls_of("sendMessage", chat_id=-100777)
        assert bot.ready


def test_human_and_cancel_commands_speak_to_the_engine(
    tg: FakeTelegram, tg_settings: Settings
) -> None:
    with bot_app(tg_settings) as (_client, _bot, rt):
        tg.send_text(ALICE, "/cancel")
        tg.wait_for("sendMessage", chat_id=ALICE)
        assert "/start" not in tg.texts_to(ALICE)[0]  # the engine answered, not the help text
        tg.send_text(ALICE, "/human")
        tg.wait_for("sendMessage", chat_id=ALICE, count=2)
        conv = find_by_channel_user(rt.db, "telegram", str(ALICE))
        assert conv is not None and conv.mode == "handoff"


class BrokenAssistant(ScriptedAssistant):
    async def handle(self, conversation_id: str, text: str, **_: Any) -> Turn:
        if text == "boom":
            raise RuntimeError("engine exploded")
        return Turn(text="fine again", locale="fr")


def test_an_engine_failure_is_apologised_for_and_the_bot_carries_on(
    tg: FakeTelegram, tg_settings: Settings
) -> None:
    with bot_app(tg_settings) as (_client, _bot, rt):
        rt.assistant = BrokenAssistant(rt.assistant, [])
        tg.send_text(ALICE, "boom", user=tg.user(ALICE, language_code="fr"))
        tg.wait_for("sendMessage", chat_id=ALICE)
        assert tg.texts_to(ALICE) == [
            "Désolé, un problème est survenu de mon côté. Veuillez réessayer dans un instant."
        ]
        tg.send_text(ALICE, "again")
        tg.wait_for("sendMessage", chat_id=ALICE, count=2)
        assert tg.texts_to(ALICE)[-1] == "fine again"
