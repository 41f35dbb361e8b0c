"""The form's summary appears once on every channel: a card on the web, lines on Telegram and CLI."""

from __future__ import annotations

from assistant.engine import Turn
from channels.cli.chat_cmd import format_message
from channels.telegram.render import render_turn

SUMMARY = [
    {"field": "organization_name", "label": "Organization", "value": "Prairie Robotics"},
    {"field": "start_term", "label": "Start", "value": "Summer 2027"},
]
TEXT = "Here is your request: please check it, then submit it or tell me what to change."


def _turn(status: str, review: bool = True) -> Turn:
    return Turn(
        text=TEXT,
        locale="en",
        mode="intake",
        suggestions=["Yes, submit", "Change something", "Cancel"],
        intake={
            "id": "x",
            "kind": "employer",
            "status": status,
            "summary": SUMMARY,
            "review": review,
        },
    )


def test_telegram_shows_the_summary_once_under_the_one_line_text() -> None:
    sent = "\n".join(m.text for m in render_turn(_turn("confirming")))
    assert sent.count("Prairie Robotics") == 1 and sent.count("Summer 2027") == 1
    assert sent.index(TEXT) < sent.index("Organization: Prairie Robotics")
    asking = "\n".join(m.text for m in render_turn(_turn("collecting")))
    assert "Prairie Robotics" not in asking
    # "What would you like to change?" at the same step does not show the summary a second time.
    again = "\n".join(m.text for m in render_turn(_turn("confirming", review=False)))
    assert "Prairie Robotics" not in again


def test_the_terminal_prints_the_summary_as_lines() -> None:
    from assistant.intake_dialogue import confirmation_card

    card = confirmation_card(_turn("confirming").intake)
    shown = format_message({"role": "assistant", "text": TEXT, "card": card})
    assert shown.count("Prairie Robotics") == 1
    assert "  • Start: Summer 2027" in shown


def test_the_staff_group_card_says_which_liaison_submitted_a_draft() -> None:
    from channels.telegram.tickets import intake_text

    item = {
        "id": "abcdef1234",
        "kind": "employer",
        "fields": {"organization_name": "Prairie Robotics"},
        "routed_to": ["sait"],
        "submitted_by": "Lee <Liaison>",
    }
    card = intake_text(item)
    assert card.endswith("Submitted for the person by Lee &lt;Liaison&gt;")
    assert "Submitted for the person" not in intake_text({**item, "submitted_by": None})
