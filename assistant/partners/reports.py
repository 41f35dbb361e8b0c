"""The numbers a funder asks for: employers engaged, offers routed, taken up and filled, students
placed, by institution, term, WIL type and organization size.

Counts cover employer offers submitted in the period (Calgary dates, both ends included); the
answers institutions gave to those offers are counted whenever they were given. Only counts
leave this module: no names, no contact details.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from assistant import display
from assistant.config import load_zone
from assistant.partners.models import OfferOutcome
from assistant.store.db import Database
from assistant.store.models import Conversation, Handoff, Intake, KnowledgeGap, Message, as_utc

MEASURES = (
    "offers_submitted",
    "offers_routed",
    "offers_taken_up",
    "offers_filled",
    "students_placed",
)
INSTITUTION_MEASURES = ("routed", "interested", "not_this_term", "filled", "students_placed")
LABELS = {
    "employers_engaged": {"en": "Employers engaged", "fr": "Employeurs mobilisés"},
    "offers_submitted": {"en": "Offers submitted", "fr": "Offres soumises"},
    "offers_routed": {"en": "Offers routed to institutions", "fr": "Offres transmises"},
    "offers_taken_up": {"en": "Offers taken up", "fr": "Offres retenues"},
    "offers_filled": {"en": "Offers filled", "fr": "Offres pourvues"},
    "students_placed": {"en": "Students placed", "fr": "Étudiants placés"},
    "routed": {"en": "Offers received", "fr": "Offres reçues"},
    "interested": {"en": "Interested", "fr": "Intéressé"},
    "not_this_term": {"en": "Not this term", "fr": "Pas ce trimestre"},
    "filled": {"en": "Filled", "fr": "Pourvu"},
    "total": {"en": "Total", "fr": "Total"},
    "institution": {"en": "Institution", "fr": "Établissement"},
    "term": {"en": "Term", "fr": "Trimestre"},
    "wil_type": {"en": "Type of WIL", "fr": "Type d'AIT"},
    "organization_size": {"en": "Organization size", "fr": "Taille de l'organisation"},
    "unknown": {"en": "Not given", "fr": "Non précisé"},
    "activity": {"en": "Activity", "fr": "Activité"},
    "conversations": {"en": "Conversations", "fr": "Conversations"},
    "answered_alone_pct": {
        "en": "Conversations the assistant handled alone (%)",
        "fr": "Conversations traitées par l'assistant seul (%)",
    },
    "handoffs": {"en": "Requests for a liaison", "fr": "Demandes de personne-ressource"},
    "first_reply_median_min": {
        "en": "Median minutes to a liaison's first reply",
        "fr": "Minutes médianes avant la première réponse d'une personne-ressource",
    },
    "knowledge_gaps": {"en": "Questions left unanswered", "fr": "Questions restées sans réponse"},
}
ACTIVITY = (
    "conversations",
    "answered_alone_pct",
    "handoffs",
    "first_reply_median_min",
    "knowledge_gaps",
)


def label(key: str, locale: str) -> str:
    """Return a report label in the locale's language."""
    return LABELS.get(key, {}).get(display.lang(locale), key)


@dataclass(frozen=True)
class Period:
    """Calgary dates, both included; None means open-ended."""

    start: date | None = None
    end: date | None = None

    def bounds(self, timezone: str) -> tuple[datetime | None, datetime | None]:
        """Return the period as UTC-comparable aware datetimes [start, end)."""
        tz = load_zone(timezone)
        low = datetime.combine(self.start, time(0), tz) if self.start else None
        high = datetime.combine(self.end + timedelta(days=1), time(0), tz) if self.end else None
        return low, high


def _organization_key(fields: dict[str, Any], intake_id: str) -> str:
    """Return who the employer is, folded, so that two offers of one employer count once."""
    for name in ("organization_name", "contact_email"):
        value = fields.get(name)
        if isinstance(value, str) and value.strip():
            return f"{name}:{' '.join(value.casefold().split())}"
    return f"intake:{intake_id}"


