"""One intake as a liaison reads it: each form field with its label, value, status and source."""

from __future__ import annotations

from typing import Any

from assistant.intake.messages import format_value
from assistant.intake.schemas import fields_for
from assistant.intake.status import DRAFT_STATUSES


def intake_detail(intake: dict[str, Any], locale: str) -> dict[str, Any]:
    """Return the stored intake with its form's fields in order, from the field registry.

    Each field carries its label in `locale`, whether it is required, its type and choices (what a
    console needs to fill it in), the value as stored and as shown, and `source`: the message it
    came from or the liaison who entered it. `can_submit` says a liaison may submit it for the
    person: a draft, with their consent, with nothing required missing.
    """
    values: dict[str, Any] = intake.get("fields") or {}
    sources: dict[str, Any] = intake.get("sources") or {}
    rows = []
    for name, spec in fields_for(str(intake["kind"])).items():
        value = values.get(name)
        rows.append(
            {
                "name": name,
                "label": spec.text("label", locale),
                "required": spec.required,
                "type": spec.type,
                "choices": list(spec.choices),
                "value": value,
                "display": format_value(spec, value, locale) if value is not None else None,
                "status": "missing" if value is None else "filled",
                "source": sources.get(name),
            }
        )
    missing = [r["name"] for r in rows if r["required"] and r["value"] is None]
    draft = intake.get("status") in DRAFT_STATUSES
    consent = values.get("consent_to_share") is True
    return {
        **{k: v for k, v in intake.items() if k not in ("fields", "sources")},
        "fields": rows,
        "missing_required": missing,
        "consent": consent,
        "can_submit": draft and consent and not missing,
    }
