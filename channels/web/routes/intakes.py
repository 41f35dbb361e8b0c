"""Liaison endpoints for intakes: list, one intake, complete and submit a draft, export, delete."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from assistant.exports import delete_intake, iter_csv, iter_jsonl, list_intakes
from assistant.intake.schemas import REGISTRY, fields_for
from assistant.intake.view import intake_detail
from assistant.intake_store import complete_draft, conversation_locale, get_intake
from channels.web.deps import AdminDep, LiaisonDep, RuntimeDep

router = APIRouter(prefix="/api/intakes", tags=["intakes"])

KindQ = Annotated[Literal["employer", "student"] | None, Query(description="employer or student")]
StatusQ = Annotated[
    Literal["draft", "collecting", "confirming", "submitted"] | None,
    Query(description="Filter by status; `draft` is both collecting and confirming"),
]


class DraftChanges(BaseModel):
    """Field values a liaison fills in or corrects on a draft (null clears a field)."""

    fields: dict[str, Any] = Field(default_factory=dict, max_length=50)


@router.get("", summary="List intakes (liaison token)")
def get_intakes(
    runtime: RuntimeDep, _liaison: LiaisonDep, kind: KindQ = None, status: StatusQ = None
) -> dict[str, Any]:
    """Return intakes, newest first."""
    return {"intakes": list_intakes(runtime.db, kind=kind, status=status)}


@router.get(
    "/export.csv", summary="Export intakes as CSV (liaison token)", response_class=StreamingResponse
)
def export_csv(
    runtime: RuntimeDep, _liaison: LiaisonDep, kind: KindQ = None, status: StatusQ = None
) -> StreamingResponse:
    """Stream intakes as CSV, one row per intake, fields as columns."""
    rows = list_intakes(runtime.db, kind=kind, status=status)
    name = f"intakes-{kind or 'all'}.csv"
    return StreamingResponse(
        iter_csv(rows, kind),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/export.jsonl",
    summary="Export intakes as JSON Lines (liaison token)",
    response_class=StreamingResponse,
)
def export_jsonl(
    runtime: RuntimeDep, _liaison: LiaisonDep, kind: KindQ = None, status: StatusQ = None
) -> StreamingResponse:
    """Stream intakes as JSON Lines."""
    rows = list_intakes(runtime.db, kind=kind, status=status)
    name = f"intakes-{kind or 'all'}.jsonl"
    return StreamingResponse(
        iter_jsonl(rows),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/fields", summary="The forms' fields and their labels (liaison token)")
def get_fields(_liaison: LiaisonDep) -> dict[str, dict[str, dict[str, Any]]]:
    """Return each form's fields in asking order: EN/FR labels and whether each is required."""
    return {
        kind: {
            name: {
                "en": spec.text("label", "en"),
                "fr": spec.text("label", "fr"),
                "required": spec.required,
            }
            for name, spec in fields_for(kind).items()
        }
        for kind in REGISTRY
    }


@router.get("/{intake_id}", summary="One intake, field by field, with sources (liaison token)")
def get_one(
    intake_id: str, runtime: RuntimeDep, _liaison: LiaisonDep, lang: str = "en"
) -> dict[str, Any]:
    """Return the intake with each form field's label, value, status and where it came from."""
    return intake_detail(get_intake(runtime.db, intake_id), lang)


@router.patch("/{intake_id}", summary="Fill in or correct a draft's fields (liaison token)")
def patch_draft(
    intake_id: str, changes: DraftChanges, runtime: RuntimeDep, liaison: LiaisonDep
) -> dict[str, Any]:
    """Validate and store the values; each keeps the liaison and the time as its source."""
    today = datetime.now(UTC).astimezone(runtime.settings.tz).date()
    locale = conversation_locale(runtime.db, intake_id)
    complete_draft(
        runtime.db, intake_id, changes.fields, liaison_id=liaison.id, today=today, locale=locale
    )
    return intake_detail(get_intake(runtime.db, intake_id), locale)


@router.post("/{intake_id}/submit", summary="Submit a draft on the person's behalf (liaison token)")
async def submit_draft(intake_id: str, runtime: RuntimeDep, liaison: LiaisonDep) -> dict[str, Any]:
    """Submit a consented, complete draft; who and when are recorded; 409 otherwise."""
    await runtime.assistant.intakes.submit_draft(intake_id, liaison.id)
    return intake_detail(get_intake(runtime.db, intake_id), "en")


@router.delete("/{intake_id}", status_code=204, summary="Delete an intake (admin token)")
def remove_intake(intake_id: str, runtime: RuntimeDep, _admin: AdminDep) -> Response:
    """Delete an intake permanently."""
    delete_intake(runtime.db, intake_id)
    return Response(status_code=204)
