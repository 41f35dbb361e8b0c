"""The conversation's state, typed: mode, pending yes/no, streaks, the open form, the ticket.

It is stored as JSON on the conversation row (`conversations.state`, with `mode` beside it), so
any worker can serve any turn. `ConversationState.load` reads what is stored (unknown keys are kept
untouched for the modules that own them); `name` says which of the named states below the
conversation is in, and `step` what the intent router is told (`TurnSignals.step`).

The named states are in `STATES` (one row each: where it is, what a message does there, where it
goes next) and drawn in `states.mmd` beside this file; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.understanding.protocols import Step, TurnSignals

Mode = Literal["qa", "intake", "handoff"]
Pending = Literal["delete", "offer_handoff"]
StateName = Literal[
    "answering",
    "asking_yes_no",
    "form_asking",
    "form_confirming",
    "form_paused",
    "with_liaison",
]


@dataclass(frozen=True)
class StateRow:
    """One named state: how to recognise it, what a message does there, where it goes next."""

    name: StateName
    mode: Mode
    holds: str
    message: str
    next: tuple[StateName, ...]


STATES: tuple[StateRow, ...] = (
    StateRow(
        "answering",
        "qa",
        "nothing open",
        "answered from the guides; may start a form, ask for a person, or ask to delete data",
        ("answering", "asking_yes_no", "form_asking", "with_liaison"),
    ),
    StateRow(
        "asking_yes_no",
        "qa",
        "pending = delete | offer_handoff",
        "a yes or no answers it; anything else is routed as in answering",
        ("answering", "with_liaison"),
    ),
    StateRow(
        "form_asking",
        "intake",
        "intake.status = collecting, intake.asking = the field asked",
        "answer (only to the field asked or one it names), correction, question (answered, "
        'then the same field again), cancel (nothing kept), "continue my offer" (the same '
        "field again), the other kind of form (told this one is open, kept)",
        ("form_asking", "form_confirming", "answering", "with_liaison"),
    ),
    StateRow(
        "form_confirming",
        "intake",
        "intake.status = confirming (the summary card is shown)",
        "confirm submits; deny asks what to change; a correction shows the summary again",
        ("form_confirming", "form_asking", "answering", "with_liaison"),
    ),
    StateRow(
        "with_liaison",
        "handoff",
        "handoff_id = the open ticket (an open form stays in intake)",
        "relayed to the liaison; the bot stays quiet once the ticket is claimed",
        ("answering", "form_paused"),
    ),
    StateRow(
        "form_paused",
        "qa",
        "an open form in intake after its ticket was resolved",
        "the next message takes the form up where it stopped (its question again)",
        ("form_asking", "form_confirming"),
    ),
)


class ConversationState(BaseModel):
    """What a later turn needs to know, with the keys other modules own kept as they are."""

    model_config = ConfigDict(extra="allow")

    mode: Mode = "qa"
    pending: Pending | None = None
    decline_streak: int = Field(default=0, ge=0)
    intake: dict[str, Any] | None = None
    handoff_id: str | None = None

    @classmethod
    def load(cls, mode: str | None, stored: dict[str, Any] | None) -> ConversationState:
        """Read the stored mode and state JSON (an unknown mode or pending value is dropped)."""
        data = dict(stored or {})
        if data.get("pending") not in (None, "delete", "offer_handoff"):
            data.pop("pending")
        return cls.model_validate(
            {**data, "mode": mode if mode in ("qa", "intake", "handoff") else "qa"}
        )

    def dump(self) -> dict[str, Any]:
        """Return the JSON stored in `conversations.state` (mode has its own column)."""
        return self.model_dump(mode="json", exclude={"mode"}, exclude_none=True)

    @property
    def form_open(self) -> bool:
        """Say whether a form is in progress (collecting or confirming)."""
        return bool(self.intake) and (self.intake or {}).get("status") in (
            "collecting",
            "confirming",
        )

    @property
    def name(self) -> StateName:
        """Return the named state (a row of `STATES`)."""
        if self.mode == "handoff":
            return "with_liaison"
        if self.form_open:
            confirming = (self.intake or {}).get("status") == "confirming"
            if self.mode == "intake":
                return "form_confirming" if confirming else "form_asking"
            return "form_paused"
        if self.pending is not None:
            return "asking_yes_no"
        return "answering"

    @property
    def step(self) -> Step:
        """Return where the conversation stands, as the intent router is told."""
        name = self.name
        if name == "form_confirming":
            return "confirming"
        if name == "form_asking":
            return "asked_field"
        if name == "asking_yes_no":
            return "yes_no"
        return "idle"

    def signals(self, locale: str, previous: tuple[str, ...] = ()) -> TurnSignals:
        """Return the signals for the intent router and the handoff detector."""
        form = self.intake or {}
        return TurnSignals(
            locale=locale,
            step=self.step,
            asked_field=form.get("asking") if self.step == "asked_field" else None,
            form_kind=form.get("kind") if self.form_open else None,
            previous_user_texts=() if self.form_open else previous,
            decline_streak=self.decline_streak,
        )
