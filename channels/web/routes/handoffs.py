"""Liaison API: the handoff queue, tickets (claim, reply, note, resolve), live events, knowledge gaps."""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, field_validator

from assistant.events import LIAISON_TOPIC
from assistant.handoff import HandoffService, get_handoff_service
from assistant.handoff.gaps import list_gaps
from channels.web.deps import LiaisonDep, RuntimeDep, TokenDep
from channels.web.routes.console import liaison_still_signed_in
from channels.web.routes.conversations import check_message_text, message_text
from channels.web.sse import (
    MAX_STREAMS_PER_LIAISON,
    SSE_HEADERS,
    limited_bus_stream,
    stream_slots,
    streams_busy,
)

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/handoffs", tags=["handoffs"])
gaps_router = APIRouter(prefix="/api/knowledge-gaps", tags=["knowledge gaps"])

Status = Literal["waiting", "active", "resolved"]


def handoff_service(runtime: RuntimeDep) -> HandoffService:
    """Return the runtime's handoff service."""
    return get_handoff_service(runtime)


HandoffDep = Annotated[HandoffService, Depends(handoff_service)]


class TextBody(BaseModel):
    """A liaison's message or note: 1 to 4,000 characters after trimming."""

    text: str = message_text("1-4000 characters, not only spaces.")

    @field_validator("text")
    @classmethod
    def _trim(cls, value: str) -> str:
        return check_message_text(value)


@router.get("", summary="List handoff tickets (the queue)")
def list_handoffs(
    service: HandoffDep,
    _liaison: LiaisonDep,
    status: Annotated[Status | None, Query(description="Only tickets in this state")] = None,
) -> dict[str, Any]:
    """Return tickets: waiting (oldest first), active, then the latest resolved."""
    return {"handoffs": service.list(status)}


@router.get(
    "/events",
    summary="Live events for the console",
    description=(
        "Server-sent events on the liaison topic: `handoff_created`, `user_message` (the person wrote "
        "while a ticket is open), `handoff_claimed`, `handoff_released` (back in the queue), "
        "`liaison_message`, `note_added`, `handoff_resolved`; keep-alive comments every 15 s."
    ),
    response_class=StreamingResponse,
    responses={429: {"description": "Too many event streams open for this liaison."}},
)
async def handoff_events(
    request: Request, runtime: RuntimeDep, liaison: LiaisonDep, token: TokenDep
) -> Response:
    """Stream queue and ticket events until the client disconnects or is no longer signed in."""
    release = stream_slots(runtime.extras).acquire(f"liaison:{liaison.id}", MAX_STREAMS_PER_LIAISON)
    if release is None:
        return streams_busy()
    liaison_id = liaison.id

    async def still_signed_in() -> bool:
        return await anyio.to_thread.run_sync(
            liaison_still_signed_in, runtime.db, request.headers, token, liaison_id
        )

    return StreamingResponse(
        limited_bus_stream(runtime.bus, LIAISON_TOPIC, request, release, still_signed_in),
        media_type="text/event-stream",
        headers=SSE_HEADERS,
    )


@router.get("/{handoff_id}", summary="One ticket with transcript, notes, cited passages and intake")
def get_handoff(handoff_id: str, service: HandoffDep, _liaison: LiaisonDep) -> dict[str, Any]:
    """Return the full ticket."""
    return service.get(handoff_id)


@router.post("/{handoff_id}/claim", summary="Claim a ticket (409 if another liaison holds it)")
async def claim_handoff(
    handoff_id: str, service: HandoffDep, liaison: LiaisonDep
) -> dict[str, Any]:
    """Take the ticket; the person is told who joined."""
    return await service.claim(handoff_id, liaison.id)


@router.post(
    "/{handoff_id}/messages",
    status_code=201,
    summary="Reply to the person (claims a waiting ticket)",
)
async def reply_to_person(
    handoff_id: str, body: TextBody, service: HandoffDep, liaison: LiaisonDep
) -> dict[str, Any]:
    """Send a message to the person on their channel."""
    return await service.reply(handoff_id, liaison.id, body.text)


@router.post("/{handoff_id}/notes", status_code=201, summary="Add an internal note")
async def add_note(
    handoff_id: str, body: TextBody, service: HandoffDep, liaison: LiaisonDep
) -> dict[str, Any]:
    """Add a note only liaisons see."""
    return await service.add_note(handoff_id, liaison.id, body.text)


@router.post(
    "/{handoff_id}/resolve", summary="Resolve the ticket and hand the person back to the assistant"
)
async def resolve_handoff(
    handoff_id: str, service: HandoffDep, liaison: LiaisonDep
) -> dict[str, Any]:
    """Close the ticket."""
    return await service.resolve(handoff_id, liaison.id)


@gaps_router.get("", summary="Questions the assistant could not answer, grouped")
def knowledge_gaps(
    runtime: RuntimeDep,
    _liaison: LiaisonDep,
    locale: Annotated[Literal["en", "fr"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """Return gap groups: representative text, count, language, examples, last seen."""
    return {"gaps": list_gaps(runtime.db, locale=locale, limit=limit)}
