"""A form in progress: what is filled, what is asked, where it stands, and what one turn produced."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field

from assistant.intake.eligibility import Guidance
from assistant.intake.schemas import Kind, fields_for
from assistant.intake.status import IntakeStatus

Status = IntakeStatus
Outcome = Literal["asking", "confirming", "submitted", "cancelled", "question", "consent_refused"]
LlmExtract = Callable[[str, str, str | None, str], dict[str, Any]]
Source = dict[str, Any] | None

__all__ = ["IntakeClosedError", "IntakeState", "IntakeStep", "LlmExtract", "Outcome", "Source"]


class IntakeClosedError(ValueError):
    """Raised when a submitted or cancelled intake is continued."""


class IntakeState(BaseModel):
    """A draft intake: what is filled, what is being asked, and where it stands."""

    id: str | None = None
    kind: Kind
    status: Status = "collecting"
    fields: dict[str, Any] = Field(default_factory=dict)
    asking: str | None = None
    invalid: dict[str, str] = Field(default_factory=dict)
    asked: list[str] = Field(default_factory=list)
    # Where each value came from: the message's text and, when the dialogue knows them, its id,
    # time and who gave it (the person, or a liaison completing the draft).
    sources: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # A value that fits two fields, waiting for the person to say which: {value, fields, text}.
    clarify: dict[str, Any] | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def missing(self) -> list[str]:
        """Return required field names still empty, in asking order."""
        return [
            name
            for name, spec in fields_for(self.kind).items()
            if spec.required and self.fields.get(name) is None
        ]

    def public(self) -> dict[str, Any]:
        """Return the contract view: id, kind, status, filled fields, missing, asking."""
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "fields": {k: v for k, v in self.fields.items() if v is not None},
            "missing": self.missing,
            "asking": self.asking,
            "sources": {k: v for k, v in self.sources.items() if self.fields.get(k) is not None},
        }


class IntakeStep(BaseModel):
    """What one turn produced: the new state, what to say, quick replies and the outcome."""

    state: IntakeState
    reply: str
    suggestions: list[str] = Field(default_factory=list)
    outcome: Outcome
    guidance: list[Guidance] = Field(default_factory=list)
    # True when this turn presents the summary for review (the card is shown with this turn only).
    review: bool = False