def outcomes_report(db: Database, period: Period, timezone: str) -> dict[str, Any]:
    """Return the funder's numbers for offers submitted in the period (codes; see `report_rows`)."""
    low, high = period.bounds(timezone)
    query = select(Intake).where(Intake.kind == "employer", Intake.status == "submitted")
    if low is not None:
        query = query.where(Intake.submitted_at >= low)
    if high is not None:
        query = query.where(Intake.submitted_at < high)
    with db.session() as s:
        offers = list(s.scalars(query))
        ids = [o.id for o in offers]
        answers = (
            list(s.scalars(select(OfferOutcome).where(OfferOutcome.intake_id.in_(ids))))
            if ids
            else []
        )
    by_offer: dict[str, list[OfferOutcome]] = defaultdict(list)
    for a in answers:
        by_offer[a.intake_id].append(a)
    employers = {_organization_key(o.fields or {}, o.id) for o in offers}
    institutions: dict[str, Counter[str]] = {i: Counter() for i in _institutions()}
    terms: dict[str, Counter[str]] = defaultdict(Counter)
    wil_types: dict[str, Counter[str]] = defaultdict(Counter)
    sizes: dict[str, Counter[str]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    for offer in offers:
        fields = offer.fields or {}
        mine = by_offer.get(offer.id, [])
        routed = [i for i in offer.routed_to or [] if isinstance(i, str)]
        filled = [a for a in mine if a.status == "filled"]
        placed = sum(a.students_placed or 0 for a in filled)
        taken = any(a.status in ("interested", "filled") for a in mine)
        row = Counter(
            offers_submitted=1,
            offers_routed=int(bool(routed)),
            offers_taken_up=int(taken),
            offers_filled=int(bool(filled)),
            students_placed=placed,
        )
        totals.update(row)
        wil_types[str(fields.get("wil_type") or "unknown")].update(row)
        sizes[str(fields.get("organization_size") or "unknown")].update(row)
        for inst in routed:
            institutions.setdefault(inst, Counter())["routed"] += 1
        for a in mine:
            counts = institutions.setdefault(a.institution, Counter())
            counts[a.status] += 1
            if a.status == "filled":
                counts["students_placed"] += a.students_placed or 0
                terms[a.term or "unknown"].update(
                    offers_filled=1, students_placed=a.students_placed or 0
                )
    return {
        "activity": activity(db, low, high),
        "period": {
            "from": period.start.isoformat() if period.start else None,
            "to": period.end.isoformat() if period.end else None,
            "timezone": timezone,
        },
        "employers_engaged": len(employers),
        **{m: totals[m] for m in MEASURES},
        "by_institution": [
            {"institution": i, **{m: c[m] for m in INSTITUTION_MEASURES}}
            for i, c in institutions.items()
        ],
        "by_term": [
            {
                "term": t,
                "offers_filled": c["offers_filled"],
                "students_placed": c["students_placed"],
            }
            for t, c in sorted(terms.items())
        ],
        "by_wil_type": [
            {"wil_type": k, **{m: c[m] for m in MEASURES}} for k, c in sorted(wil_types.items())
        ],
        "by_organization_size": [
            {"organization_size": k, **{m: c[m] for m in MEASURES}}
            for k, c in sorted(sizes.items())
        ],
    }


def activity(db: Database, low: datetime | None, high: datetime | None) -> dict[str, int]:
    """Return conversations, the share the assistant handled alone, handoffs, the median time to
    a liaison's first reply and unanswered questions, for conversations started in the period."""

    def within(column: Any, query: Any) -> Any:
        if low is not None:
            query = query.where(column >= low)
        if high is not None:
            query = query.where(column < high)
        return query

    with db.session() as s:
        talked = set(
            s.scalars(
                within(
                    Conversation.created_at,
                    select(Conversation.id)
                    .join(Message, Message.conversation_id == Conversation.id)
                    .where(Message.role == "user"),
                ).distinct()
            )
        )
        tickets = list(s.scalars(within(Handoff.created_at, select(Handoff))))
        waits: list[float] = []
        for ticket in tickets:
            first = s.scalars(
                select(Message.created_at)
                .where(
                    Message.conversation_id == ticket.conversation_id,
                    Message.role == "liaison",
                    Message.created_at >= ticket.created_at,
                )
                .order_by(Message.id)
                .limit(1)
            ).first()
            opened, replied = as_utc(ticket.created_at), as_utc(first)
            if opened is not None and replied is not None:
                waits.append((replied - opened).total_seconds() / 60)
        gaps = s.scalar(within(KnowledgeGap.created_at, select(func.count(KnowledgeGap.id))))
    handed = {t.conversation_id for t in tickets}
    alone = len(talked - handed)
    return {
        "conversations": len(talked),
        "answered_alone_pct": round(100 * alone / len(talked)) if talked else 0,
        "handoffs": len(tickets),
        "first_reply_median_min": round(statistics.median(waits)) if waits else 0,
        "knowledge_gaps": int(gaps or 0),
    }


def _institutions() -> tuple[str, ...]:
    from assistant.liaisons import partner_institutions

    return partner_institutions()


def _group_label(section: str, code: str, locale: str) -> str:
    if code == "unknown":
        return label("unknown", locale)
    if section == "institution":
        return display.institution_label(code)
    if section == "term":
        return display.term_label(code, locale)
    if section == "wil_type":
        return str(display.value_label("employer", "wil_type", code, locale))
    return code


def report_rows(report: dict[str, Any], locale: str) -> Iterator[tuple[str, str, str, int]]:
    """Yield (section, group, measure, value) rows with labels: what the CSV and console show."""
    total = label("total", locale)
    for key in ("employers_engaged", *MEASURES):
        yield total, "", label(key, locale), int(report[key])
    for key in ACTIVITY:
        yield label("activity", locale), "", label(key, locale), int(report["activity"][key])
    sections = (
        ("institution", "by_institution", INSTITUTION_MEASURES),
        ("term", "by_term", ("offers_filled", "students_placed")),
        ("wil_type", "by_wil_type", MEASURES),
        ("organization_size", "by_organization_size", MEASURES),
    )
    for section, key, measures in sections:
        for group in report[key]:
            name = _group_label(section, str(group[section]), locale)
            for m in measures:
                yield label(section, locale), name, label(m, locale), int(group[m])


def iter_report_csv(report: dict[str, Any], locale: str) -> Iterator[str]:
    """Yield the report as CSV (one measure per row: a funder's spreadsheet pivots it)."""
    heads = {
        "en": ("Section", "Group", "Measure", "Value"),
        "fr": ("Section", "Groupe", "Mesure", "Valeur"),
    }
    buf = io.StringIO()
    writer = csv.writer(buf)
    buf.write("\ufeff")
    writer.writerow(heads[display.lang(locale)])
    for row in report_rows(report, locale):
        writer.writerow(row)
    yield buf.getvalue()


def report_xlsx(report: dict[str, Any], locale: str) -> bytes:
    """Return the report as an .xlsx workbook: the CSV's rows, numbers as numbers."""
    from assistant.xlsx import workbook

    heads = {
        "en": ["Section", "Group", "Measure", "Value"],
        "fr": ["Section", "Groupe", "Mesure", "Valeur"],
    }
    rows: list[list[str | int | float | None]] = [list(heads[display.lang(locale)])]
    rows += [[a, b, c, d] for a, b, c, d in report_rows(report, locale)]
    return workbook(rows, sheet_name="outcomes")
