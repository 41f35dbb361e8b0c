"""Institution partners and outcomes: the partner desk, the secretariat's view of every offer's
answers, and the funder's numbers (JSON and CSV).

Partner accounts (role `institution`) authenticate like liaisons (console session or bearer
token) but reach only `/api/partner/...`; the secretariat's endpoints refuse them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field, field_validator

from assistant import display
from assistant.errors import AuthError, ForbiddenError, UserInputError
from assistant.events import conversation_topic
from assistant.exports import columns_for
from assistant.handoff.service import STREAMED_CHANNELS
from assistant.liaisons import (
    PARTNER_ROLE,
    active_account_by_token,
    institution_of,
    partner_institutions,
)
from assistant.partners.mail import email_employer, tell_partners
from assistant.partners.reports import (
    Period,
    iter_report_csv,
    outcomes_report,
    report_rows,
    report_xlsx,
)
from assistant.partners.service import (
    Answer,
    offers_for,
    overview,
    record_answer,
    route_to,
    students_for,
    tell_employer,
)
from assistant.store.models import Liaison
from assistant.text_input import clean_input_text
from channels.web.deps import LiaisonDep, RuntimeDep, TokenDep

router = APIRouter(tags=["partners"])


class Partner(BaseModel):
    """A signed-in institution partner: the account and the institution it speaks for."""

    id: int
    name: str
    institution: str


def require_partner(runtime: RuntimeDep, token: TokenDep, request: Request) -> Partner:
    """Return the institution partner this request authenticates (401/403 otherwise)."""
    account: Liaison | None = getattr(request.state, "console_partner", None)
    if account is None:
        if getattr(request.state, "console_liaison", None) is not None:
            raise ForbiddenError("institution partner account required")
        if not token:
            raise AuthError("partner token required")
        account = active_account_by_token(runtime.db, token)
        if account is None:
            raise AuthError("invalid token")
    if account.role != PARTNER_ROLE:
        raise ForbiddenError("institution partner account required")
    institution = institution_of(runtime.db, account.id)
    if institution is None:
        raise ForbiddenError("this account is not linked to an institution")
    return Partner(id=account.id, name=account.name, institution=institution)


PartnerDep = Annotated[Partner, Depends(require_partner)]


class AnswerBody(BaseModel):
    """An institution's answer to an offer routed to it."""

    status: Literal["interested", "not_this_term", "filled"]
    note: str = Field(default="", max_length=2000)
    students_placed: int | None = Field(default=None, ge=1, le=500)
    term: str | None = Field(default=None, max_length=16)

    @field_validator("note", "term")
    @classmethod
    def _clean(cls, value: str | None) -> str | None:
        # A NUL byte or a lone surrogate would fail in the database (a 500): refused or dropped here.
        return clean_input_text(value) if value is not None else None


@router.get("/api/partner/offers", summary="Offers routed to the partner's institution")
def partner_offers(runtime: RuntimeDep, partner: PartnerDep) -> dict[str, Any]:
    """Return the offers routed to the signed-in partner's institution, with its answers."""
    return {
        "institution": partner.institution,
        "institution_name": display.institution_label(partner.institution),
        "offers": offers_for(runtime.db, partner.institution),
        "students": students_for(runtime.db, partner.institution),
        "terms": term_options(date.today()),
        # The partner desk labels fields itself: the intake API is the secretariat's.
        "field_labels": {
            name: {lang: display.field_label(None, name, lang) for lang in display.EN_FR}
            for name in columns_for(None)
        },
    }


# Terms as institutions count them: winter (January), summer (May), fall (September).
SEASONS = ("winter", "summer", "fall")


def term_options(today: date, count: int = 6) -> list[dict[str, Any]]:
    """Return the terms a filled offer can name: the current one and the next few, labelled."""
    year, index = today.year, (today.month - 1) // 4
    options = []
    for _ in range(count):
        value = f"{year}-{SEASONS[index]}"
        labels = {lang: display.term_label(value, lang) for lang in display.EN_FR}
        options.append({"value": value, "labels": labels})
        index = (index + 1) % len(SEASONS)
        year += 1 if index == 0 else 0
    return options


