"""Persist intakes: drafts while the form is filled, submissions once confirmed, liaison completions."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from sqlalchemy import select

from assistant.errors import ConflictError, NotFoundError, UserInputError
from assistant.intake.status import DRAFT_STATUSES
from assistant.store.db import Database
from assistant.store.models import Conversation, Intake, Liaison, Message, iso_utc, utcnow

logger = logging.getLogger(__name__)


def intake_dict(row: Intake, submitted_by: str | None = None) -> dict[str, Any]:
    """Return the JSON shape of a stored intake (what notifiers and events carry)."""
    return {
        "id": row.id,
        "kind": row.kind,
        "status": row.status,
        "fields": dict(row.fields or {}),
        "sources": dict(row.sources or {}),
        "routed_to": list(row.routed_to or []),
        "conversation_id": row.conversation_id,
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
        "submitted_by": submitted_by,
    }


def _draft_status(public: dict[str, Any]) -> str:
    status = str(public.get("status") or "collecting")
    return status if status in DRAFT_STATUSES else "collecting"


def save_draft(db: Database, conversation_id: str, public: dict[str, Any]) -> str:
    """Create or update the draft row for an intake in progress; return its id."""
    with db.session() as s:
        row = s.get(Intake, public["id"]) if public.get("id") else None
        if row is None:
            row = Intake(
                kind=public["kind"],
                status=_draft_status(public),
                conversation_id=conversation_id,
                fields={},
                sources={},
            )
            if public.get("id"):
                row.id = public["id"]
            s.add(row)
        if row.status in DRAFT_STATUSES:
            row.status = _draft_status(public)
            row.fields = dict(public.get("fields") or {})
            row.sources = dict(public.get("sources") or {})
        s.flush()
        return row.id


def submit_intake(
    db: Database,
    conversation_id: str | None,
    public: dict[str, Any],
    routed_to: list[str],
    *,
    submitted_by: int | None = None,
) -> dict[str, Any]:
    """Store the intake as submitted with its routing (and the liaison who did it); return it."""
    with db.session() as s:
        row = s.get(Intake, public["id"]) if public.get("id") else None
        if row is None:
            row = Intake(kind=public["kind"], conversation_id=conversation_id)
            if public.get("id"):
                row.id = public["id"]
            s.add(row)
        row.status = "submitted"
        row.fields = dict(public.get("fields") or {})
        row.sources = dict(public.get("sources") or row.sources or {})
        row.routed_to = list(routed_to)
        row.submitted_at = utcnow()
        row.submitted_by = submitted_by
        s.flush()
        s.refresh(row)
        liaison = s.get(Liaison, submitted_by) if submitted_by else None
        logger.info("intake %s (%s) submitted, routed to %s", row.id, row.kind, routed_to)
        return intake_dict(row, liaison.name if liaison else None)


def discard_draft(db: Database, intake_id: str | None) -> None:
    """Delete a draft the person cancelled: nothing they told us for it is kept."""
    if not intake_id:
        return
    with db.session() as s:
        row = s.get(Intake, intake_id)
        if row is not None and row.status in DRAFT_STATUSES:
            s.delete(row)


def get_intake(db: Database, intake_id: str) -> dict[str, Any]:
    """Return one stored intake with who submitted it; NotFoundError if there is none."""
    with db.session() as s:
        row = s.get(Intake, intake_id)
        if row is None:
            raise NotFoundError("intake not found")
        liaison = s.get(Liaison, row.submitted_by) if row.submitted_by else None
        data = intake_dict(row, liaison.name if liaison else None)
        data["created_at"] = iso_utc(row.created_at)
        data["submitted_at"] = iso_utc(row.submitted_at)
        return data


def complete_draft(
    db: Database,
    intake_id: str,
    values: dict[str, Any],
    *,
    liaison_id: int,
    today: date,
    locale: str = "en",
) -> dict[str, Any]:
    """Fill or change a draft's fields as a liaison, each validated by the field registry.

    Each value's source records the liaison and the time. The conversation's own copy of the
    draft is updated too, so the person who comes back finds the form as the liaison left it.
    Raises UserInputError naming the field whose value is not valid, ConflictError once submitted.
    """
    from assistant.intake import fields_for
    from assistant.intake.validators import InvalidValue, ParseContext

    with db.session() as s:
        row = s.get(Intake, intake_id)
        if row is None:
            raise NotFoundError("intake not found")
        if row.status not in DRAFT_STATUSES:
            raise ConflictError("this intake is already submitted")
        liaison = s.get(Liaison, liaison_id)
        specs = fields_for(row.kind)
        ctx = ParseContext(today=today, locale=locale)
        fields = dict(row.fields or {})
        sources = dict(row.sources or {})
        now = iso_utc(utcnow())
        for name, raw in values.items():
            if name not in specs:
                raise UserInputError(f"unknown field: {name}")
            if raw is None or raw == "":
                fields.pop(name, None)
                sources.pop(name, None)
                continue
            try:
                fields[name] = specs[name].validate(raw, ctx)
            except InvalidValue as exc:
                raise UserInputError(f"{name}: {exc}") from exc
            sources[name] = {
                "by": "liaison",
                "liaison": liaison.name if liaison else None,
                "at": now,
                "text": str(raw)[:300],
            }
        row.fields, row.sources = fields, sources
        _sync_conversation(s, row)
        s.flush()
        return intake_dict(row)


def _sync_conversation(s: Any, row: Intake) -> None:
    """Copy a liaison's changes into the conversation's draft (the form the person resumes)."""
    conv = s.get(Conversation, row.conversation_id) if row.conversation_id else None
    if conv is None:
        return
    state = dict(conv.state or {})
    draft = state.get("intake")
    if not isinstance(draft, dict) or draft.get("id") != row.id:
        return
    draft = {**draft, "fields": dict(row.fields or {}), "sources": dict(row.sources or {})}
    invalid = {k: v for k, v in (draft.get("invalid") or {}).items() if k not in row.fields}
    draft["invalid"] = invalid
    if draft.get("status") == "confirming":
        # The person was shown a summary the liaison has since changed: their next "yes" shows
        # the updated one instead of submitting what they have not seen.
        draft["status"], draft["asking"] = "collecting", None
    state["intake"] = draft
    conv.state = state


def store_conversation_draft(db: Database, conversation_id: str, draft: dict[str, Any]) -> None:
    """Write the form in progress into the conversation's state (outside a turn's own write)."""
    with db.session() as s:
        conv = s.get(Conversation, conversation_id)
        if conv is not None:
            conv.state = {**(conv.state or {}), "intake": draft}


def close_conversation_draft(db: Database, intake_id: str, text: str) -> dict[str, Any] | None:
    """Take a submitted draft out of its conversation and tell the person; return the message."""
    from assistant.conversations import add_message, message_dict

    with db.session() as s:
        row = s.get(Intake, intake_id)
        conv = s.get(Conversation, row.conversation_id) if row and row.conversation_id else None
        if conv is None:
            return None
        state = dict(conv.state or {})
        draft = state.get("intake")
        if isinstance(draft, dict) and draft.get("id") == intake_id:
            state.pop("intake", None)
            conv.state = state
            if conv.mode == "intake":
                conv.mode = "qa"
        msg: Message = add_message(s, conv.id, "assistant", text, meta={"intake_id": intake_id})
        return {"conversation_id": conv.id, "channel": conv.channel, "message": message_dict(msg)}


def conversation_locale(db: Database, intake_id: str) -> str:
    """Return the language of the conversation an intake came from ("en" when unknown)."""
    with db.session() as s:
        row = s.get(Intake, intake_id)
        conv = s.get(Conversation, row.conversation_id) if row and row.conversation_id else None
        return conv.locale if conv is not None else "en"


def latest_user_message(db: Database, conversation_id: str) -> dict[str, Any]:
    """Return the id and time of the person's latest message (the source of a value just given)."""
    with db.session() as s:
        msg = s.scalars(
            select(Message)
            .where(Message.conversation_id == conversation_id, Message.role == "user")
            .order_by(Message.id.desc())
            .limit(1)
        ).first()
        if msg is None:
            return {"by": "person"}
        return {"by": "person", "message_id": msg.id, "at": iso_utc(msg.created_at)}
