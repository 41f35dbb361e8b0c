"""Read and write a turn's conversation state: store the person's message, then the reply and its changes."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.answering import Citation
from assistant.conversations import add_message, message_dict
from assistant.errors import NotFoundError
from assistant.intake_dialogue import public_intake
from assistant.language import choose_language
from assistant.plan import Plan
from assistant.store.db import Database
from assistant.store.models import (
    Conversation,
    Handoff,
    KnowledgeGap,
    Message,
    as_utc,
    utcnow,
)
from assistant.text_input import sanitize_text

logger = logging.getLogger(__name__)

Mode = Literal["qa", "intake", "handoff"]
MODES = ("qa", "intake", "handoff")
HISTORY = 6  # earlier user messages handed to handoff detection (repeats, frustration)
RECENT = 8  # earlier messages read for follow-up questions
TOPIC_WINDOW = 4  # a follow-up builds on an answer at most this many messages back
LLM_TURNS = 4  # earlier messages shown to the language model
# Without a client id, the same text again within this window, after no reply, is a retry.
RETRY_WINDOW = timedelta(minutes=15)


class Turn(BaseModel):
    """What the assistant says back, with the state a channel needs to render it."""

    message_id: int | None = None
    text: str
    locale: str
    citations: list[Citation] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)
    mode: Mode = "qa"
    intake: dict[str, Any] | None = None
    handoff: dict[str, Any] | None = None
    # True when no assistant message was produced (a liaison holds the conversation).
    silent: bool = False


@dataclass
class TurnContext:
    """A snapshot of the conversation taken when the person's message arrives."""

    conversation_id: str
    text: str
    locale: str
    mode: str
    state: dict[str, Any]
    user_message: dict[str, Any]
    previous: list[str] = field(default_factory=list)
    # The question the last answer responded to, for follow-ups ("and for international students?"),
    # and the knowledge sections that answer cited.
    topic: str | None = None
    topic_keys: list[str] = field(default_factory=list)
    # Recent (role, text) pairs, oldest first, for the language model.
    history: list[tuple[str, str]] = field(default_factory=list)
    # The turn already stored for this message (a retry): nothing is to be done again.
    replay: Turn | None = None
    # Knowledge gaps the answer ran into, stored with the reply (one session for both).
    gaps: list[dict[str, Any]] = field(default_factory=list)


def _topic(recent: list[Message]) -> tuple[str | None, list[str]]:
    """Return the question behind the latest answer in the last few messages, and its cited keys."""
    window = recent[-TOPIC_WINDOW:]
    for i in range(len(window) - 1, -1, -1):
        msg = window[i]
        meta = msg.meta or {}
        if msg.role != "assistant" or meta.get("answer_status") != "answered":
            continue
        cited = [c for c in (msg.citations or []) if isinstance(c, dict)]
        keys = [str(c["key"]) for c in cited if c.get("key")]
        asked = meta.get("topic") or next(
            (m.text for m in reversed(window[:i]) if m.role == "user"), None
        )
        if not asked and cited and cited[0].get("title"):
            asked = cited[0]["title"]
        return (str(asked) if asked else None), keys
    return None, []


def begin_turn(
    db: Database,
    conversation_id: str,
    text: str,
    *,
    handoffs: bool,
    client_message_id: str | None = None,
) -> TurnContext:
    """Store the person's message, settle the language, and snapshot the conversation.

    A message the conversation already holds is not stored again: a retry with the same
    `client_message_id` gets back the turn stored for it (`ctx.replay`), or completes it when its
    reply was never stored (the first attempt failed after saving the message). Without a client
    id, the same text sent again while the conversation's last message is that very message,
    unanswered and recent, is treated the same way.
    """
    with db.session() as s:
        conv = s.get(Conversation, conversation_id)
        if conv is None:
            raise NotFoundError("conversation not found")
        earlier = _earlier_attempt(s, conversation_id, text, client_message_id)
        if earlier is not None:
            replay = _stored_turn(s, conv, earlier)
            if replay is not None:
                return TurnContext(
                    conversation_id=conversation_id,
                    text=earlier.text,
                    locale=replay.locale,
                    mode=replay.mode,
                    state=dict(conv.state or {}),
                    user_message=message_dict(earlier),
                    replay=replay,
                )
            text = earlier.text
        locale = choose_language(text, conv.locale)
        if locale != conv.locale:
            logger.debug("conversation %s switches to %s", conversation_id, locale)
            conv.locale = locale
        before = [] if earlier is None else [Message.id < earlier.id]
        previous = list(
            s.scalars(
                select(Message.text)
                .where(Message.conversation_id == conversation_id, Message.role == "user", *before)
                .order_by(Message.id.desc())
                .limit(HISTORY)
            )
        )[::-1]
        recent = list(
            s.scalars(
                select(Message)
                .where(Message.conversation_id == conversation_id, *before)
                .order_by(Message.id.desc())
                .limit(RECENT)
            )
        )[::-1]
        if earlier is not None:
            msg = earlier
            logger.debug("conversation %s: completing message %s", conversation_id, msg.id)
        else:
            msg = add_message(s, conversation_id, "user", text, meta={"locale": locale})
            if client_message_id:
                msg.client_message_id = client_message_id
                s.flush()
        conv.updated_at = utcnow()  # the person is here: retention counts from their last message
        mode = conv.mode if conv.mode in MODES else "qa"
        topic, topic_keys = _topic(recent)
        if mode == "handoff" and not handoffs:
            mode = conv.mode = "qa"
        return TurnContext(
            conversation_id=conversation_id,
            text=text,
            locale=locale,
            mode=mode,
            state=dict(conv.state or {}),
            user_message=message_dict(msg),
            previous=previous,
            topic=topic,
            topic_keys=topic_keys,
            history=[
                (m.role, m.text)
                for m in recent[-LLM_TURNS:]
                if m.role in ("user", "assistant") and m.text
            ],
        )


