"""The brain's entry point: `Assistant.handle(conversation_id, text) -> Turn`.

Channels call this and render the Turn; they never decide what to say. Everything a later turn
needs (mode, language, intake draft, decline streak, pending yes/no, handoff id, the topic of the
last answer) is stored on the conversation, so any worker can serve any turn. Persistence lives in
`turn_store`, questions in `asking`, intakes in `intake_dialogue`, deletion in `erasure`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from assistant import replies
from assistant.answering import Answerer, Citation
from assistant.asking import Questions
from assistant.config import Settings
from assistant.conversation.state import ConversationState
from assistant.erasure import count_personal_data, delete_personal_data
from assistant.errors import ConflictError, UserInputError
from assistant.events import LIAISON_TOPIC, EventBus, Outbound
from assistant.guardrails import refusal
from assistant.handoff import texts
from assistant.handoff.detect import SENSITIVE
from assistant.intake.extractor import default_field_extractor
from assistant.intake_dialogue import (
    IntakeDialogue,
    intake_available,
    is_resume_button,
    paused_intake,
    resume_button,
)
from assistant.llm import ChatModel
from assistant.llm_extract import make_llm_extract
from assistant.plan import Plan
from assistant.replies import GREETINGS, START_SUGGESTIONS
from assistant.routing import deletion_intent, route, wants_to_cancel
from assistant.store.db import Database
from assistant.text_input import MAX_TEXT
from assistant.turn_store import (
    Mode,
    Turn,
    TurnContext,
    begin_turn,
    clear_pending,
    finish_turn,
    handoff_of,
    silent_turn,
)
from assistant.turn_stream import OnDelta, TurnStream
from assistant.understanding.models import default_handoff_detector, default_router
from assistant.understanding.protocols import (
    FieldExtractor,
    HandoffDetector,
    IntentRouter,
    Retriever,
    TurnSignals,
)

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]

__all__ = ["GREETINGS", "START_SUGGESTIONS", "Assistant", "Citation", "Mode", "OnDelta", "Turn"]


# Handoff reasons where a person must follow up; a question in the same message is still answered.
SENSITIVE_REASONS = SENSITIVE


def _safety_line(locale: str) -> str:
    """Return the "call 911 if in immediate danger" line that opens every safety reply."""
    return texts.say(texts.SAFETY_PREFACE, locale)


class Assistant:
    """The conversation engine shared by every channel."""

    def __init__(
        self,
        *,
        settings: Settings,
        db: Database,
        bus: EventBus,
        outbound: Outbound | None = None,
        retriever: Retriever | None = None,
        llm: ChatModel | None = None,
        handoffs: Any = None,
        notifier: Any = None,
        clock: Clock | None = None,
        router: IntentRouter | None = None,
        handoff_detector: HandoffDetector | None = None,
        field_extractor: FieldExtractor | None = None,
    ) -> None:
        self.settings = settings
        self.router: IntentRouter = router or default_router()
        self.detector: HandoffDetector = handoff_detector or default_handoff_detector()
        self.extractor: FieldExtractor = field_extractor or default_field_extractor()
        router = self.router
        self.db = db
        self.bus = bus
        self.outbound = outbound or Outbound()
        self.retriever = retriever
        self.llm = llm
        self.handoffs = handoffs
        self.notifier = notifier
        self.clock: Clock = clock or (lambda: datetime.now(UTC))
        self.answerer = Answerer(retriever, llm)
        self.questions = Questions(db, self.answerer)
        self.intakes = IntakeDialogue(
            settings=settings,
            db=db,
            bus=bus,
            notifier=notifier,
            retriever=retriever,
            llm_extract=make_llm_extract(llm) if llm is not None else None,
            router=router,
            extractor=self.extractor,
            outbound=self.outbound,
            clock=self.clock,
        )

    def greeting(self, locale: str) -> tuple[str, list[str]]:
        """Return the greeting and starter suggestions in the locale."""
        loc = replies.lang_of(locale)
        return GREETINGS[loc], list(START_SUGGESTIONS[loc])

    async def handle(
        self,
        conversation_id: str,
        text: str,
        *,
        on_delta: OnDelta | None = None,
        client_message_id: str | None = None,
    ) -> Turn:
        """Take one message from the person and return the assistant's turn.

        A retry (same `client_message_id`) returns the turn stored for it instead of a second copy.
        """
        text = text.strip()
        if not text:
            raise UserInputError("text must not be empty")
        if len(text) > MAX_TEXT:
            raise UserInputError(f"text must be at most {MAX_TEXT} characters")
        # The turn's database work runs in a thread: a commit (a round trip on PostgreSQL, an
        # fsync on SQLite) must not stall every other request this worker serves.
        ctx = await asyncio.to_thread(
            begin_turn,
            self.db,
            conversation_id,
            text,
            handoffs=self.handoffs is not None,
            client_message_id=client_message_id,
        )
        stream = TurnStream(on_delta)
        if ctx.replay is not None:
            await stream.finish(ctx.replay.text)
            return ctx.replay
        text = ctx.text
        plan: Plan | None
        if (
            ctx.mode == "handoff"
            and deletion_intent(self.router, text, ctx.state.get("pending"), ctx.locale) is None
        ):
            if ctx.state.get("pending"):
                await asyncio.to_thread(clear_pending, self.db, conversation_id)
            plan = await self._relay(ctx, stream)
            if plan is None:
                return await asyncio.to_thread(silent_turn, self.db, ctx)
        else:
            plan = await self._dispatch(ctx, stream)
        turn = await asyncio.to_thread(finish_turn, self.db, ctx, plan)
        await stream.finish(turn.text)
        return turn

    # -- steps -----------------------------------------------------------------------------

    async def _relay(self, ctx: TurnContext, stream: TurnStream) -> Plan | None:
        """Pass the message to the liaison side; acknowledge while waiting, stay quiet once claimed."""
        ticket = await asyncio.to_thread(handoff_of, self.db, ctx)
        if (
            ticket is not None
            and ticket.get("status") == "waiting"
            and (wants_to_cancel(self.router, ctx.text, ctx.locale) or is_resume_button(ctx.text))
        ):
            # Nobody has picked it up yet: the person may change their mind and return to the bot.
            text, suggestions = await self.handoffs.withdraw(ctx.conversation_id, locale=ctx.locale)
            mode: Mode = "qa"
            if intake_available() and paused_intake(ctx.state):
                # Back to the form the person left for a liaison, where it stopped.
                prompt, suggestions = self.intakes.resume_text(ctx.state["intake"], ctx.locale)
                text, mode = f"{text}\n\n{prompt}", "intake"
            return Plan(
                text=text,
                suggestions=suggestions or self.greeting(ctx.locale)[1],
                mode=mode,
                state={"handoff_id": None},
                handoff={"id": ticket.get("id"), "status": "resolved"},
            )
        try:
            handoff, ack = await self.handoffs.on_user_message(
                ctx.conversation_id, ctx.user_message
            )
        except ConflictError:
            # The ticket was resolved: the assistant answers again.
            ctx.mode = "qa"
            plan = await self._dispatch(ctx, stream)
            plan.mode = plan.mode or "qa"
            return plan
        if intake_available() and paused_intake(ctx.state):
            # A value given to the liaison ("Description: ...") goes into the form too.
            await asyncio.to_thread(
                self.intakes.absorb, ctx.conversation_id, ctx.state["intake"], ctx.text, ctx.locale
            )
        if ack is None:
            return None
        return Plan(text=ack, mode="handoff", handoff=handoff)

    async def _dispatch(self, ctx: TurnContext, stream: TurnStream) -> Plan:
        """Route the message and run the step it calls for."""
        # A form a handoff paused takes up again once the liaison has resolved the ticket.
        resumed = ctx.mode == "qa" and intake_available() and paused_intake(ctx.state)
        if resumed:
            ctx.mode = "intake"
        intent = route(
            ctx.text,
            router=self.router,
            detector=self.detector,
            mode=ctx.mode,
            locale=ctx.locale,
            pending=ctx.state.get("pending"),
            # Inside a form a repeated message is an answer given again (an email re-sent), not
            # frustration: only its wording may still ask for a person.
            previous_user_texts=[] if ctx.mode == "intake" else ctx.previous,
            decline_streak=int(ctx.state.get("decline_streak", 0)),
            form_step="confirming"
            if ConversationState.load(ctx.mode, ctx.state).name == "form_confirming"
            else "asked_field",
        )
        logger.debug("conversation %s: intent %s", ctx.conversation_id, intent.name)
        loc = ctx.locale
        name = intent.name
        if name == "confirm_delete":
            return await self._confirm_delete(ctx, intent.detail == "yes")
        if name == "handoff_offer_refused":
            return Plan(
                replies.text("offer_refused", loc),
                replies.suggestions("after_answer", loc),
                state={"decline_streak": 0},
            )
        if name == "injection":
            return Plan(
                refusal(loc), list(START_SUGGESTIONS[replies.lang_of(loc)]), meta={"refused": True}
            )
        if name == "delete_data":
            return await asyncio.to_thread(self._ask_delete, ctx)
        if name == "handoff":
            reason = intent.detail or "requested"
            if reason in SENSITIVE_REASONS and self._asks(ctx):
                return await self._answer_and_hand_off(ctx, stream, reason)
            return await self._open_handoff(ctx, reason)
        if name == "cancel":
            return Plan(
                replies.text("nothing_to_cancel", loc),
                list(START_SUGGESTIONS[replies.lang_of(loc)]),
            )
        if name in ("greeting", "thanks", "goodbye"):
            key = "greeting_again" if name == "greeting" else name
            return Plan(replies.text(key, loc), list(START_SUGGESTIONS[replies.lang_of(loc)]))
        if name == "intake_start" and intake_available():
            return await self.intakes.start(
                ctx.conversation_id,
                intent.detail or "employer",
                ctx.text,
                loc,
                lambda q: self.questions.answer_only(ctx, q, stream),
            )
        if name == "intake_continue" and intake_available() and ctx.state.get("intake"):
            plan = await self.intakes.proceed(
                ctx.conversation_id,
                ctx.state["intake"],
                ctx.text,
                loc,
                lambda q: self.questions.answer_only(ctx, q, stream),
                resumed=resumed,
            )
            if plan.text:
                return plan
        plan = await self.questions.answer(ctx, stream, self._open_handoff)
        if intent.detail in ("start_employer", "start_student") and plan.mode in (None, "qa"):
            # The router was unsure whether this was a question or an offer/profile: answer it,
            # then ask, with the form's button first, instead of guessing.
            offer = f"offer_form_{intent.detail}"
            plan.text = f"{plan.text}\n\n{replies.text(offer, loc)}" if plan.text else plan.text
            chips = replies.suggestions(offer, loc)
            plan.suggestions = chips + [c for c in plan.suggestions if c not in chips]
        return plan

    def _asks(self, ctx: TurnContext) -> bool:
        """Say whether a message that needs a person also asks something the guides answer."""
        if "?" in ctx.text:
            return True
        decision = self.router.route(ctx.text, TurnSignals(locale=ctx.locale))
        return decision.label == "question"

    # -- handoff and deletion -------------------------------------------------------------------

    async def _answer_and_hand_off(self, ctx: TurnContext, stream: TurnStream, reason: str) -> Plan:
        """A sensitive message that also asks something: the grounded answer and a liaison, together.

        "My intern got hurt, what do I do?" needs the reporting rule now, not only a ticket. The
        safety line ("call 911 if in immediate danger") stays first; the liaison is opened after the
        answer. When the knowledge base cannot answer, this is a plain handoff.
        """
        answer = await self.questions.answer_only(ctx, ctx.text, TurnStream(None))
        if answer.status != "answered" or answer.weak:
            return await self._open_handoff(ctx, reason)
        opened = await self._open_handoff(ctx, reason, cited=list(answer.citations))
        safety = _safety_line(ctx.locale) if reason == "safety" else ""
        rest = opened.text
        if safety and rest.startswith(safety):
            rest = rest[len(safety) :].strip()
        opened.text = "\n\n".join(part for part in (safety, answer.text, rest) if part)
        opened.citations = list(answer.citations)
        opened.meta = {**opened.meta, "answer_status": answer.status, "composer": answer.composer}
        return opened

    async def _open_handoff(
        self, ctx: TurnContext, reason: str, *, cited: list[Citation] | None = None
    ) -> Plan:
        """Open a liaison ticket, or give the secretariat's address when no liaison is reachable."""
        if self.handoffs is None:
            email = self.settings.secretariat_email
            suffix = f" ({email})" if email else ""
            return Plan(
                replies.text("no_liaison", ctx.locale, email=suffix), state={"pending": None}
            )
        opened = await self.handoffs.open(
            ctx.conversation_id,
            reason,
            locale=ctx.locale,
            cited=[c.model_dump() for c in cited] if cited else None,
        )
        suggestions = list(opened.suggestions)
        if reason not in SENSITIVE_REASONS and intake_available() and paused_intake(ctx.state):
            # The form stays open: while nobody has joined, one tap takes the person back to it.
            suggestions.append(resume_button(ctx.locale))
        return Plan(
            opened.reply,
            suggestions,
            mode="handoff",
            state={"pending": None, "decline_streak": 0},
            handoff=dict(opened.handoff),
            meta={"handoff_reason": reason},
        )

    def _ask_delete(self, ctx: TurnContext) -> Plan:
        """Say what a deletion would erase and ask for a yes or no."""
        counts = count_personal_data(self.db, ctx.conversation_id)
        if counts.is_empty():
            return Plan(replies.text("delete_nothing", ctx.locale))
        text = replies.text(
            "delete_confirm", ctx.locale, messages=counts.messages, intakes=counts.intakes
        )
        if counts.tickets:
            text += " " + replies.text("delete_tickets_confirm", ctx.locale, tickets=counts.tickets)
        return Plan(
            text,
            replies.suggestions("yes_no_delete", ctx.locale),
            mode="handoff" if ctx.mode == "handoff" else None,
            state={"pending": "delete"},
        )

    async def _confirm_delete(self, ctx: TurnContext, yes: bool) -> Plan:
        """Erase everything the person gave on "yes"; keep it all on "no"."""
        if not yes:
            return Plan(
                replies.text("delete_kept", ctx.locale),
                mode="handoff" if ctx.mode == "handoff" else None,
                state={"pending": None},
            )
        erasure = await asyncio.to_thread(
            delete_personal_data, self.db, ctx.conversation_id, now=self.clock()
        )
        deleted = erasure.deleted
        text = replies.text(
            "delete_done", ctx.locale, messages=deleted.messages, intakes=deleted.intakes
        )
        if deleted.tickets:
            text += " " + replies.text("delete_tickets_done", ctx.locale, tickets=deleted.tickets)
        await self._announce_closed(erasure.closed_tickets)
        return Plan(
            text,
            list(START_SUGGESTIONS[replies.lang_of(ctx.locale)]),
            mode="qa",
            state={"pending": None, "intake": None, "decline_streak": 0, "handoff_id": None},
            handoff={"id": erasure.closed_tickets[-1], "status": "resolved"}
            if erasure.closed_tickets
            else None,
            meta={
                "deleted": {
                    "messages": deleted.messages,
                    "intakes": deleted.intakes,
                    "tickets": deleted.tickets,
                }
            },
        )

    async def _announce_closed(self, ticket_ids: list[str]) -> None:
        """Tell the liaison console that tickets closed because their person deleted their data."""
        if not ticket_ids:
            return
        from assistant.handoff.views import handoff_item
        from assistant.store.models import Handoff

        now = self.clock()

        def read() -> list[dict[str, Any]]:
            with self.db.session() as s:
                return [
                    handoff_item(s, row, now=now) for i in ticket_ids if (row := s.get(Handoff, i))
                ]

        for item in await asyncio.to_thread(read):
            await self.bus.publish(LIAISON_TOPIC, {"type": "handoff_resolved", "data": item})
