"""What a message does to a form at its step: confirm, deny, correct, cancel, ask, or answer.

The decision belongs to the intent router (`assistant.understanding.IntentRouter`), injected by the
runtime; the form's own buttons and commands are the exact fast path, decided here without it.
`CueRouter` is the default until the learned router is wired in: a thin adapter over the intake's
existing cue functions, with no phrasings of its own (new phrasings go to
`assistant/understanding/data/intents/from_dialogue.yaml`, which the router is trained on).
"""

from __future__ import annotations

import re

from assistant.intake.cues import (
    has_correction_cue,
    is_cancel,
    is_confirmation,
    is_delete_request,
    parse_yes_no,
)
from assistant.intake.gazetteers import fold
from assistant.intake.messages import SUGGESTIONS
from assistant.intake.questions import is_real_question
from assistant.understanding.protocols import Decision, IntentRouter, Step, TurnSignals

__all__ = [
    "FORM_LABELS",
    "RESUME_BUTTONS",
    "RESUME_MIN_CONFIDENCE",
    "CueRouter",
    "button_decision",
    "decide",
    "is_resume_button",
]

FORM_LABELS = frozenset({"confirm", "deny", "correct", "cancel", "question", "answer", "handoff"})
"""The router's labels a form acts on; any other label inside a form is read as an answer."""

# The confirmation card's buttons, in both languages: exact texts the channels send back.
_CONFIRM_BUTTONS = dict(
    zip(
        (*SUGGESTIONS["confirm"]["en"], *SUGGESTIONS["confirm"]["fr"]),
        ("confirm", "deny", "cancel") * 2,
        strict=True,
    )
)
# Telegram and terminal commands that end a form, whatever the step.
_COMMANDS = {"/cancel": "cancel", "/annuler": "cancel"}
# The chip offered beside a paused form: it takes the form up where it stopped.
RESUME_BUTTONS = {"en": "Continue my request", "fr": "Reprendre ma demande"}
_RESUME = dict.fromkeys(RESUME_BUTTONS.values(), "resume")
_BUTTONS = {
    fold(text).strip(): label
    for text, label in {**_CONFIRM_BUTTONS, **_COMMANDS, **_RESUME}.items()
}
# The router's "start a form" labels, said inside that form ("continue my offer"), take it up again;
# said of the other kind ("I'm a student, actually") they are told one form is open ("switch").
_STARTS = frozenset({"start_employer", "start_student"})
# Inside a form a start label must be this sure: an answer that merely sounds like an opener
# ("2 co-op students next fall") is an answer, and reading it as "continue" would drop its value.
RESUME_MIN_CONFIDENCE = 0.6
_CLAUSE = re.compile(r"[,;.!]+\s*")
_SHORT_NO = 3  # a "no" this short at the summary says "not yet", not a sentence about something


def is_resume_button(text: str) -> bool:
    """Say whether the message is the "Continue my request" chip (in either language)."""
    return _BUTTONS.get(fold(text).strip()) == "resume"


def button_decision(text: str, step: Step) -> Decision | None:
    """Return the decision for one of the form's own buttons or commands, or None.

    "Yes, submit" only confirms at the summary; asked for a field, it is an answer like any other.
    """
    label = _BUTTONS.get(fold(text).strip())
    if label is None or (label in ("confirm", "deny") and step != "confirming"):
        return None
    return Decision(label, 1.0, "rule:button")


class CueRouter:
    """Decide a form step from the intake's cue functions (the default until the learned router)."""

    def route(self, text: str, signals: TurnSignals) -> Decision:
        """Return confirm / deny / correct / cancel / question / answer for `text` at its step."""
        if is_cancel(text) or is_delete_request(text):
            return Decision("cancel", 0.9, "rule:cue")
        if signals.step == "confirming":
            return self._at_summary(text)
        if is_real_question(text):
            return Decision("question", 0.8, "rule:cue")
        if has_correction_cue(text):
            return Decision("correct", 0.6, "rule:cue")
        if is_confirmation(text):
            return Decision("confirm", 0.8, "rule:cue")
        words = text.split()
        if parse_yes_no(text) is False and len(words) <= _SHORT_NO:
            return Decision("deny", 0.7, "rule:cue")
        return Decision("answer", 0.6, "rule:cue")

    @staticmethod
    def _at_summary(text: str) -> Decision:
        clauses = [c for c in _CLAUSE.split(text.strip()) if c.strip()]
        first = clauses[0] if clauses else text
        # "Looks good, submit it", "Oui, tout est exact.": a yes that opens the message approves
        # it, unless a later part asks to change something.
        approves = is_confirmation(text) or is_confirmation(first) or parse_yes_no(first) is True
        if approves and not has_correction_cue(text) and not is_real_question(text):
            return Decision("confirm", 0.75, "rule:cue")
        if has_correction_cue(text):
            return Decision("correct", 0.7, "rule:cue")
        if is_real_question(text):
            return Decision("question", 0.7, "rule:cue")
        if parse_yes_no(text) is False and len(text.split()) <= _SHORT_NO:
            return Decision("deny", 0.7, "rule:cue")
        # Anything else said at the summary is a change to it ("Description: ...").
        return Decision("correct", 0.5, "rule:cue")


def decide(
    router: IntentRouter | None,
    text: str,
    *,
    step: Step,
    locale: str,
    kind: str,
    asked_field: str | None,
) -> Decision:
    """Return what the message does at this step: the button fast path, else the router's decision."""
    button = button_decision(text, step)
    if button is not None:
        return button
    signals = TurnSignals(locale=locale, step=step, asked_field=asked_field, form_kind=kind)
    decision = (router or CueRouter()).route(text, signals)
    if decision.label in _STARTS:
        if step != "idle" and decision.confidence < RESUME_MIN_CONFIDENCE:
            return Decision("answer", decision.confidence, decision.source, decision.detail)
        same = decision.label == f"start_{kind}"
        label = "resume" if same else "switch"
        return Decision(label, decision.confidence, decision.source, decision.detail)
    if decision.label not in FORM_LABELS:
        # A start or small-talk label inside a form: the person is answering (or saying hi).
        return Decision("answer", decision.confidence, decision.source, decision.detail)
    return decision
