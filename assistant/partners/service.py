"""The partner desk: offers routed to an institution, its answer to each, and the employer told.

An employer's submitted offer is routed to the institutions that fit it (`routed_to`). Each of
those institutions sees it (only with the employer's consent to share) and answers: interested,
not this term, or filled (how many students, which term), with a note. When an institution takes
the offer up (interested or filled) the employer hears it in the conversation's channel, once per
institution and answer. The secretariat sees every offer's answers across institutions.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant import display
from assistant.errors import ForbiddenError, NotFoundError, UserInputError
from assistant.exports import intake_dict, shareable
from assistant.partners.models import OfferOutcome
from assistant.store.db import Database
from assistant.store.models import Conversation, Intake, iso_utc

logger = logging.getLogger(__name__)

ANSWERS = ("interested", "not_this_term", "filled")
ROUTED = "routed"  # no answer yet
TAKEN_UP = frozenset({"interested", "filled"})
MAX_NOTE = 2000
MAX_STUDENTS = 500

ANSWER_LABELS = {
    "routed": {"en": "Awaiting the institution", "fr": "En attente de l'établissement"},
    "interested": {"en": "Interested", "fr": "Intéressé"},
    "not_this_term": {"en": "Not this term", "fr": "Pas ce trimestre"},
    "filled": {"en": "Filled", "fr": "Pourvu"},
}

# What the employer is told, in the conversation's language, when an institution takes the offer up.
TOLD = {
    "interested": {
        "en": (
            "Good news about your offer {ref}{role}: {institution} is interested. Their "
            "work-integrated learning team will contact you about the next steps."
        ),
        "fr": (
            "Bonne nouvelle pour votre offre {ref}{role} : {institution} est intéressé. Son "
            "équipe d'apprentissage intégré au travail communiquera avec vous pour la suite."
        ),
    },
    "filled": {
        "en": "Your offer {ref}{role} is filled by {institution}: {students} for {term}.",
        "fr": "Votre offre {ref}{role} est pourvue par {institution} : {students} pour {term}.",
    },
}


def answer_label(status: str, locale: str) -> str:
    """Return an institution's answer for people ("Not this term", "Pourvu")."""
    return ANSWER_LABELS.get(status, {}).get(display.lang(locale), status)


def _outcome_dict(row: OfferOutcome | None, institution: str) -> dict[str, Any]:
    if row is None:
        return {
            "institution": institution,
            "institution_name": display.institution_label(institution),
            "status": ROUTED,
            "note": "",
            "students_placed": None,
            "term": None,
            "updated_at": None,
        }
    return {
        "institution": institution,
        "institution_name": display.institution_label(institution),
        "status": row.status,
        "note": row.note or "",
        "students_placed": row.students_placed,
        "term": row.term,
        "term_labels": {lang: display.term_label(row.term, lang) for lang in display.EN_FR},
        "updated_at": iso_utc(row.updated_at),
    }


def _routed_offers(s: Session) -> list[tuple[Intake, Conversation | None]]:
    """Return submitted employer offers whose employer consented to sharing, newest first."""
    query = (
        select(Intake, Conversation)
        .outerjoin(Conversation, Conversation.id == Intake.conversation_id)
        .where(Intake.kind == "employer", Intake.status == "submitted")
        .order_by(Intake.submitted_at.desc(), Intake.created_at.desc())
    )
    rows = [(i, c) for i, c in s.execute(query)]
    return [(i, c) for i, c in rows if shareable({"status": i.status, "fields": i.fields})]


def _outcomes(s: Session, intake_ids: list[str]) -> dict[tuple[str, str], OfferOutcome]:
    if not intake_ids:
        return {}
    rows = s.scalars(select(OfferOutcome).where(OfferOutcome.intake_id.in_(intake_ids)))
    return {(r.intake_id, r.institution): r for r in rows}


def offers_for(db: Database, institution: str) -> list[dict[str, Any]]:
    """Return the offers routed to one institution, each with that institution's answer."""
    with db.session() as s:
        offers = [(i, c) for i, c in _routed_offers(s) if institution in (i.routed_to or [])]
        answers = _outcomes(s, [i.id for i, _ in offers])
        return [
            {
                **intake_dict(i, c),
                "outcome": _outcome_dict(answers.get((i.id, institution)), institution),
            }
            for i, c in offers
        ]


def students_for(db: Database, institution: str) -> list[dict[str, Any]]:
    """Return the student profiles routed to one institution (submitted, with consent), newest first."""
    query = (
        select(Intake, Conversation)
        .outerjoin(Conversation, Conversation.id == Intake.conversation_id)
        .where(Intake.kind == "student", Intake.status == "submitted")
        .order_by(Intake.submitted_at.desc(), Intake.created_at.desc())
    )
    with db.session() as s:
        return [
            intake_dict(i, c)
            for i, c in s.execute(query)
            if institution in (i.routed_to or [])
            and shareable({"status": i.status, "fields": i.fields})
        ]


def overview(db: Database) -> list[dict[str, Any]]:
    """Return every routed offer with each institution's answer (the secretariat's view)."""
    with db.session() as s:
        offers = _routed_offers(s)
        answers = _outcomes(s, [i.id for i, _ in offers])
        return [
            {
                **intake_dict(i, c),
                "outcomes": [
                    _outcome_dict(answers.get((i.id, inst)), inst) for inst in i.routed_to or []
                ],
            }
            for i, c in offers
        ]


@dataclass(frozen=True)
class Routed:
    """Where an offer goes after a liaison sent it on, and whether that changed anything."""

    routed_to: list[str]
    added: bool
    offer: dict[str, Any]


