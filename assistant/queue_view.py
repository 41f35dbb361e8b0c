"""Who is behind a ticket and what they said last: what a liaison scans a queue for.

The queue entry (`assistant.handoff.views.handoff_item`) carries the reason and the summary
written when the ticket opened; six rows then read "where do I start…". The console and the
staff group add, from the conversation as it is now, the person's name, organization and email
when the intake or the ticket gave them, and their latest message.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.handoff.intake_view import contact_email, find_intake
from assistant.store.db import Database
from assistant.store.models import Conversation, Handoff, Message, iso_utc

MAX_LATEST = 160
NAME_FIELDS = ("contact_name", "full_name")
ORGANIZATION_FIELDS = ("organization_name",)


def _first(fields: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = fields.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def person_of(s: Session, conv: Conversation | None, ticket: Handoff | None) -> dict[str, Any]:
    """Return {name, organization, email, kind} known for the conversation's person (None when unknown)."""
    intake = find_intake(s, conv) if conv is not None else None
    fields = (intake or {}).get("fields") or {}
    email = contact_email(intake) or ((ticket.meta or {}).get("contact_email") if ticket else None)
    return {
        "name": _first(fields, NAME_FIELDS),
        "organization": _first(fields, ORGANIZATION_FIELDS),
        "email": email or None,
        "kind": (intake or {}).get("kind"),
    }


def latest_message(s: Session, conversation_id: str) -> dict[str, Any] | None:
    """Return the person's latest message, shortened for a queue row: {text, at}."""
    msg = s.scalars(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.role == "user")
        .order_by(Message.id.desc())
        .limit(1)
    ).first()
    if msg is None:
        return None
    text = " ".join(msg.text.split())
    if len(text) > MAX_LATEST:
        text = text[: MAX_LATEST - 1].rstrip() + "…"
    return {"text": text, "at": iso_utc(msg.created_at)}


def enrich(db: Database, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return queue entries with `person` and `latest` added (entries whose ticket is gone unchanged)."""
    out: list[dict[str, Any]] = []
    with db.session() as s:
        for item in items:
            ticket = s.get(Handoff, str(item.get("id", "")))
            conv = s.get(Conversation, str(item.get("conversation_id", "")))
            extra = {
                "person": person_of(s, conv, ticket),
                "latest": latest_message(s, conv.id) if conv is not None else None,
            }
            out.append({**item, **extra})
    return out


def who_line(person: dict[str, Any] | None) -> str:
    """Return "Dana Lee · Prairie Robotics · dana@prairie.ca" from what is known ('' when nothing)."""
    person = person or {}
    return " · ".join(str(person[k]) for k in ("name", "organization", "email") if person.get(k))
