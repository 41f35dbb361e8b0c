"""The conversation's decisions as protocols: what the engine asks, not how it is answered.

Each decision is built once in the runtime (a small model trained from `data/`, plus exact rules as
named overrides) and injected into the engine; tests hand in small fakes. Swapping in an LLM-backed
router or another reranker is one line in `assistant.runtime`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:  # retrieval's types import this module: named for type checkers only
    from assistant.retrieval.institutions import InstitutionRegistry
    from assistant.retrieval.search import Passage, RetrievalResult

IntentLabel = Literal[
    "question",
    "start_employer",
    "start_student",
    "confirm",
    "deny",
    "correct",
    "cancel",
    "handoff",
    "small_talk",
    "delete_data",
    "answer",
]
"""What a message asks the assistant to do. `answer` only arises inside a form (it answers the
question just asked); `small_talk` carries its kind (greeting, thanks, goodbye) in `Decision.detail`."""

INTENT_LABELS: tuple[IntentLabel, ...] = (
    "question",
    "start_employer",
    "start_student",
    "confirm",
    "deny",
    "correct",
    "cancel",
    "handoff",
    "small_talk",
    "delete_data",
    "answer",
)

Step = Literal["idle", "asked_field", "confirming", "yes_no"]
"""Where the conversation stands when the message arrives: nothing open, a form question asked,
the form's summary shown (submit or change?), or a plain yes/no question asked."""


@dataclass(frozen=True)
class Decision:
    """A decision with its confidence (0..1) and what made it (`model` or `rule:<name>`)."""

    label: str
    confidence: float
    source: str = "model"
    detail: str | None = None
    alternatives: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class TurnSignals:
    """What the decisions may know about the conversation besides the message itself."""

    locale: str = "en"
    step: Step = "idle"
    asked_field: str | None = None
    form_kind: str | None = None
    previous_user_texts: Sequence[str] = ()
    decline_streak: int = 0


@runtime_checkable
class IntentRouter(Protocol):
    """Decide what a message asks for."""

    def route(self, text: str, signals: TurnSignals) -> Decision:
        """Return the intent of `text` given where the conversation stands.

        Args:
            text: the person's message, as typed.
            signals: the conversation's step, language and recent messages.

        Returns:
            A `Decision` whose label is one of `INTENT_LABELS`.
        """
        ...


@runtime_checkable
class HandoffDetector(Protocol):
    """Decide whether a message needs a person, and why."""

    def detect(self, text: str, signals: TurnSignals) -> Decision:
        """Return the handoff reason (`none` when no person is needed) with its confidence.

        Args:
            text: the person's message.
            signals: language, earlier messages and how many answers in a row were declined.

        Returns:
            A `Decision` whose label is `none` or a reason from `assistant.handoff.REASONS`.
        """
        ...


@dataclass
class Extracted:
    """Field values found in one message, and how each was found.

    `sources` says how (it decides where a value may go): `asked` answers the question just asked;
    `named` follows the field's name ("email: ...") or is the field the message gives by the
    learned decision; `pattern` carries its own unit or shape (an email, "12 people"); `whole` is
    a short message that is nothing but another field's value; `vocab` is a vocabulary word found
    inside a longer message. `errors` says why an attempted field was not understood; `adding`
    names list fields the message adds to rather than replaces; `target` is the decision of which
    field the message's own words give (None when no model was asked).
    """

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    adding: set[str] = field(default_factory=set)
    target: Decision | None = None


@runtime_checkable
class FieldExtractor(Protocol):
    """Find a form's field values in one message."""

    def extract(
        self,
        kind: str,
        text: str,
        *,
        asked: str | None,
        known: dict[str, Any],
        today: date,
        locale: str,
        correcting: bool | None = None,
    ) -> Extracted:
        """Return the values the message gives for an intake of `kind`.

        Args:
            kind: `employer` or `student`.
            text: the person's message.
            asked: the field the assistant just asked for, if any.
            known: values already in the draft.
            today: the date relative terms ("next summer") are read against.
            locale: `en` or `fr`.
            correcting: the message corrects the form (the router's decision); None lets the
                message's own wording decide.

        Returns:
            The values with how each was found, the fields attempted and not understood, and
            which field the message's own words give.
        """
        ...


class Candidate(Protocol):
    """One retrieved passage as a reranker sees it."""

    key: str
    lang: str
    audience: str
    institution: str | None
    score: float


@runtime_checkable
class Retriever(Protocol):
    """Find the knowledge sections that answer a question (`assistant.retrieval.HybridRetriever`
    is the default; answering, follow-ups and the engine all take this one protocol)."""

    def search(
        self,
        query: str,
        lang: str,
        audience: str | None = None,
        institution: str | None = None,
        k: int = 5,
        *,
        signals: TurnSignals | None = None,
    ) -> RetrievalResult:
        """Return the ranked sections for a standalone question.

        Args:
            query: the standalone question (a follow-up already rewritten).
            lang: the reply's language (`en` or `fr`).
            audience: a hard filter on the pages' audience (None: all pages).
            institution: a hard filter on one institution's pages plus the general ones.
            k: how many sections to return.
            signals: what the conversation knows (audience, institutions), weighed softly.

        Returns:
            The passages best first, whether any is relevant, and the fitted probability that
            the best one answers (`confidence`, `confident`).
        """
        ...

    def passage(self, key: str, lang: str) -> Passage | None:
        """Return the passage stored under a section key, in `lang` when it exists."""
        ...

    def weight(self, token: str) -> float:
        """Return how much a word tells sections apart (for picking sentences)."""
        ...

    def institutions(self) -> InstitutionRegistry:
        """Return the institution registry read from the knowledge."""
        ...


@runtime_checkable
class Reranker(Protocol):
    """Order fused retrieval candidates for one question."""

    def rerank(self, question: str, candidates: Sequence[Any], signals: TurnSignals) -> list[Any]:
        """Return the candidates best first, each with its reranked `score`."""
        ...