@router.post(
    "/api/partner/offers/{intake_id}/answer",
    summary="Answer an offer: interested, not this term, or filled",
)
async def partner_answer(
    intake_id: str, body: AnswerBody, runtime: RuntimeDep, partner: PartnerDep
) -> dict[str, Any]:
    """Record the institution's answer; when it takes the offer up, tell the employer."""
    answer = Answer(body.status, body.note, body.students_placed, body.term)
    recorded = await anyio.to_thread.run_sync(
        lambda: record_answer(
            runtime.db,
            intake_id[:64],
            partner.institution,
            answer,
            by=partner.id,
            can_email=bool(runtime.settings.smtp_host),
        )
    )
    told = False
    if recorded.tell is not None and recorded.tell.get("email"):
        told = await email_employer(runtime.settings, recorded.tell)
    elif recorded.tell is not None:

        async def deliver(channel: str, conversation_id: str, event: dict[str, Any]) -> None:
            await runtime.bus.publish(conversation_topic(conversation_id), event)
            if channel not in STREAMED_CHANNELS:
                await runtime.outbound.deliver(channel, conversation_id, event)

        await tell_employer(runtime.db, recorded.tell, deliver)
        told = True
    return {"outcome": recorded.outcome, "employer_told": told}


@router.get("/api/offers", summary="Every routed offer with each institution's answer (liaison)")
def all_offers(runtime: RuntimeDep, _liaison: LiaisonDep) -> dict[str, Any]:
    """Return the secretariat's view: each offer and what each institution answered."""
    return {
        "offers": overview(runtime.db),
        "institutions": [
            {"id": i, "name": display.institution_label(i)} for i in partner_institutions()
        ],
    }


class RouteBody(BaseModel):
    """One more institution to send an offer to."""

    # Checked against the seven after the offer is found: an unknown offer is a 404 whatever
    # the body says.
    institution: str = Field(default="", max_length=32)


@router.post(
    "/api/offers/{intake_id}/route", summary="Send an offer to one more institution (liaison)"
)
async def route_offer(
    intake_id: str, body: RouteBody, runtime: RuntimeDep, _liaison: LiaisonDep
) -> dict[str, Any]:
    """Add an institution to the offer's recipients; its partners see it on their desk and,
    when email is configured, get an email."""
    done = await anyio.to_thread.run_sync(
        lambda: route_to(runtime.db, intake_id[:64], body.institution)
    )
    emailed = 0
    if done.added:
        emailed = await tell_partners(
            runtime.settings, runtime.db, done.offer, [done.routed_to[-1]]
        )
    return {"routed_to": done.routed_to, "partners_emailed": emailed}


FromQ = Annotated[date | None, Query(alias="from", description="First day (Calgary), YYYY-MM-DD")]
ToQ = Annotated[date | None, Query(alias="to", description="Last day (Calgary), YYYY-MM-DD")]
LangQ = Annotated[Literal["en", "fr"], Query(description="Language of the labels")]


def _period(start: date | None, end: date | None) -> Period:
    if start and end and end < start:
        raise UserInputError("the period ends before it starts")
    return Period(start, end)


@router.get("/api/outcomes", summary="The numbers a funder asks for (liaison)")
def outcomes(
    runtime: RuntimeDep,
    _liaison: LiaisonDep,
    start: FromQ = None,
    end: ToQ = None,
    lang: LangQ = "en",
) -> dict[str, Any]:
    """Return employers engaged, offers routed / taken up / filled, students placed, by group."""
    report = outcomes_report(runtime.db, _period(start, end), runtime.settings.timezone)
    rows = [
        {"section": a, "group": b, "measure": c, "value": d}
        for a, b, c, d in report_rows(report, lang)
    ]
    return {**report, "rows": rows}


@router.get(
    "/api/outcomes.csv",
    summary="The funder's numbers as CSV (liaison)",
    response_class=StreamingResponse,
)
def outcomes_csv(
    runtime: RuntimeDep,
    _liaison: LiaisonDep,
    start: FromQ = None,
    end: ToQ = None,
    lang: LangQ = "en",
) -> StreamingResponse:
    """Stream the report as CSV, one measure per row, labels in the chosen language."""
    period = _period(start, end)
    report = outcomes_report(runtime.db, period, runtime.settings.timezone)
    span = f"{start or 'start'}-to-{end or 'today'}"
    return StreamingResponse(
        iter_report_csv(report, lang),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="outcomes-{span}-{lang}.csv"'},
    )


@router.get(
    "/api/outcomes.xlsx",
    summary="The funder's numbers as an Excel workbook (liaison)",
    response_class=Response,
    # A binary download: left out of the schema, whose fuzzing reads every answer as text.
    include_in_schema=False,
)
def outcomes_xlsx(
    runtime: RuntimeDep,
    _liaison: LiaisonDep,
    start: FromQ = None,
    end: ToQ = None,
    lang: LangQ = "en",
) -> Response:
    """Return the report as a workbook, one measure per row, numbers as numbers."""
    report = outcomes_report(runtime.db, _period(start, end), runtime.settings.timezone)
    span = f"{start or 'start'}-to-{end or 'today'}"
    return Response(
        report_xlsx(report, lang),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="outcomes-{span}-{lang}.xlsx"'},
    )
