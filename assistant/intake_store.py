"""Persist intakes: drafts while the form is filled, submissions once confirmed."""

from __future__ import annotations

import logging
from typing import Any

from assistant.store.db import Database
from assistant.store.models import Intake, utcnow

logger = logging.getLogger(__name__)


def intake_dict(row: Intake) -> dict[str, Any]:
    """Return the JSON shape of a stored intake (what notifiers and events carry)."""
    return {
        "id": row.id,
        "kind": row.kind,
        "status": row.status,
        "fields": dict(row.fields or {}),
        "routed_to": list(row.routed_to or []),
        "conversation_id": row.conversation_id,
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
    }


def save_draft(db: Database, conversation_id: str, public: dict[str, Any]) -> str:
    """Create or update the draft row for an intake in progress; return its id."""
    with db.session() as s:
        row = s.get(Intake, public["id"]) if public.get("id") else None
        if row is None:
            row = Intake(
                kind=public["kind"], status="draft", conversation_id=conversation_id, fields={}
            )
            if public.get("id"):
                row.id = public["id"]
            s.add(row)
        if row.status == "draft":
            row.fields = dict(public.get("fields") or {})
        s.flush()
        return row.id


def submit_intake(
    db: Database, conversation_id: str, public: dict[str, Any], routed_to: list[str]
) -> dict[str, Any]:
    """Store the intake as submitted with its routing; return it as a dict."""
    with db.session() as s:
        row = s.get(Intake, public["id"]) if public.get("id") else None
        if row is None:
            row = Intake(kind=public["kind"], conversation_id=conversation_id)
            if public.get("id"):
                row.id = public["id"]
            s.add(row)
        row.status = "submitted"
        row.fields = dict(public.get("fields") or {})
        row.routed_to = list(routed_to)
        row.submitted_at = utcnow()
        s.flush()
        s.refresh(row)
        logger.info("intake %s (%s) submitted, routed to %s", row.id, row.kind, routed_to)
        return intake_dict(row)


def discard_draft(db: Database, intake_id: str | None) -> None:
    """Delete a draft the person cancelled: nothing they told us for it is kept."""
    if not intake_id:
        return
    with db.session() as s:
        row = s.get(Intake, intake_id)
        if row is not None and row.status == "draft":
            s.delete(row)
