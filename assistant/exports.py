"""Intake listing and export (CSV / JSON Lines) for liaisons and the `export` command."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from sqlalchemy import select

from assistant.errors import NotFoundError
from assistant.store.db import Database
from assistant.store.models import Intake, iso_utc

Kind = Literal["employer", "student"]
Format = Literal["csv", "jsonl"]

# Column order of CSV exports: the contract's field names, in the order a liaison reads them.
EMPLOYER_COLUMNS = (
    "organization_name", "contact_name", "contact_email", "contact_phone", "organization_size",
    "industry", "location", "work_arrangement", "wil_type", "role_title", "role_description",
    "students_count", "start_term", "duration_months", "paid", "hourly_wage", "programs_sought",
    "institutions_preferred", "consent_to_share",
)  # fmt: skip
STUDENT_COLUMNS = (
    "full_name", "email", "institution", "program", "year_of_study", "enrollment_status",
    "residency_status", "wil_type", "preferred_term", "interests", "consent_to_share",
)  # fmt: skip
META_COLUMNS = (
    "id",
    "kind",
    "status",
    "routed_to",
    "conversation_id",
    "created_at",
    "submitted_at",
)


def intake_dict(row: Intake) -> dict[str, Any]:
    """Return the public JSON shape of a stored intake."""
    return {
        "id": row.id,
        "kind": row.kind,
        "status": row.status,
        "fields": row.fields or {},
        "conversation_id": row.conversation_id,
        "routed_to": row.routed_to or [],
        "created_at": iso_utc(row.created_at),
        "submitted_at": iso_utc(row.submitted_at),
    }


def list_intakes(
    db: Database, *, kind: str | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    """Return intakes, newest first, optionally filtered by kind and status."""
    query = select(Intake)
    if kind:
        query = query.where(Intake.kind == kind)
    if status:
        query = query.where(Intake.status == status)
    with db.session() as s:
        return [intake_dict(r) for r in s.scalars(query.order_by(Intake.created_at.desc()))]


def delete_intake(db: Database, intake_id: str) -> None:
    """Delete one intake (an admin acting on a request); NotFoundError if it does not exist."""
    with db.session() as s:
        row = s.get(Intake, intake_id)
        if row is None:
            raise NotFoundError("intake not found")
        s.delete(row)


# Spreadsheet apps run a cell that starts with one of these as a formula (CSV injection), also
# after leading spaces or line breaks; the full-width forms are folded to them by some apps.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)  # a number is no formula (and -5 must stay a number)
    text = "; ".join(_text(v) for v in value) if isinstance(value, list) else _text(value)
    # Whatever a person typed (a name, a list of programs...) is neutralised, whatever its type.
    if text.lstrip(" \u00a0")[:1] in FORMULA_STARTS:
        text = "'" + text
    return text


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def columns_for(kind: str | None) -> tuple[str, ...]:
    """Return the field columns for a kind (both kinds' fields when mixed)."""
    if kind == "employer":
        return EMPLOYER_COLUMNS
    if kind == "student":
        return STUDENT_COLUMNS
    return EMPLOYER_COLUMNS + tuple(c for c in STUDENT_COLUMNS if c not in EMPLOYER_COLUMNS)


def iter_csv(intakes: Iterable[dict[str, Any]], kind: str | None) -> Iterator[str]:
    """Yield CSV text: a header, then one row per intake."""
    cols = columns_for(kind)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([*META_COLUMNS, *cols])
    yield buf.getvalue()
    for item in intakes:
        buf.seek(0)
        buf.truncate()
        fields = item.get("fields", {})
        writer.writerow(
            [_cell(item.get(c)) for c in META_COLUMNS] + [_cell(fields.get(c)) for c in cols]
        )
        yield buf.getvalue()


def iter_jsonl(intakes: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Yield one JSON object per line."""
    for item in intakes:
        yield json.dumps(item, ensure_ascii=False) + "\n"
