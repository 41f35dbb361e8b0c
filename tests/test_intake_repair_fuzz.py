"""Whatever the router decides and whatever is typed, a form never fails and never loses a value.

Random decisions (a router that may say anything, including labels a form does not expect) and
messages drawn from every kind of answer, correction, number, button and noise: each turn returns
a step, a filled field only changes when the message gave a value, and a submission always has
the person's consent.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from assistant.intake import continue_intake, start_intake
from assistant.understanding.protocols import INTENT_LABELS, Decision, TurnSignals

TODAY = date(2026, 12, 7)
MESSAGES = [
    "yes", "no", "oui", "non", "Yes, submit", "Change something", "Cancel", "Oui, envoyer",
    "Continue my request", "make it 30", "mettez 8", "12", "Students", "Length (months)",
    "actually 3 students", "the email is jo@x.ca", "Programs: business", "Description: stuff",
    "?", "...", "do we have to pay them?", "Prairie Robotics", "Calgary", "hybrid", "next summer",
    "yes $22/h", "403 555 0199", "🙂", "<b>x</b>", "a" * 300, "non merci", "I don't know",
    "can we make it summer instead of fall?", "oops", "skip", "none", "25 people", "co-op",
]  # fmt: skip
STEPS = 60


class RandomRouter:
    """Say anything the router could say, at random."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def route(self, text: str, signals: TurnSignals) -> Decision:
        return Decision(self.rng.choice([*INTENT_LABELS, "nonsense"]), self.rng.random(), "fuzz")


@pytest.mark.parametrize("seed", range(12))
def test_random_turns_never_fail_and_never_submit_without_consent(seed: int) -> None:
    rng = random.Random(seed)
    kind = "employer" if seed % 2 == 0 else "student"
    locale = "fr" if seed % 3 == 0 else "en"
    step = start_intake(kind, rng.choice(MESSAGES), locale=locale, today=TODAY)
    router = RandomRouter(rng) if seed % 4 else None
    for _ in range(STEPS):
        if step.state.status in ("submitted", "cancelled"):
            step = start_intake(kind, rng.choice(MESSAGES), locale=locale, today=TODAY)
        before = dict(step.state.fields)
        text = rng.choice(MESSAGES)
        step = continue_intake(step.state, text, locale=locale, today=TODAY, router=router)
        assert step.reply or step.outcome == "question"
        if step.outcome == "submitted":
            assert step.state.fields.get("consent_to_share") is True
            assert step.state.fields == before  # a submission never changes what was shown
        elif step.outcome != "cancelled":
            lost = [k for k in before if step.state.fields.get(k) is None]
            assert lost == [], (text, lost)
