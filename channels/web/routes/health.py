"""Health: is the database reachable, which schema and index versions are live."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

import assistant
from assistant.errors import StoreUnavailableError
from assistant.runtime import index_info
from channels.web.deps import RuntimeDep

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness and versions")
def healthz(runtime: RuntimeDep) -> JSONResponse:
    """Return 200 with schema and index versions when the database answers, 503 otherwise."""
    try:
        schema = runtime.db.schema_version() if runtime.db.ping() else None
    except StoreUnavailableError:
        schema = None
    if schema is None:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    index: dict[str, Any] | None
    try:
        index = index_info(runtime.retriever)
    except Exception:  # noqa: BLE001 - health must report, not crash
        index = {"status": "error"}
    body = {
        "status": "ok",
        "version": assistant.__version__,
        "schema_version": schema,
        "index": index,
        "llm": runtime.settings.llm_enabled,
    }
    return JSONResponse(body)
