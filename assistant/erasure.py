"""Erase what a person gave when they ask: messages, intakes, recorded questions, liaison tickets
and the link to their chat account (a Telegram chat id).

A ticket that is closed goes entirely (with its internal notes). A ticket still open (waiting for,
or held by, a liaison) is scrubbed and closed instead of vanishing from the liaison's screen: its
summary says the person deleted their data, and nothing they said is left on it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select

from assistant.store.db import Database
from assistant.store.models import (
    Conversation,
    Handoff,
    HandoffNote,
    Intake,
    KnowledgeGap,
    Message,
)

logger = logging.getLogger(__name__)

ERASED_SUMMARY = (
    "Closed: the person asked the assistant to delete their data. The conversation, its "
    "intake, this ticket's summary and its notes were erased."
)
OPEN_STATUSES = ("waiting", "active")


@dataclass(frozen=True)
class PersonalData:
    """How much a conversation holds about its person."""

    intakes: int
    messages: int
    tickets: int = 0

    def is_empty(self) -> bool:
        """Return True when there is nothing to delete."""
        return self.intakes == 0 and self.messages == 0 and self.tickets == 0


@dataclass(frozen=True)
class Erasure:
    """What a deletion removed, and the open tickets it closed (for the liaisons' screens)."""

    deleted: PersonalData
    closed_tickets: list[str] = field(default_factory=list)


def _count(s: Any, model: Any, conversation_id: str) -> int:
    query = select(func.count()).select_from(model).where(model.conversation_id == conversation_id)
    return int(s.scalar(query) or 0)


def count_personal_data(db: Database, conversation_id: str) -> PersonalData:
    """Count the intakes, messages and liaison tickets that a deletion would erase."""
    with db.session() as s:
        return PersonalData(
            intakes=_count(s, Intake, conversation_id),
            messages=_count(s, Message, conversation_id),
            tickets=_count(s, Handoff, conversation_id),
        )


def _erase_tickets(s: Any, conversation_id: str, now: datetime) -> tuple[int, list[str]]:
    """Delete the conversation's closed tickets; scrub and close its open ones."""
    tickets = list(s.scalars(select(Handoff).where(Handoff.conversation_id == conversation_id)))
    if not tickets:
        return 0, []
    ids = [t.id for t in tickets]
    s.execute(delete(HandoffNote).where(HandoffNote.handoff_id.in_(ids)))
    closed: list[str] = []
    for ticket in tickets:
        if ticket.status not in OPEN_STATUSES:
            s.delete(ticket)
            continue
        locale = (ticket.meta or {}).get("locale", "en")
        ticket.summary = ERASED_SUMMARY
        ticket.meta = {"locale": locale, "erased_by_person": True, "erased_at": now.isoformat()}
        ticket.status = "resolved"
        ticket.resolved_at = now
        ticket.updated_at = now
        closed.append(ticket.id)
    return len(tickets), closed


def delete_personal_data(db: Database, conversation_id: str, *, now: datetime) -> Erasure:
    """Erase the conversation's intakes, messages, recorded questions and liaison tickets."""
    with db.session() as s:
        intakes = s.execute(delete(Intake).where(Intake.conversation_id == conversation_id))
        messages = s.execute(delete(Message).where(Message.conversation_id == conversation_id))
        s.execute(delete(KnowledgeGap).where(KnowledgeGap.conversation_id == conversation_id))
        tickets, closed = _erase_tickets(s, conversation_id, now)
        conv = s.get(Conversation, conversation_id)
        if conv is not None:
            state = dict(conv.state or {})
            for key in ("intake", "pending", "last_texts", "handoff_id"):
                state.pop(key, None)
            conv.state = state
            if conv.mode in ("intake", "handoff"):
                conv.mode = "qa"
            # The link to the person's chat account (their Telegram chat id) goes too: their next
            # message there starts a new conversation, and nothing ties this one to them.
            conv.channel_user_id = None
    deleted = PersonalData(
        intakes=int(getattr(intakes, "rowcount", 0) or 0),
        messages=int(getattr(messages, "rowcount", 0) or 0),
        tickets=tickets,
    )
    logger.info(
        "deleted personal data of conversation %s: %d intakes, %d messages, %d tickets",
        conversation_id,
        deleted.intakes,
        deleted.messages,
        deleted.tickets,
    )
    return Erasure(deleted=deleted, closed_tickets=closed)
