"""Intake turns: start and continue a form, answer questions asked mid-form, store and announce submissions."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from assistant import replies
from assistant.answering import Answer, Citation, citation_for, find_passage
from assistant.config import Settings
from assistant.conversation.state import ConversationState
from assistant.errors import ConflictError
from assistant.events import LIAISON_TOPIC, EventBus, Outbound, conversation_topic
from assistant.intake_store import (
    close_conversation_draft,
    discard_draft,
    get_intake,
    latest_user_message,
    save_draft,
    store_conversation_draft,
    submit_intake,
)
from assistant.llm_extract import LLMExtract
from assistant.plan import Plan
from assistant.store.db import Database
from assistant.understanding.protocols import FieldExtractor, IntentRouter

logger = logging.getLogger(__name__)

AnswerFn = Callable[[str], Awaitable[Answer]]
# Channels that read the conversation's event stream; the others are pushed to (Telegram).
STREAMED = frozenset({"web", "api", "cli"})
Clock = Callable[[], datetime]


def _intake_api() -> Any:
    import assistant.intake as intake

    return intake


def _opener_asks(text: str) -> bool:
    """Say whether the message that opens an intake also asks a question ("do we have to pay them?")."""
    try:
        from assistant.intake.questions import is_real_question
    except ImportError:  # pragma: no cover - questions ship with the intake package
        return False
    return bool(is_real_question(text))


def _display(spec: Any, value: Any, locale: str) -> str:
    try:
        from assistant.intake.messages import format_value
    except ImportError:  # pragma: no cover - messages ship with the intake package
        return str(value)
    return str(format_value(spec, value, locale))


def intake_summary(kind: str, fields: dict[str, Any], locale: str) -> list[dict[str, str]]:
    """Return the filled fields in form order as rows {field, label, value}, localised for display."""
    rows: list[dict[str, str]] = []
    for name, spec in _intake_api().fields_for(kind).items():
        value = fields.get(name)
        if value is None:
            continue
        rows.append(
            {
                "field": name,
                "label": spec.text("label", locale),
                "value": _display(spec, value, locale),
            }
        )
    return rows


def public_intake(intake: dict[str, Any], locale: str) -> dict[str, Any]:
    """Return the intake as a turn shows it: the contract fields plus a localised `summary`."""
    keys = ("id", "kind", "status", "fields", "missing", "asking", "sources", "review")
    public = {k: intake.get(k) for k in keys}
    fields = {k: v for k, v in (public["fields"] or {}).items() if v is not None}
    public["fields"] = fields
    public["sources"] = {k: v for k, v in (public["sources"] or {}).items() if k in fields}
    public["review"] = bool(public["review"])
    try:
        public["summary"] = intake_summary(str(public["kind"]), fields, locale)
    except (ImportError, KeyError):
        logger.debug("no intake summary for %s", public["kind"], exc_info=True)
    return public


def confirmation_card(intake: dict[str, Any] | None) -> str:
    """Return the form's summary as text lines, for channels without cards (Telegram, terminal).

    Empty unless this turn presents the summary for review (the turn's text is then one line);
    a later turn at the same step ("what would you like to change?") does not repeat it.
    """
    if not intake or intake.get("status") != "confirming" or not intake.get("review"):
        return ""
    return "\n".join(f"• {row['label']}: {row['value']}" for row in intake.get("summary") or [])


def paused_intake(state: dict[str, Any]) -> bool:
    """Say whether the conversation holds a form left open (by a handoff, or a closed window)."""
    return ConversationState.load("qa", state).name == "form_paused"


def resume_button(locale: str) -> str:
    """Return the "Continue my request" chip in the locale's language."""
    from assistant.intake.repair import RESUME_BUTTONS

    return RESUME_BUTTONS[replies.lang_of(locale)]


def is_resume_button(text: str) -> bool:
    """Say whether the message is the "Continue my request" chip (False without the intake flow)."""
    try:
        from assistant.intake.repair import is_resume_button as is_button
    except ImportError:  # pragma: no cover - repair ships with the intake package
        return False
    return is_button(text)


def intake_available() -> bool:
    """Return True when the intake flow is installed."""
    try:
        _intake_api()
    except ImportError:
        return False
    return True


class IntakeDialogue:
    """Drive the intake flow for the engine and persist its drafts and submissions."""

    def __init__(
        self,
        *,
        settings: Settings,
        db: Database,
        bus: EventBus,
        notifier: Any = None,
        retriever: Any = None,
        llm_extract: LLMExtract | None = None,
        router: IntentRouter | None = None,
        extractor: FieldExtractor | None = None,
        outbound: Outbound | None = None,
        clock: Clock,
    ) -> None:
        self.settings = settings
        # Reads each message's field values (None: the intake's default, trained from data).
        self.extractor = extractor
        # Decides confirm / deny / correct / cancel at each step; None uses the cue adapter.
        self.router = router
        # Reaches a person on a push channel (Telegram) when a liaison submits their draft.
        self.outbound = outbound
        self.db = db
        self.bus = bus
        self.notifier = notifier
        self.retriever = retriever
        self.llm_extract = llm_extract
        self.clock = clock

    async def _run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        # LLM extraction blocks on the network: keep it off the event loop.
        if self.llm_extract is not None:
            return await asyncio.to_thread(fn, *args, **kwargs)
        return fn(*args, **kwargs)

    def _today(self) -> Any:
        return self.clock().astimezone(self.settings.tz).date()

    async def start(
        self,
        conversation_id: str,
        kind: str,
        text: str,
        locale: str,
        answer: AnswerFn | None = None,
    ) -> Plan:
        """Open an intake from the message that asked for it, filling what it already says.

        A question in that message ("...do we have to pay them?") is answered first, with its
        citations, before the first missing field is asked.
        """
        intake = _intake_api()
        step = await self._run(
            intake.start_intake,
            kind,
            text,
            locale=locale,
            today=self._today(),
            llm_extract=self.llm_extract,
            source=latest_user_message(self.db, conversation_id),
            extractor=self.extractor,
        )
        plan = await self._after_step(conversation_id, step, locale, answer=None, text=text)
        if answer is None or not _opener_asks(text) or step.outcome not in ("asking", "confirming"):
            return plan
        reply = await answer(text)
        if reply.status != "answered":
            return plan  # the intake goes on; the question is recorded as a knowledge gap
        plan.text = f"{reply.text}\n\n{plan.text}".strip()
        plan.citations = list(reply.citations)
        plan.meta = {"answer_status": reply.status, "composer": reply.composer}
        return plan

    async def proceed(
        self,
        conversation_id: str,
        state: dict[str, Any],
        text: str,
        locale: str,
        answer: AnswerFn,
        *,
        resumed: bool = False,
    ) -> Plan:
        """Take the next message of an intake in progress.

        `resumed` says the form was paused (a liaison held the conversation): a message that gives
        nothing for the form ("ok thanks") gets the pending question again, not a re-ask.
        """
        intake = _intake_api()
        current = intake.IntakeState.model_validate(state)
        try:
            step = await self._run(
                intake.continue_intake,
                current,
                text,
                locale=locale,
                today=self._today(),
                llm_extract=self.llm_extract,
                router=self.router,
                source=latest_user_message(self.db, conversation_id),
                paused=resumed,
                extractor=self.extractor,
            )
        except intake.IntakeClosedError:
            return Plan(text="", mode="qa", state={"intake": None})
        if (
            resumed
            and step.outcome in ("asking", "confirming")
            and step.state.fields == current.fields
        ):
            step = intake.resume_step(current, locale)
        return await self._after_step(conversation_id, step, locale, answer=answer, text=text)

    async def _after_step(
        self, conversation_id: str, step: Any, locale: str, *, answer: AnswerFn | None, text: str
    ) -> Plan:
        intake = _intake_api()
        state = step.state
        if step.outcome in ("cancelled", "consent_refused"):
            discard_draft(self.db, state.id)
            return Plan(
                text=step.reply,
                suggestions=list(step.suggestions),
                mode="qa",
                state={"intake": None},
                intake=state.public(),
            )
        if step.outcome == "submitted":
            return await self._submitted(conversation_id, step, locale)
        state.id = save_draft(self.db, conversation_id, state.public())
        plan = Plan(
            text=step.reply,
            suggestions=list(step.suggestions),
            mode="intake",
            state={"intake": state.model_dump(mode="json")},
            intake={**state.public(), "review": step.review},
        )
        if step.outcome == "question" and answer is not None:
            reply = await answer(text)
            resume = intake.resume_prompt(state, locale) or step.reply
            plan.text = f"{reply.text}\n\n{resume}".strip()
            plan.citations = list(reply.citations)
            plan.meta = {"answer_status": reply.status, "composer": reply.composer}
        return plan

    async def _submitted(self, conversation_id: str, step: Any, locale: str) -> Plan:
        intake = _intake_api()
        state = step.state
        public = state.public()
        routed = list(intake.route_intake(state.kind, state.fields))
        stored = submit_intake(self.db, conversation_id, public, routed)
        await self._announce(stored)
        public = {**public, "id": stored["id"], "status": "submitted"}
        text = (
            step.reply
            + " "
            + replies.text(
                "submitted_next",
                locale,
                ref=stored["id"][:8].upper(),
                when=self._next_review(locale),
            )
        )
        citations: list[Citation] = []
        if state.kind == "student":
            guidance = list(step.guidance) or list(intake.prescreen(state.fields, locale))
            lines, citations = self._guidance(guidance, locale)
            if lines:
                text += "\n\n" + replies.text("prescreen_intro", locale) + "\n" + "\n".join(lines)
        return Plan(
            text=text,
            suggestions=replies.suggestions("after_submit", locale),
            citations=citations,
            mode="qa",
            state={"intake": None},
            intake=public,
            meta={"intake_id": stored["id"]},
        )

    def _guidance(self, guidance: list[Any], locale: str) -> tuple[list[str], list[Citation]]:
        lines: list[str] = []
        citations: list[Citation] = []
        keys: list[str] = []
        for item in guidance:
            passage = find_passage(self.retriever, item.source_key, locale)
            if passage is None:
                lines.append(f"• {item.text}")
                continue
            if item.source_key not in keys:
                keys.append(item.source_key)
                citations.append(citation_for(passage))
            lines.append(f"• {item.text} [{keys.index(item.source_key) + 1}]")
        return lines, citations

    def _next_review(self, locale: str) -> str:
        try:
            from assistant.handoff.hours import BusinessHours
        except ImportError:  # pragma: no cover - handoff ships with the package
            return replies.text("soon", locale)
        hours = BusinessHours.from_settings(self.settings)
        now = self.clock()
        if hours.is_open(now):
            return "now" if replies.lang_of(locale) == "en" else "dès maintenant"
        return hours.describe_next_opening(now, locale)

    async def _announce(self, stored: dict[str, Any]) -> None:
        """Tell liaisons: the notifier (email/staff chat) and the console's event stream."""
        if self.notifier is not None:
            try:
                await self.notifier.intake_submitted(stored)
            except Exception:
                logger.exception("intake notification failed for %s", stored["id"])
        await self.bus.publish(
            LIAISON_TOPIC, {"type": "intake_submitted", "id": stored["id"], "data": stored}
        )

    def absorb(self, conversation_id: str, state: dict[str, Any], text: str, locale: str) -> None:
        """Keep the form values a person gives a liaison (the form resumes with them)."""
        intake = _intake_api()
        current = intake.IntakeState.model_validate(state)
        updated = intake.absorb(
            current,
            text,
            locale=locale,
            today=self._today(),
            source=latest_user_message(self.db, conversation_id),
            extractor=self.extractor,
        )
        if updated is None:
            return
        save_draft(self.db, conversation_id, updated.public())
        store_conversation_draft(self.db, conversation_id, updated.model_dump(mode="json"))

    def resume_text(self, state: dict[str, Any], locale: str) -> tuple[str, list[str]]:
        """Return the paused form's pending question ("Back to your request: ...") and its chips."""
        intake = _intake_api()
        step = intake.resume_step(intake.IntakeState.model_validate(state), locale)
        return step.reply, list(step.suggestions)

    async def submit_draft(self, intake_id: str, liaison_id: int) -> dict[str, Any]:
        """Submit a draft on the person's behalf, once they consented and nothing required is missing.

        The liaison and the time are recorded; the person's conversation leaves the form and is
        told, in its language, with the reference; liaisons are told as for any submission.
        """
        intake = _intake_api()
        draft = get_intake(self.db, intake_id)
        if draft["status"] == "submitted":
            raise ConflictError("this intake is already submitted")
        fields = draft["fields"]
        if fields.get("consent_to_share") is not True:
            raise ConflictError("the person has not consented to share these details")
        missing = [
            name
            for name, spec in intake.fields_for(draft["kind"]).items()
            if spec.required and fields.get(name) is None
        ]
        if missing:
            raise ConflictError("required fields are missing: " + ", ".join(missing))
        routed = list(intake.route_intake(draft["kind"], fields))
        stored = submit_intake(
            self.db, draft["conversation_id"], draft, routed, submitted_by=liaison_id
        )
        await self._announce(stored)
        from assistant.intake.messages import say

        locale = self._locale_of(draft["conversation_id"])
        text = say("submitted_by_liaison", locale, ref=stored["id"][:8].upper())
        told = close_conversation_draft(self.db, intake_id, text)
        if told is not None:
            event = {"type": "message", "id": told["message"]["id"], "data": told["message"]}
            await self.bus.publish(conversation_topic(told["conversation_id"]), event)
            if told["channel"] not in STREAMED and self.outbound is not None:
                await self.outbound.deliver(told["channel"], told["conversation_id"], event)
        return stored

    def _locale_of(self, conversation_id: str | None) -> str:
        from assistant.store.models import Conversation

        with self.db.session() as s:
            conv = s.get(Conversation, conversation_id) if conversation_id else None
            return conv.locale if conv is not None else "en"
