"""Intake listing and export (CSV / JSON Lines) for liaisons and the `export` command."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select

from assistant import display
from assistant.errors import NotFoundError
from assistant.intake.schemas import fields_for
from assistant.intake.status import statuses_for
from assistant.store.db import Database
from assistant.store.models import Conversation, Intake, iso_utc

Kind = Literal["employer", "student"]
Format = Literal["csv", "jsonl"]

# Column order of CSV exports: the field registry's names, in the order the form asks them.
EMPLOYER_COLUMNS = tuple(fields_for("employer"))
STUDENT_COLUMNS = tuple(fields_for("student"))
META_COLUMNS = (
    "id",
    "kind",
    "status",
    "routed_to",
    "conversation_id",
    "created_at",
    "submitted_at",
)


def intake_dict(row: Intake, conversation: Conversation | None = None) -> dict[str, Any]:
    """Return the public JSON shape of a stored intake.

    Besides the stored codes it carries the short reference the person was told, the
    conversation's language and channel, and `labels`: each field's value for people, in English
    and French (the console shows those, never `co_op` or `2027-summer`).
    """
    fields = row.fields or {}
    return {
        "id": row.id,
        "reference": display.intake_reference(row.id),
        "kind": row.kind,
        "status": row.status,
        "fields": fields,
        "conversation_id": row.conversation_id,
        "language": conversation.locale if conversation is not None else None,
        "channel": conversation.channel if conversation is not None else None,
        "routed_to": row.routed_to or [],
        "created_at": iso_utc(row.created_at),
        "submitted_at": iso_utc(row.submitted_at),
        "labels": {
            language: {
                name: display.value_label(row.kind, name, value, language)
                for name, value in fields.items()
            }
            for language in display.EN_FR
        },
    }


def _rows(
    db: Database, kind: str | None, status: str | None
) -> list[tuple[Intake, Conversation | None]]:
    query = select(Intake, Conversation).outerjoin(
        Conversation, Conversation.id == Intake.conversation_id
    )
    if kind:
        query = query.where(Intake.kind == kind)
    statuses = statuses_for(status)
    if statuses:
        query = query.where(Intake.status.in_(statuses))  # "draft" selects both draft statuses
    with db.session() as s:
        return [(i, c) for i, c in s.execute(query.order_by(Intake.created_at.desc()))]


def list_intakes(
    db: Database, *, kind: str | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    """Return intakes, newest first, optionally filtered by kind and status."""
    return [intake_dict(i, c) for i, c in _rows(db, kind, status)]


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
# A phone number ("+1 403-555-0199") starts with "+" but can run nothing: it is left as typed,
# so the secretariat does not read "'+1 403..." (only digits, spaces and ( ) . - after the +).
PHONE = re.compile(r"\+?\d[\d ().-]{5,24}")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)  # a number is no formula (and -5 must stay a number)
    text = "; ".join(_text(v) for v in value) if isinstance(value, list) else _text(value)
    # Whatever a person typed (a name, a list of programs...) is neutralised, whatever its type.
    stripped = text.strip(" \u00a0")
    if stripped[:1] in FORMULA_STARTS and not PHONE.fullmatch(stripped):
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
    """Yield CSV text with field codes as headers and values (the API's machine-readable export).

    Rows from `list_intakes` carry the reference, language and channel too; they are written
    after the original columns, so scripts reading the earlier columns keep working.
    """
    cols = columns_for(kind)
    extra = ("reference", "language", "channel")
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([*META_COLUMNS, *cols, *extra])
    yield buf.getvalue()
    for item in intakes:
        buf.seek(0)
        buf.truncate()
        fields = item.get("fields", {})
        writer.writerow(
            [_cell(item.get(c)) for c in META_COLUMNS]
            + [_cell(fields.get(c)) for c in cols]
            + [_cell(item.get(c)) for c in extra]
        )
        yield buf.getvalue()


def iter_jsonl(intakes: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Yield one JSON object per line."""
    for item in intakes:
        yield json.dumps(item, ensure_ascii=False) + "\n"


# --- The secretariat's export: what a funder or an institution is handed -----------------------


@dataclass(frozen=True)
class ExportOptions:
    """What a secretariat export holds and how it reads.

    By default only submitted intakes whose person consented to sharing are exported, with
    labels in `locale`'s language and times in the secretariat's zone; `include_drafts` adds
    drafts and intakes without consent, `codes` writes the stored codes instead of labels.
    """

    kind: Kind | None = None
    locale: str = "en"
    include_drafts: bool = False
    codes: bool = False
    timezone: str = "America/Edmonton"


def shareable(item: dict[str, Any]) -> bool:
    """Tell whether an intake may leave the secretariat: submitted, with the person's consent."""
    return (
        item.get("status") == "submitted"
        and (item.get("fields") or {}).get("consent_to_share") is True
    )


@dataclass(frozen=True)
class ExportRow:
    """One exported intake: its public shape and its two times as stored."""

    item: dict[str, Any]
    created: datetime | None
    submitted: datetime | None


def export_intakes(db: Database, options: ExportOptions) -> list[ExportRow]:
    """Return the intakes an export holds, oldest first (the order a report reads)."""
    rows = [
        ExportRow(intake_dict(i, c), i.created_at, i.submitted_at)
        for i, c in reversed(_rows(db, options.kind, None))
    ]
    if not options.include_drafts:
        rows = [r for r in rows if shareable(r.item)]
    return rows


_HEADERS = {
    "reference": {"en": "Reference", "fr": "Référence"},
    "kind": {"en": "Type", "fr": "Type"},
    "status": {"en": "Status", "fr": "Statut"},
    "language": {"en": "Language", "fr": "Langue"},
    "channel": {"en": "Channel", "fr": "Canal"},
    "created_at": {"en": "Started ({tz} time)", "fr": "Commencé (heure {tz})"},
    "submitted_at": {"en": "Submitted ({tz} time)", "fr": "Soumis (heure {tz})"},
    "routed_to": {"en": "Sent to", "fr": "Transmis à"},
}
_LABEL_META = (
    "reference",
    "kind",
    "status",
    "language",
    "channel",
    "created_at",
    "submitted_at",
    "routed_to",
)


# Calgary keeps Edmonton's zone; a Calgary secretariat reads "Calgary time" in a header.
_ZONE_CITIES = {"America/Edmonton": "Calgary"}


def _zone_city(timezone: str) -> str:
    """Return the city people recognise for a zone ("Calgary" for America/Edmonton)."""
    return _ZONE_CITIES.get(timezone) or timezone.rsplit("/", 1)[-1].replace("_", " ")


def header_row(options: ExportOptions) -> list[str]:
    """Return the export's header: labels in the chosen language, or the codes."""
    cols = columns_for(options.kind)
    if options.codes:
        return [*_LABEL_META, *cols]
    language = display.lang(options.locale)
    tz = _zone_city(options.timezone)
    head = [_HEADERS[c][language].format(tz=tz) for c in _LABEL_META]
    return head + [display.field_label(options.kind, c, language) for c in cols]


def export_row(row: ExportRow, options: ExportOptions) -> list[str]:
    """Return one intake as CSV cells (labels or codes), spreadsheet-safe."""
    return [_cell(v) for v in export_values(row, options)]


def export_values(row: ExportRow, options: ExportOptions) -> list[Any]:
    """Return one intake's values in column order (labels or codes), before any CSV guard."""
    item = row.item
    fields = item.get("fields") or {}
    cols = columns_for(options.kind)
    kind = item.get("kind")
    if options.codes:
        created = display.local_iso(row.created, options.timezone)
        submitted = display.local_iso(row.submitted, options.timezone)
        meta: list[Any] = [
            item.get("reference"), kind, item.get("status"), item.get("language"),
            item.get("channel"), created, submitted, item.get("routed_to") or [],
        ]  # fmt: skip
        return meta + [fields.get(c) for c in cols]
    language = display.lang(options.locale)
    created = display.local_time(row.created, options.timezone)
    submitted = display.local_time(row.submitted, options.timezone)
    meta = [
        item.get("reference"),
        display.kind_label(kind, language),
        display.status_label(item.get("status"), language),
        display.language_label(item.get("language"), language),
        display.channel_label(item.get("channel"), language),
        created,
        submitted,
        [display.institution_label(i) for i in item.get("routed_to") or []],
    ]
    return meta + [display.value_label(kind, c, fields.get(c), language) for c in cols]


def export_xlsx(rows: Iterable[ExportRow], options: ExportOptions) -> bytes:
    """Return the secretariat's export as an .xlsx workbook.

    Every cell is typed: text stays text (a phone number is never a formula or a number, and
    needs no guard), numbers stay numbers; lists read "a; b", yes/no in the chosen language.
    """
    from assistant.xlsx import workbook

    yes_no = ("Oui", "Non") if display.lang(options.locale) == "fr" else ("Yes", "No")

    def typed(value: Any) -> str | int | float | None:
        if value is None:
            return None
        if isinstance(value, bool):
            return yes_no[0] if value else yes_no[1]
        if isinstance(value, int | float):
            return value
        if isinstance(value, list):
            return "; ".join(str(typed(v)) for v in value)
        return str(value)

    table: list[list[str | int | float | None]] = [list(header_row(options))]
    table += [[typed(v) for v in export_values(row, options)] for row in rows]
    title = {"employer": "offers", "student": "students"}.get(options.kind or "", "intakes")
    return workbook(table, sheet_name=title)


def iter_export_csv(rows: Iterable[ExportRow], options: ExportOptions) -> Iterator[str]:
    """Yield the secretariat's CSV: a header, then one row per intake.

    It starts with a byte-order mark so that spreadsheet apps read the accents right.
    """
    buf = io.StringIO()
    writer = csv.writer(buf)
    buf.write("\ufeff")
    writer.writerow(header_row(options))
    yield buf.getvalue()
    for row in rows:
        buf.seek(0)
        buf.truncate()
        writer.writerow(export_row(row, options))
        yield buf.getvalue()


def iter_export_jsonl(rows: Iterable[ExportRow], options: ExportOptions) -> Iterator[str]:
    """Yield one JSON object per intake: codes, with the chosen language's labels unless `codes`."""
    language = display.lang(options.locale)
    for row in rows:
        record = dict(row.item)
        record["created_at"] = display.local_iso(row.created, options.timezone)
        record["submitted_at"] = display.local_iso(row.submitted, options.timezone)
        labels = record.pop("labels", {})
        if not options.codes:
            record["labels"] = labels.get(language, {})
        yield json.dumps(record, ensure_ascii=False, default=str) + "\n"