def route_to(db: Database, intake_id: str, institution: str) -> Routed:
    """Send an offer to one more institution (a liaison's decision).

    Offers no institution matched go to the secretariat only (`routed_to` empty); a liaison
    who knows a fit sends it on. The offer must be shareable (submitted, with consent).
    """
    from assistant.liaisons import check_institution

    with db.session() as s:
        intake = s.get(Intake, intake_id)
        if (
            intake is None
            or intake.kind != "employer"
            or not shareable({"status": intake.status, "fields": intake.fields})
        ):
            raise NotFoundError("offer not found")
        institution = check_institution(institution)
        routed = [str(i) for i in intake.routed_to or []]
        added = institution not in routed
        if added:
            intake.routed_to = [*routed, institution]
        s.flush()
        return Routed(list(intake.routed_to), added, intake_dict(intake))


@dataclass(frozen=True)
class Answer:
    """An institution's answer to an offer, as a partner gives it."""

    status: str
    note: str = ""
    students_placed: int | None = None
    term: str | None = None


def check_answer(answer: Answer) -> Answer:
    """Return the answer cleaned, or raise UserInputError saying what is missing or wrong."""
    from assistant.intake.terms import is_valid_term

    if answer.status not in ANSWERS:
        raise UserInputError(f"status must be one of {', '.join(ANSWERS)}")
    note = " ".join(answer.note.split()) if answer.note else ""
    if len(note) > MAX_NOTE:
        raise UserInputError(f"the note is longer than {MAX_NOTE} characters")
    if answer.status != "filled":
        return Answer(answer.status, note)
    students = answer.students_placed
    if students is None or not 1 <= students <= MAX_STUDENTS:
        raise UserInputError("a filled offer needs how many students were placed (1 or more)")
    term = (answer.term or "").strip().lower()
    if not is_valid_term(term):
        raise UserInputError("a filled offer needs the term, e.g. 2027-summer or 2027-09")
    return Answer("filled", note, students, term)


@dataclass(frozen=True)
class Recorded:
    """What recording an answer did: the outcome, and the message the employer should get."""

    outcome: dict[str, Any]
    tell: dict[str, Any] | None  # {conversation_id, channel, text, author} or None


def record_answer(
    db: Database,
    intake_id: str,
    institution: str,
    answer: Answer,
    *,
    by: int | None,
    can_email: bool = False,
) -> Recorded:
    """Store an institution's answer to an offer routed to it; say what the employer is told.

    Raises NotFoundError for an unknown offer (or one without consent), ForbiddenError when the
    offer was not routed to this institution, UserInputError for an incomplete answer.
    """
    answer = check_answer(answer)
    with db.session() as s:
        intake = s.get(Intake, intake_id)
        if (
            intake is None
            or intake.kind != "employer"
            or not shareable({"status": intake.status, "fields": intake.fields})
        ):
            raise NotFoundError("offer not found")
        if institution not in (intake.routed_to or []):
            raise ForbiddenError("this offer was not routed to your institution")
        row = s.scalars(
            select(OfferOutcome).where(
                OfferOutcome.intake_id == intake_id, OfferOutcome.institution == institution
            )
        ).first()
        if row is None:
            row = OfferOutcome(intake_id=intake_id, institution=institution, status=answer.status)
            s.add(row)
        row.status = answer.status
        row.note = answer.note
        row.students_placed = answer.students_placed
        row.term = answer.term
        row.updated_by = by
        tell = None
        if answer.status in TAKEN_UP and row.employer_told != _told_key(answer):
            tell = _message_for(s, intake, institution, answer, can_email=can_email)
            if tell is not None:
                row.employer_told = _told_key(answer)
        s.flush()
        return Recorded(_outcome_dict(row, institution), tell)


def _told_key(answer: Answer) -> str:
    """Return what the employer was told, so the same news is not sent twice."""
    return answer.status if answer.status != "filled" else f"filled:{answer.term}"


def _message_for(
    s: Session, intake: Intake, institution: str, answer: Answer, *, can_email: bool
) -> dict[str, Any] | None:
    conv = s.get(Conversation, intake.conversation_id) if intake.conversation_id else None
    fields = intake.fields or {}
    email = fields.get("contact_email")
    if conv is None and not (can_email and isinstance(email, str) and "@" in email):
        return None
    # No conversation left (purged, or the offer came another way): the contact email instead.
    lang = display.lang(conv.locale if conv is not None else "en")
    role = f" ({fields['role_title']})" if fields.get("role_title") else ""
    name = display.institution_label(institution)
    students = answer.students_placed or 0
    if lang == "fr":
        count = f"{students} étudiant{'s' if students > 1 else ''}"
    else:
        count = f"{students} student{'s' if students != 1 else ''}"
    text = TOLD[answer.status][lang].format(
        ref=display.intake_reference(intake.id),
        role=role,
        institution=name,
        students=count,
        term=display.term_label(answer.term, lang),
    )
    if conv is None:
        return {"email": email, "text": text, "author": name, "subject": f"[WIL] {text}"[:180]}
    return {"conversation_id": conv.id, "channel": conv.channel, "text": text, "author": name}


Deliver = Callable[[str, str, dict[str, Any]], Awaitable[None]]


async def tell_employer(db: Database, tell: dict[str, Any], deliver: Deliver) -> dict[str, Any]:
    """Add the institution's news to the employer's conversation and deliver it on its channel."""
    from assistant.conversations import add_message
    from assistant.handoff.views import message_event

    with db.session() as s:
        msg = add_message(
            s,
            tell["conversation_id"],
            "liaison",
            tell["text"],
            meta={"author": tell["author"], "partner": True},
        )
        event = message_event(msg, author=tell["author"])
    await deliver(tell["channel"], tell["conversation_id"], event)
    return event
