"""The form obeys the intent router's decision at each step; its buttons bypass the router.

A small fake router stands in for the learned one: each test says what the router decides and
checks what the person gets, so the flow is tested apart from how wording is understood.
"""

from __future__ import annotations

from datetime import date

import pytest

from assistant.intake import IntakeStep, continue_intake, start_intake
from assistant.intake.repair import CueRouter, decide
from assistant.understanding.protocols import Decision, IntentRouter, TurnSignals

TODAY = date(2026, 12, 7)
DANA = (
    "I'm Dana from Prairie Robotics, 25 people in Calgary, 2 engineering co-op students "
    "next summer, dana@prairierobotics.ca"
)


class FakeRouter:
    """Answer with a fixed label for each text; record what it was asked."""

    def __init__(self, labels: dict[str, str], default: str = "answer") -> None:
        self.labels = labels
        self.default = default
        self.asked: list[tuple[str, TurnSignals]] = []

    def route(self, text: str, signals: TurnSignals) -> Decision:
        self.asked.append((text, signals))
        return Decision(self.labels.get(text, self.default), 0.99, "fake")


def _summary(router: IntentRouter | None = None) -> IntakeStep:
    step = start_intake("employer", DANA, locale="en", today=TODAY)
    for answer in ("Technology", "Junior technician", "yes, $22 an hour", "yes"):
        step = continue_intake(step.state, answer, locale="en", today=TODAY, router=router)
    assert step.state.status == "confirming", step.reply
    return step


def _say(step: IntakeStep, text: str, router: IntentRouter, locale: str = "en") -> IntakeStep:
    return continue_intake(step.state, text, locale=locale, today=TODAY, router=router)


def test_the_router_is_told_the_step_and_the_field_asked() -> None:
    router = FakeRouter({})
    step = start_intake("employer", DANA, locale="en", today=TODAY)
    _say(step, "Technology", router)
    _text, signals = router.asked[-1]
    assert (signals.step, signals.asked_field, signals.form_kind) == (
        "asked_field",
        step.state.asking,
        "employer",
    )
    _say(_summary(), "whatever", router)
    assert router.asked[-1][1].step == "confirming"


def test_confirm_in_any_words_the_router_recognises_submits() -> None:
    step = _say(_summary(), "that'll do nicely", FakeRouter({"that'll do nicely": "confirm"}))
    assert step.outcome == "submitted"


def test_deny_asks_what_to_change_and_keeps_everything() -> None:
    before = _summary()
    step = _say(before, "hmm not quite", FakeRouter({"hmm not quite": "deny"}))
    assert step.outcome == "confirming" and step.state.fields == before.state.fields
    assert "change" in step.reply


def test_a_confirm_that_changes_something_shows_the_summary_again() -> None:
    text = "yes but the email is jo@prairierobotics.ca"
    step = _say(_summary(), text, FakeRouter({text: "confirm"}))
    assert step.outcome == "confirming"
    assert step.state.fields["contact_email"] == "jo@prairierobotics.ca"


def test_a_confirm_carrying_a_new_number_is_not_a_submission() -> None:
    step = _say(_summary(), "mettez 30", FakeRouter({"mettez 30": "confirm"}), "fr")
    assert step.outcome == "confirming"


def test_correct_changes_the_value_and_keeps_its_source() -> None:
    text = "actually we'd start in the fall, not summer"
    step = _say(_summary(), text, FakeRouter({text: "correct"}))
    assert step.outcome == "confirming" and step.state.fields["start_term"] == "2027-fall"
    assert step.state.sources["start_term"]["text"] == text


def test_cancel_keeps_nothing() -> None:
    step = _say(_summary(), "drop it", FakeRouter({"drop it": "cancel"}))
    assert step.outcome == "cancelled" and step.state.fields == {}


def test_question_at_the_summary_is_a_digression() -> None:
    step = _say(_summary(), "is there funding?", FakeRouter({"is there funding?": "question"}))
    assert step.outcome == "question" and step.state.status == "confirming"


def test_resume_asks_the_pending_question_again_without_storing_the_words() -> None:
    step = start_intake("employer", DANA, locale="en", today=TODAY)
    asking = step.state.asking
    again = _say(step, "continue my offer", FakeRouter({"continue my offer": "start_employer"}))
    assert again.outcome == "asking" and again.state.asking == asking
    assert again.state.fields == step.state.fields


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Yes, submit", "confirm"),
        ("Oui, envoyer", "confirm"),
        ("Cancel", "cancel"),
        ("/cancel", "cancel"),
    ],
)
def test_buttons_and_commands_bypass_the_router(text: str, label: str) -> None:
    router = FakeRouter({}, default="question")
    decision = decide(
        router, text, step="confirming", locale="en", kind="employer", asked_field=None
    )
    assert decision.label == label and decision.source == "rule:button"
    assert router.asked == []


def test_the_confirm_button_is_only_a_button_at_the_summary() -> None:
    decision = decide(
        FakeRouter({}),
        "Yes, submit",
        step="asked_field",
        locale="en",
        kind="employer",
        asked_field="role_title",
    )
    assert decision.label == "answer"


@pytest.mark.parametrize(
    ("text", "step", "label"),
    [
        ("Oui, tout est exact.", "confirming", "confirm"),
        ("C'est correct, vous pouvez l'envoyer.", "confirming", "confirm"),
        ("looks good, submit it", "confirming", "confirm"),
        ("can we make it summer instead of fall? my classes end in april", "confirming", "correct"),
        ("no", "confirming", "deny"),
        ("annuler", "asked_field", "cancel"),
        ("do we have to pay them?", "asked_field", "question"),
    ],
)
def test_the_default_cue_router_until_the_learned_one_is_injected(
    text: str, step: str, label: str
) -> None:
    signals = TurnSignals(step=step, form_kind="employer")  # type: ignore[arg-type]
    assert CueRouter().route(text, signals).label == label


def test_after_a_pause_taking_the_form_up_again_is_read_before_the_question() -> None:
    """A router that reads "continue my offer" as starting an offer when nothing is asked."""
    step = start_intake("employer", "We'd like to host a co-op student", locale="en", today=TODAY)
    assert step.state.asking == "organization_name"

    class Router:
        def route(self, text: str, signals: TurnSignals) -> Decision:
            label = "start_employer" if signals.step == "idle" else "answer"
            return Decision(label, 0.9, "fake")

    back = continue_intake(
        step.state, "continue my offer", locale="en", today=TODAY, router=Router(), paused=True
    )
    assert back.state.asking == "organization_name"
    assert "organization_name" not in back.state.fields
    answered = continue_intake(
        back.state, "Prairie Robotics", locale="en", today=TODAY, router=FakeRouter({}), paused=True
    )
    assert answered.state.fields["organization_name"] == "Prairie Robotics"


def test_a_labelled_list_value_adds_and_a_change_replaces() -> None:
    router = FakeRouter({}, default="correct")
    step = _summary()
    first = list(step.state.fields["programs_sought"])
    step = _say(step, "add programs: computer science", router)
    assert step.state.fields["programs_sought"] == [*first, "computer_science"]
    step = _say(step, "Programs: computer science", router)  # said again: no duplicate
    assert step.state.fields["programs_sought"] == [*first, "computer_science"]
    step = _say(step, "change programs to business", router)
    assert step.state.fields["programs_sought"] == ["business"]