def _earlier_attempt(
    s: Session, conversation_id: str, text: str, client_message_id: str | None
) -> Message | None:
    """Return the stored message this one repeats (a retry), or None for a new message."""
    if client_message_id:
        return s.scalars(
            select(Message).where(
                Message.conversation_id == conversation_id,
                Message.client_message_id == client_message_id,
                Message.role == "user",
            )
        ).first()
    last = s.scalars(
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.id.desc())
        .limit(1)
    ).first()
    if (
        last is None
        or last.role != "user"
        or last.text != sanitize_text(text)
        or (last.meta or {}).get("silent")
        or as_utc(last.created_at) < utcnow() - RETRY_WINDOW
    ):
        return None
    return last


def _stored_turn(s: Session, conv: Conversation, msg: Message) -> Turn | None:
    """Return the turn stored for the person's message `msg`, or None when it has no reply yet."""
    meta = msg.meta or {}
    locale = str(meta.get("locale") or conv.locale or "en")
    if meta.get("silent"):
        state = conv.state or {}
        ticket = s.get(Handoff, state["handoff_id"]) if state.get("handoff_id") else None
        return Turn(
            text="",
            locale=locale,
            mode="handoff",
            handoff={"id": ticket.id, "status": ticket.status} if ticket is not None else None,
            silent=True,
        )
    later = s.scalars(
        select(Message)
        .where(
            Message.conversation_id == conv.id,
            Message.id > msg.id,
            Message.role == "assistant",
        )
        .order_by(Message.id)
        .limit(RECENT)
    )
    reply = next((m for m in later if (m.meta or {}).get("reply_to") == msg.id), None)
    if reply is None:
        return None
    reply_meta = reply.meta or {}
    stored = reply_meta.get("turn") or {}
    mode: Mode = stored["mode"] if stored.get("mode") in MODES else "qa"
    return Turn(
        message_id=reply.id,
        text=reply.text,
        locale=str(reply_meta.get("locale") or locale),
        citations=[Citation(**c) for c in reply.citations or [] if isinstance(c, dict)],
        suggestions=list(reply_meta.get("suggestions") or []),
        mode=mode,
        intake=stored.get("intake"),
        handoff=stored.get("handoff"),
    )


def silent_turn(db: Database, ctx: TurnContext) -> Turn:
    """Record that the person's message got no reply on purpose (a liaison holds the conversation)."""
    with db.session() as s:
        msg = s.get(Message, ctx.user_message["id"])
        if msg is not None:
            msg.meta = {**(msg.meta or {}), "silent": True}
    return Turn(
        text="", locale=ctx.locale, mode="handoff", handoff=handoff_of(db, ctx), silent=True
    )


def clear_pending(db: Database, conversation_id: str) -> None:
    """Forget a yes/no question the person moved on from (so a later "yes" cannot answer it)."""
    with db.session() as s:
        conv = s.get(Conversation, conversation_id)
        if conv is not None and (conv.state or {}).get("pending"):
            conv.state = {k: v for k, v in conv.state.items() if k != "pending"}


def handoff_of(db: Database, ctx: TurnContext) -> dict[str, Any] | None:
    """Return the conversation's current ticket as {"id", "status"}, if it has one."""
    handoff_id = ctx.state.get("handoff_id")
    with db.session() as s:
        conv = s.get(Conversation, ctx.conversation_id)
        if conv is not None:
            handoff_id = (conv.state or {}).get("handoff_id", handoff_id)
        row = s.get(Handoff, handoff_id) if handoff_id else None
        return {"id": row.id, "status": row.status} if row is not None else None


def finish_turn(db: Database, ctx: TurnContext, plan: Plan) -> Turn:
    """Apply the plan's state changes, store the assistant's message and return the turn."""
    with db.session() as s:
        conv = s.get(Conversation, ctx.conversation_id)
        if conv is None:
            raise NotFoundError("conversation not found")
        # Re-read: the handoff service may have written the state during this turn.
        state = dict(conv.state or {})
        if "pending" not in plan.state and plan.mode != "handoff":
            state.pop("pending", None)
        for key, value in plan.state.items():
            if value is None:
                state.pop(key, None)
            else:
                state[key] = value
        conv.state = state
        if plan.mode is not None:
            conv.mode = plan.mode
        mode = conv.mode if conv.mode in MODES else "qa"
        intake = plan.intake
        if intake is None and mode == "intake" and state.get("intake"):
            intake = state["intake"]
        shown = public_intake(intake, ctx.locale) if intake is not None else None
        handoff = plan.handoff
        if handoff is None and state.get("handoff_id"):
            row = s.get(Handoff, state["handoff_id"])
            handoff = {"id": row.id, "status": row.status} if row is not None else None
        citations = [c.model_dump(exclude_none=True) for c in plan.citations]
        meta = {
            "suggestions": plan.suggestions,
            "locale": ctx.locale,
            **plan.meta,
            # What a retry of the person's message gets back (see begin_turn).
            "reply_to": ctx.user_message.get("id"),
            "turn": {"mode": mode, "intake": shown, "handoff": handoff},
        }
        msg = add_message(
            s, ctx.conversation_id, "assistant", plan.text, citations=citations, meta=meta
        )
        message_id = msg.id
        for gap in ctx.gaps:
            s.add(KnowledgeGap(conversation_id=ctx.conversation_id, **gap))
    return Turn(
        message_id=message_id,
        text=plan.text,
        locale=ctx.locale,
        citations=plan.citations,
        suggestions=plan.suggestions,
        mode=mode,  # type: ignore[arg-type]
        intake=shown,
        handoff=handoff,
    )
