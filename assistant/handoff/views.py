"""The JSON shapes of tickets and notes that liaisons see (queue items and the full ticket)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.conversations import message_dict
from assistant.handoff.intake_view import find_intake, mark_intake
from assistant.store.models import (
    Conversation,
    Handoff,
    HandoffNote,
    Liaison,
    Message,
    as_utc,
    iso_utc,
)

logger = logging.getLogger(__name__)

STATUSES = ("waiting", "active", "resolved")
OPEN_STATUSES = ("waiting", "active")


def waiting_seconds(ticket: Handoff, now: datetime) -> int:
    """Return how long the person waited (so far, if nobody has claimed the ticket yet)."""
    start = as_utc(ticket.created_at) or now
    end = as_utc(ticket.claimed_at) or as_utc(ticket.resolved_at) or now
    return max(0, int((end - start).total_seconds()))


def _liaison_name(s: Session, liaison_id: int | None) -> str | None:
    if liaison_id is None:
        return None
    liaison = s.get(Liaison, liaison_id)
    return liaison.name if liaison else None


def handoff_item(s: Session, ticket: Handoff, *, now: datetime) -> dict[str, Any]:
    """Return the queue entry of a ticket."""
    conv = s.get(Conversation, ticket.conversation_id)
    meta = ticket.meta or {}
    intake = find_intake(s, conv) if conv is not None else None
    return {
        "id": ticket.id,
        "conversation_id": ticket.conversation_id,
        "status": ticket.status,
        "reason": ticket.reason,
        "summary": ticket.summary,
        "locale": conv.locale if conv else meta.get("locale", "en"),
        "channel": conv.channel if conv else None,
        "claimed_by": ticket.claimed_by,
        "claimed_by_name": _liaison_name(s, ticket.claimed_by),
        "created_at": iso_utc(ticket.created_at),
        "updated_at": iso_utc(ticket.updated_at),
        "claimed_at": iso_utc(ticket.claimed_at),
        "resolved_at": iso_utc(ticket.resolved_at),
        "last_user_message_at": meta.get("last_user_message_at"),
        "intake": (
            {"id": intake.get("id"), "kind": intake.get("kind"), "status": intake.get("status")}
            if intake
            else None
        ),
        "waiting_seconds": waiting_seconds(ticket, now),
    }


def note_dict(note: HandoffNote, liaison_name: str | None) -> dict[str, Any]:
    """Return the JSON shape of an internal note."""
    return {
        "id": note.id,
        "text": note.text,
        "liaison_id": note.liaison_id,
        "liaison": liaison_name,
        "created_at": iso_utc(note.created_at),
    }


def transcript_entry(msg: Message) -> dict[str, Any]:
    """Return a message as liaisons see it (with the liaison's name on their messages)."""
    data = message_dict(msg)
    author = (msg.meta or {}).get("liaison")
    if author:
        data["author"] = author
    return data


def handoff_detail(s: Session, ticket: Handoff, *, now: datetime) -> dict[str, Any]:
    """Return the full ticket: queue entry plus transcript, notes, cited passages and marked intake."""
    item = handoff_item(s, ticket, now=now)
    conv = s.get(Conversation, ticket.conversation_id)
    messages = s.scalars(
        select(Message)
        .where(Message.conversation_id == ticket.conversation_id)
        .order_by(Message.id)
    )
    notes = s.scalars(
        select(HandoffNote).where(HandoffNote.handoff_id == ticket.id).order_by(HandoffNote.id)
    )
    meta = ticket.meta or {}
    item.update(
        transcript=[transcript_entry(m) for m in messages],
        notes=[note_dict(n, _liaison_name(s, n.liaison_id)) for n in notes],
        cited=list(meta.get("cited") or []),
        intake=mark_intake(find_intake(s, conv), item["locale"]) if conv is not None else None,
        contact_email=meta.get("contact_email"),
    )
    return item


def public_ticket(ticket: Handoff) -> dict[str, Any]:
    """Return the short ticket shape the person's channel gets: id and status."""
    return {"id": ticket.id, "status": ticket.status}


def message_event(msg: Message, *, author: str | None = None) -> dict[str, Any]:
    """Return the bus event carrying a message to the person (with the liaison's name if any)."""
    data = message_dict(msg)
    if author:
        data["author"] = author
    return {"type": "message", "id": msg.id, "data": data}


def status_event(
    mode: str, handoff: dict[str, Any], *, liaison: str | None = None
) -> dict[str, Any]:
    """Return the bus event telling the person's channel the conversation's mode changed."""
    data: dict[str, Any] = {"mode": mode, "handoff": handoff}
    if liaison:
        data["liaison"] = liaison
    return {"type": "status", "data": data}
