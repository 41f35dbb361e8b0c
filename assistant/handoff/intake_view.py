"""The intake a ticket's person filled in, with each field of its form marked filled, missing or invalid."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.store.models import Conversation, Intake

logger = logging.getLogger(__name__)

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def find_intake(session: Session, conv: Conversation) -> dict[str, Any] | None:
    """Return the conversation's latest intake (stored, or the draft in its state) as a plain dict."""
    row = session.scalars(
        select(Intake)
        .where(Intake.conversation_id == conv.id)
        .order_by(Intake.updated_at.desc(), Intake.created_at.desc())
    ).first()
    if row is not None:
        return {
            "id": row.id,
            "kind": row.kind,
            "status": row.status,
            "fields": dict(row.fields or {}),
        }
    draft = (conv.state or {}).get("intake")
    if isinstance(draft, dict) and draft.get("kind"):
        fields = draft.get("fields") or draft.get("values") or draft.get("draft") or {}
        if isinstance(fields, dict):
            return {
                "id": draft.get("id"),
                "kind": str(draft["kind"]),
                "status": str(draft.get("status", "draft")),
                "fields": dict(fields),
                "invalid": dict(draft.get("invalid") or draft.get("errors") or {}),
            }
    return None


def contact_email(intake: dict[str, Any] | None) -> str | None:
    """Return the email address an intake gives for the person, if any."""
    fields = (intake or {}).get("fields") or {}
    for key in ("contact_email", "email"):
        value = fields.get(key)
        if isinstance(value, str) and EMAIL_RE.fullmatch(value.strip()):
            return value.strip()
    return None


def mark_intake(intake: dict[str, Any] | None, locale: str) -> dict[str, Any] | None:
    """Return the intake with every field of its form marked filled, missing or invalid."""
    if intake is None:
        return None
    values: dict[str, Any] = intake.get("fields") or {}
    invalid: dict[str, Any] = intake.get("invalid") or {}
    specs = _form(intake.get("kind", ""))
    names = list(specs) + [n for n in values if n not in specs]
    ctx = _parse_context(locale)
    marked = []
    for name in names:
        spec = specs.get(name)
        value = values.get(name)
        entry: dict[str, Any] = {
            "name": name,
            "label": spec.text("label", locale) if spec else name,
            "required": bool(spec.required) if spec else False,
            "value": value,
        }
        if name in invalid:
            entry.update(status="invalid", error=str(invalid[name]))
        elif value is None or value == "" or value == []:
            entry["status"] = "missing"
        else:
            entry["status"] = "filled"
            if spec is not None and ctx is not None:
                try:
                    spec.validate(value, ctx)
                except ValueError as exc:
                    entry.update(status="invalid", error=str(exc))
        marked.append(entry)
    return {
        "id": intake.get("id"),
        "kind": intake.get("kind"),
        "status": intake.get("status"),
        "fields": marked,
        "missing_required": [
            f["name"] for f in marked if f["required"] and f["status"] != "filled"
        ],
    }


def _form(kind: str) -> dict[str, Any]:
    try:
        from assistant.intake.schemas import fields_for
    except ImportError:  # intake forms not part of this build
        return {}
    try:
        return dict(fields_for(kind))
    except KeyError:
        return {}


def _parse_context(locale: str) -> Any:
    try:
        from assistant.intake.validators import ParseContext
    except ImportError:
        return None
    return ParseContext(today=datetime.now(UTC).date(), locale=locale)
