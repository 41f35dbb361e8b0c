"""Question turns: contextualise follow-ups, answer from the knowledge base, escalate repeated declines."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any

from assistant import replies
from assistant.answering import Answer, Answerer, decline_suggestions
from assistant.answering.followup import LLMRewriter, OfflineRewriter, QueryRewriter, Topic
from assistant.llm import ChatMessage
from assistant.plan import Plan
from assistant.privacy import Masker
from assistant.retrieval.audience import AudienceCues
from assistant.retrieval.rerank import RetrievalSignals
from assistant.store.db import Database
from assistant.turn_store import TurnContext
from assistant.turn_stream import TurnStream

logger = logging.getLogger(__name__)

OpenHandoff = Callable[[TurnContext, str], Awaitable[Plan]]

# A student asking about eligibility or how to get a placement is offered the intake as a chip
# (the chip's text starts the student intake; the question itself never does).
_STUDENT_TOPIC = re.compile(
    r"\b(gpa|grades?|average|eligib\w*|requirements?|qualif\w*|apply|applying|application|"
    r"co-?op|internships?|placements?|practicum|work term|moyenne|admissib\w*|exigences?|"
    r"postuler|stages?)\b"
)
_EMPLOYER_TOPIC = re.compile(
    r"\b(host|hire|hiring|employer|subsid\w*|swpp|wage|payroll|wcb|accueillir|embaucher|"
    r"employeur|subventions?|stagiaires?|my (intern|student)s?|our (intern|student)s?)\b"
)
FIND_PLACEMENT = {"en": "Help me find a placement", "fr": "Aidez-moi à trouver un stage"}


def answer_suggestions(question: str, locale: str) -> list[str]:
    """Return the chips after an answer: the placement intake first after a student's question."""
    chips = replies.suggestions("after_answer", locale)
    folded = unicodedata.normalize("NFKD", question.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    if _STUDENT_TOPIC.search(folded) and not _EMPLOYER_TOPIC.search(folded):
        # The placement chip replaces "I'm a student", the last of the usual three.
        return [FIND_PLACEMENT[replies.lang_of(locale)], *chips[:2]]
    return chips


def masker_for(ctx: TurnContext) -> Masker:
    """Return a masker that also hides the names the person gave in their intake."""
    fields = (ctx.state.get("intake") or {}).get("fields") or {}
    names = [str(fields[k]) for k in ("contact_name", "full_name") if fields.get(k)]
    return Masker(names)


def llm_history(ctx: TurnContext, masker: Masker) -> list[ChatMessage]:
    """Return the last few turns, masked, for the language model (never as a source of facts)."""
    return [
        ChatMessage("user" if role == "user" else "assistant", masker.mask(text))
        for role, text in ctx.history
    ]


class Questions:
    """Answer the person's questions and remember what the knowledge base could not answer."""

    def __init__(
        self,
        db: Database,
        answerer: Answerer,
        *,
        rewriter: QueryRewriter | None = None,
        audiences: AudienceCues | None = None,
    ) -> None:
        """Answer with `answerer`; `rewriter` turns follow-ups into standalone queries (default:
        the language model's rewrite when one is configured, else the offline reading)."""
        self.db = db
        self.answerer = answerer
        if rewriter is None:
            retriever = answerer.retriever
            offline = OfflineRewriter(retriever.institutions if retriever is not None else None)
            chat = answerer.chat
            rewriter = LLMRewriter(chat, offline) if chat is not None else offline
        self.rewriter = rewriter
        self.audiences = audiences or AudienceCues.load()

    def signals(self, ctx: TurnContext) -> tuple[RetrievalSignals, dict[str, Any]]:
        """Return what retrieval should weigh for this message (who asks, which institution),
        and the conversation state that remembers it for the next turns."""
        state = ctx.state
        intake_kind = (state.get("intake") or {}).get("kind")
        audience = (
            self.audiences.infer(ctx.text)
            or state.get("audience")
            or (intake_kind if intake_kind in ("employer", "student") else None)
        )
        retriever = self.answerer.retriever
        named = retriever.institutions().named(ctx.text, ctx.locale) if retriever else []
        institution = named[0] if named else state.get("institution")
        signals = RetrievalSignals(
            locale=ctx.locale,
            previous_user_texts=tuple(ctx.previous),
            decline_streak=int(state.get("decline_streak", 0)),
            audience=audience,
            institutions=(institution,) if institution else (),
        )
        return signals, {"audience": audience, "institution": institution}

    async def answer_only(self, ctx: TurnContext, question: str, stream: TurnStream) -> Answer:
        """Answer a question asked inside another flow (an intake), without changing the mode."""
        answer = await self.answerer.answer(
            question, ctx.locale, masker=masker_for(ctx), on_delta=stream.callback
        )
        self.record_gap(ctx, question, answer)
        return answer

    async def answer(self, ctx: TurnContext, stream: TurnStream, escalate: OpenHandoff) -> Plan:
        """Answer the message, reading it as a follow-up of the last answer when it is one."""
        streak = int(ctx.state.get("decline_streak", 0))
        signals, remembered = self.signals(ctx)
        topic = Topic(
            question=ctx.topic,
            keys=tuple(ctx.topic_keys),
            institution=ctx.state.get("institution"),
            audience=ctx.state.get("audience"),
        )
        follow = await self.rewriter.rewrite(ctx.text, topic, ctx.locale)
        if follow.contextual:
            logger.debug("follow-up of %r searched as %r", ctx.topic, follow.query)
        masker = masker_for(ctx)
        answer = await self.answerer.answer(
            ctx.text,
            ctx.locale,
            query=follow.query,
            focus=follow.focus,
            anchors=ctx.topic_keys if follow.refers_back else (),
            must_name=follow.mentions if follow.names else None,
            history=llm_history(ctx, masker) if follow.contextual else None,
            signals=signals,
            masker=masker,
            on_delta=stream.callback,
            decline_streak=streak if streak < 2 else 0,
        )
        self.record_gap(ctx, follow.query, answer)
        meta: dict[str, Any] = {"answer_status": answer.status, "composer": answer.composer}
        if answer.llm_error:
            meta["llm_fallback"] = True
        if answer.status == "answered":
            meta["topic"] = follow.topic
            if follow.contextual:
                meta["query"] = follow.query
            return Plan(
                answer.text,
                answer_suggestions(ctx.text, ctx.locale),
                list(answer.citations),
                mode="qa",
                state={"decline_streak": 0, "pending": None, **remembered},
                meta=meta,
            )
        streak += 1
        if streak >= 3:
            opened = await escalate(ctx, "declined_twice")
            opened.text = f"{answer.text}\n\n{opened.text}"
            opened.state.setdefault("decline_streak", 0)
            return opened
        if answer.nearby:
            # The nearest sections' headings are questions the guides answer: offer them, and a person.
            meta["nearby"] = list(answer.nearby)
            chips = [*answer.nearby, decline_suggestions(ctx.locale)[0]]
        elif streak == 2:
            chips = replies.suggestions("offer_handoff", ctx.locale)
        else:
            chips = decline_suggestions(ctx.locale)
        return Plan(
            answer.text,
            chips,
            state={
                "decline_streak": streak,
                "pending": "offer_handoff" if streak == 2 else None,
                **remembered,
            },
            meta=meta,
        )

    def record_gap(self, ctx: TurnContext, question: str, answer: Answer) -> None:
        """Record a declined or weakly grounded question for the console's knowledge-gap report."""
        reason = {"declined": "declined", "out_of_scope": "out_of_scope"}.get(answer.status)
        if reason is None and answer.weak:
            reason = "weak"
        if reason is None:
            return
        # Stored by finish_turn with the reply: no session of its own, none on the event loop.
        ctx.gaps.append(
            {
                "text": Masker(unknown_names=False).mask(question)[:2000],
                "locale": ctx.locale,
                "reason": reason,
                "best_score": answer.best_score,
            }
        )
