"""Liaison endpoints for intakes: list, export (CSV / JSON Lines), delete (admin)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse

from assistant.exports import delete_intake, iter_csv, iter_jsonl, list_intakes
from channels.web.deps import AdminDep, LiaisonDep, RuntimeDep

router = APIRouter(prefix="/api/intakes", tags=["intakes"])

KindQ = Annotated[Literal["employer", "student"] | None, Query(description="employer or student")]
StatusQ = Annotated[
    Literal["collecting", "confirming", "submitted", "cancelled"] | None,
    Query(description="Filter by status"),
]


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


@router.delete("/{intake_id}", status_code=204, summary="Delete an intake (admin token)")
def remove_intake(intake_id: str, runtime: RuntimeDep, _admin: AdminDep) -> Response:
    """Delete an intake permanently."""
    delete_intake(runtime.db, intake_id)
    return Response(status_code=204)
