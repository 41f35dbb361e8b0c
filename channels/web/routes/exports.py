"""The secretariat's exports, as the console downloads them: labels, Calgary time, consent only."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response, StreamingResponse

from assistant.exports import (
    ExportOptions,
    export_intakes,
    export_xlsx,
    iter_export_csv,
    iter_export_jsonl,
)
from channels.web.deps import LiaisonDep, RuntimeDep

router = APIRouter(prefix="/api/exports", tags=["intakes"])

KindQ = Annotated[Literal["employer", "student"] | None, Query(description="employer or student")]
LangQ = Annotated[Literal["en", "fr"], Query(description="Language of headers and labels")]
DraftsQ = Annotated[
    bool, Query(description="Also drafts and intakes without consent (internal use only)")
]
CodesQ = Annotated[bool, Query(description="Stored codes instead of labels")]


def _options(
    runtime: RuntimeDep, kind: str | None, lang: str, drafts: bool, codes: bool
) -> ExportOptions:
    return ExportOptions(
        kind=kind,  # type: ignore[arg-type]
        locale=lang,
        include_drafts=drafts,
        codes=codes,
        timezone=runtime.settings.timezone,
    )


def _name(options: ExportOptions, ext: str) -> str:
    which = options.kind or "all"
    return (
        f"intakes-{which}-{options.locale}{'-with-drafts' if options.include_drafts else ''}.{ext}"
    )


@router.get(
    "/intakes.csv",
    summary="Intakes a secretariat can hand on, as CSV (liaison)",
    response_class=StreamingResponse,
)
def export_intakes_csv(
    runtime: RuntimeDep,
    _liaison: LiaisonDep,
    kind: KindQ = None,
    lang: LangQ = "en",
    include_drafts: DraftsQ = False,
    codes: CodesQ = False,
) -> StreamingResponse:
    """Stream submitted intakes with consent (drafts on request): labels, Calgary time, reference."""
    options = _options(runtime, kind, lang, include_drafts, codes)
    rows = export_intakes(runtime.db, options)
    return StreamingResponse(
        iter_export_csv(rows, options),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_name(options, "csv")}"'},
    )


@router.get(
    "/intakes.jsonl",
    summary="Intakes a secretariat can hand on, as JSON Lines (liaison)",
    response_class=StreamingResponse,
)
def export_intakes_jsonl(
    runtime: RuntimeDep,
    _liaison: LiaisonDep,
    kind: KindQ = None,
    lang: LangQ = "en",
    include_drafts: DraftsQ = False,
    codes: CodesQ = False,
) -> StreamingResponse:
    """Stream the same intakes as JSON Lines: codes, with labels in the chosen language."""
    options = _options(runtime, kind, lang, include_drafts, codes)
    rows = export_intakes(runtime.db, options)
    return StreamingResponse(
        iter_export_jsonl(rows, options),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="{_name(options, "jsonl")}"'},
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/intakes.xlsx",
    summary="Intakes a secretariat can hand on, as an Excel workbook (liaison)",
    response_class=Response,
    # A binary download: left out of the schema, whose fuzzing reads every answer as text.
    include_in_schema=False,
)
def export_intakes_xlsx(
    runtime: RuntimeDep,
    _liaison: LiaisonDep,
    kind: KindQ = None,
    lang: LangQ = "en",
    include_drafts: DraftsQ = False,
    codes: CodesQ = False,
) -> Response:
    """Return the same intakes as a workbook whose cells are typed (phone numbers stay text)."""
    options = _options(runtime, kind, lang, include_drafts, codes)
    rows = export_intakes(runtime.db, options)
    return Response(
        export_xlsx(rows, options),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{_name(options, "xlsx")}"'},
    )
