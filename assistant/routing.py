"""Decide what a message is: a question, intake, a request for a person, small talk, cancel, deletion.

The decisions are made by the injected `IntentRouter` and `HandoffDetector` (trained from
`assistant/understanding/data/`); this module only orders them. Exact rules live with the models
(`assistant.understanding.models`) or in the guardrails (prompt injection).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from assistant.guardrails import is_injection
from assistant.handoff.detect import SENSITIVE
from assistant.understanding.protocols import (
    Decision,
    HandoffDetector,
    IntentRouter,
    Step,
    TurnSignals,
)

logger = logging.getLogger(__name__)

IntentName = Literal[
    "confirm_delete",
    "handoff_offer_refused",
    "injection",
    "delete_data",
    "handoff",
    "cancel",
    "greeting",
    "thanks",
    "goodbye",
    "intake_start",
    "intake_continue",
    "question",
]

# Below this confidence, an idle message the router would turn into a form is answered as a
# question instead: starting a form by mistake costs the person more than an answer does.
START_FORM_MIN_CONFIDENCE = 0.6
# A yes that erases the person's data must be at least this sure; below it the question stands.
DELETE_MIN_CONFIDENCE = 0.8
# Offering to erase everything is itself a risk: a person who meant "send it" and sees "Delete
# them? (yes/no)" may answer yes. Read as open conversation (as `deletion_intent` reads every
# message), every deletion request of blind sets 3-9 was read at >= 0.8; a long "yes, send it
# through" during a handoff was read at 0.6 (blind dialogs set 4).
DELETE_REQUEST_MIN_CONFIDENCE = 0.75
# Inside a form, a sensitive reason this sure hands off even when the router reads form talk
# (0.6 chosen by leaving each blind set out in turn: recall 0.963 -> 0.979, precision unchanged).
SENSITIVE_IN_FORM_MIN_CONFIDENCE = 0.6
# When the question wins but a form is this likely, the answer ends by asking whether the person
# wants the form (a clarifying question with a button) rather than guessing either way.
OFFER_FORM_MIN_PROBABILITY = 0.2


@dataclass(frozen=True)
class Intent:
    """What the engine should do with a message, and its detail (handoff reason, intake kind, yes/no)."""

    name: IntentName
    detail: str | None = None
    confidence: float = 1.0


def _signals(
    step: Step, locale: str, previous: Sequence[str] = (), decline_streak: int = 0
) -> TurnSignals:
    return TurnSignals(
        locale=locale, step=step, previous_user_texts=tuple(previous), decline_streak=decline_streak
    )


def yes_no(router: IntentRouter, text: str, locale: str, *, min_yes: float = 0.0) -> bool | None:
    """Return True/False when the message answers a plain yes/no question, None otherwise.

    `min_yes` is the confidence a yes needs: erasing someone's data asks for a sure one.
    """
    decision = router.route(text, _signals("yes_no", locale))
    if decision.label == "confirm":
        return True if decision.confidence >= min_yes else None
    if decision.label == "deny":
        return False
    return None


def deletion_intent(
    router: IntentRouter, text: str, pending: str | None, locale: str = "en"
) -> Intent | None:
    """Return the deletion step the message asks for (a request, or the answer to "delete?"), if any.

    Checked in every mode: a person can erase their data even while a liaison holds the conversation.
    """
    if pending == "delete":
        answer = yes_no(router, text, locale, min_yes=DELETE_MIN_CONFIDENCE)
        if answer is not None:
            return Intent("confirm_delete", "yes" if answer else "no")
    decision = router.route(text, _signals("idle", locale))
    if (
        decision.label == "delete_data"
        and decision.confidence >= DELETE_REQUEST_MIN_CONFIDENCE
        and not is_injection(text)
    ):
        return Intent("delete_data", confidence=decision.confidence)
    return None


def wants_to_cancel(router: IntentRouter, text: str, locale: str) -> bool:
    """Return True when the whole message asks to stop ("cancel", "annuler", "never mind")."""
    return router.route(text, _signals("idle", locale)).label == "cancel"


def decide(
    router: IntentRouter, detector: HandoffDetector, text: str, signals: TurnSignals
) -> tuple[Decision, Decision | None]:
    """Return the intent and, when a person is needed, the handoff decision (else None).

    In open conversation the detector's reason wins: a sensitive report must reach a person even
    when it reads like a question. Inside a form the router was trained on what people say there
    (confirmations, corrections, cancellations) and the detector was not, so the detector wins
    only when it is at least as sure as the router, or sure of a sensitive reason.
    """
    decision = router.route(text, signals)
    reason = detector.detect(text, signals)
    if reason.label in ("none", "declined_twice"):
        reason_wins = False
    elif decision.label == "delete_data":
        # Erasure is asked to be confirmed anyway; a person is brought in instead only when the
        # detector is surer than the router ("useless bot, third time" is not a deletion request).
        reason_wins = reason.confidence > decision.confidence
    elif signals.step == "idle" or decision.label == "handoff":
        reason_wins = True
    else:
        reason_wins = reason.confidence >= decision.confidence or (
            reason.label in SENSITIVE and reason.confidence >= SENSITIVE_IN_FORM_MIN_CONFIDENCE
        )
    if reason_wins:
        return decision, reason
    if decision.label == "handoff":
        return decision, Decision("requested", decision.confidence, decision.source)
    return decision, None


def route(
    text: str,
    *,
    router: IntentRouter,
    detector: HandoffDetector,
    mode: str,
    locale: str,
    pending: str | None = None,
    previous_user_texts: list[str] | None = None,
    decline_streak: int = 0,
    form_step: Step | None = None,
) -> Intent:
    """Classify one message in qa or intake mode (handoff mode is relayed, not routed).

    Two declines in a row are handled by the engine (an offer, then a ticket on "yes" or on a
    third decline), so a new question after two declines is still answered.
    """
    if pending == "delete":
        answer = yes_no(router, text, locale, min_yes=DELETE_MIN_CONFIDENCE)
        if answer is not None:
            return Intent("confirm_delete", "yes" if answer else "no")
    if pending == "offer_handoff":
        answer = yes_no(router, text, locale)
        if answer is True:
            return Intent("handoff", "declined_twice")
        if answer is False:
            return Intent("handoff_offer_refused")
    if is_injection(text):
        return Intent("injection")
    step: Step = (form_step or "asked_field") if mode == "intake" else "idle"
    signals = _signals(step, locale, previous_user_texts or [], decline_streak)
    decision, handoff = decide(router, detector, text, signals)
    logger.debug("intent %s (%.2f, %s)", decision.label, decision.confidence, decision.source)
    if handoff is not None:
        return Intent("handoff", handoff.label, handoff.confidence)
    if decision.label == "delete_data":
        # Read in the form's step, a deletion request competes with "an answer" and is read less
        # surely (0.55-0.8); erasure is asked to be confirmed before anything goes.
        return Intent("delete_data", confidence=decision.confidence)
    if mode == "intake":
        return Intent("intake_continue")
    if decision.label == "cancel":
        return Intent("cancel")
    if decision.label == "small_talk":
        kind = (
            decision.detail if decision.detail in ("greeting", "thanks", "goodbye") else "greeting"
        )
        return Intent(kind, confidence=decision.confidence)  # type: ignore[arg-type]
    if decision.label in ("start_employer", "start_student"):
        if decision.confidence >= START_FORM_MIN_CONFIDENCE:
            kind = decision.label.removeprefix("start_")
            return Intent("intake_start", kind, decision.confidence)
        return Intent("question", decision.label, decision.confidence)
    maybe_form = [
        label
        for label, p in decision.alternatives
        if label in ("start_employer", "start_student") and p >= OFFER_FORM_MIN_PROBABILITY
    ]
    return Intent("question", maybe_form[0] if maybe_form else None, decision.confidence)
