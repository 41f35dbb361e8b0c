"""Rendering replies for Telegram: escaping, links, keyboards and splitting (checked as Telegram parses)."""

from __future__ import annotations

import pytest
from telegram import ReplyKeyboardMarkup, ReplyKeyboardRemove

from assistant.engine import Citation, Turn
from channels.telegram.render import render_event_message, render_reply, render_turn, split_text
from tests.fake_telegram import html_to_text, links_in

NASTY = "_*[]()~`>#+-=|{}.! and <&> &amp; <b>not bold</b> \\ 'quotes' \"double\""


def shown(text: str) -> str:
    return html_to_text(text)


def test_every_special_character_is_shown_exactly_as_written() -> None:
    (message,) = render_reply(NASTY, "en")
    assert shown(message.text) == NASTY


def test_citations_become_numbered_links_and_urls_are_escaped() -> None:
    turn = Turn(
        text="See the guide.",
        locale="fr",
        citations=[
            Citation(title='Guide "AIT" <2025>', source="a.md", url='https://ex.org/p?a=1&b="2"'),
            Citation(title="Local file", source="b.md", url="file:///etc/passwd"),
        ],
    )
    (message,) = render_turn(turn)
    assert shown(message.text) == 'See the guide.\n\nSources\n1. Guide "AIT" <2025>\n2. Local file'
    assert links_in(message.text) == [('https://ex.org/p?a=1&b="2"', 'Guide "AIT" <2025>')]


def test_suggestions_become_a_one_time_reply_keyboard_and_none_removes_it() -> None:
    (message,) = render_reply(
        "Hi", "en", suggestions=["Host a student", "I'm a student", "Talk to a person"]
    )
    markup = message.reply_markup
    assert isinstance(markup, ReplyKeyboardMarkup)
    assert [[b.text for b in row] for row in markup.keyboard] == [
        ["Host a student", "I'm a student"],
        ["Talk to a person"],
    ]
    assert markup.one_time_keyboard and markup.resize_keyboard
    (plain,) = render_reply("Hi", "en")
    assert isinstance(plain.reply_markup, ReplyKeyboardRemove)


@pytest.mark.parametrize(
    "unit", ["Étudiant·e & employeur <ok>. ", "🎓 co-op & stage. ", "x" * 50 + " "]
)
def test_long_text_is_split_within_4096_characters_after_parsing(unit: str) -> None:
    text = (unit * 400).strip()
    messages = render_reply(text, "fr", suggestions=["Suite"])
    assert len(messages) > 1
    for message in messages:
        visible = shown(message.text)
        assert len(visible.encode("utf-16-le")) // 2 <= 4096
    assert " ".join(shown(m.text) for m in messages) == text
    assert all(m.reply_markup is None for m in messages[:-1])
    assert isinstance(messages[-1].reply_markup, ReplyKeyboardMarkup)


def test_split_prefers_paragraphs_then_sentences() -> None:
    text = "First paragraph. It is short.\n\nSecond paragraph has two sentences. Here is the other one."
    assert split_text(text, limit=40, measure=len) == [
        "First paragraph. It is short.",
        "Second paragraph has two sentences.",
        "Here is the other one.",
    ]


def test_liaison_messages_are_labelled_with_the_liaisons_name() -> None:
    (message,) = render_event_message(
        {"role": "liaison", "text": "Bonjour <Sam>", "author": "Lee"}, "fr"
    )
    assert shown(message.text) == "Lee · Personne-ressource\nBonjour <Sam>"
    (back,) = render_event_message(
        {"role": "assistant", "text": "I'm back.", "suggestions": ["Ask"]}, "en"
    )
    assert shown(back.text) == "I'm back."


def test_silent_and_empty_turns_render_nothing() -> None:
    assert render_turn(Turn(text="", locale="en", silent=True)) == []
    assert render_turn(Turn(text="   ", locale="en")) == []
