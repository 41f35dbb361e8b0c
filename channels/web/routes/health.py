"""Health: is the database reachable, which schema and index versions are live."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

import assistant
from assistant.errors import StoreUnavailableError
from assistant.llm import chat_health
from assistant.runtime import index_info
from channels.web.deps import RuntimeDep

router = APIRouter(tags=["health"])


# How long /healthz waits on the LLM server when it re-checks one that was down.
LLM_RECHECK_S = 3.0


@router.get("/healthz", summary="Liveness and versions")
async def healthz(runtime: RuntimeDep) -> JSONResponse:
    """Return 200 with schema and index versions when the database answers, 503 otherwise.

    `redis` is "off" (one worker, in-process events), "ok" or "down" (status "degraded").

    `llm` is "off" without a configured model, "ok" when its server answers, "down" when it
    failed its check or tripped the breaker (answers are extractive meanwhile). A server that
    was down is checked again here once the breaker's cool-down has passed.
    """
    schema = await asyncio.to_thread(_schema_version, runtime)
    if schema is None:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    index: dict[str, Any] | None
    try:
        index = index_info(runtime.retriever)
    except Exception:  # noqa: BLE001 - health must report, not crash
        index = {"status": "error"}
    redis = await _redis_state(runtime.bus)
    body = {
        "status": "degraded" if redis == "down" else "ok",
        "version": assistant.__version__,
        "schema_version": schema,
        "index": index,
        "llm": await _llm_state(runtime.llm),
        "redis": redis,
        "events_waiting": getattr(runtime.bus, "pending", lambda: 0)(),
    }
    return JSONResponse(body)


async def _redis_state(bus: Any) -> str:
    """Return "off" without Redis, "ok" when it answers, "down" otherwise.

    Redis down is "degraded", not unavailable: turns and liaison actions still succeed and their
    events wait in the worker's outbox (`events_waiting`) until Redis is back.
    """
    ping = getattr(bus, "ping", None)
    if ping is None:
        return "off"
    return "ok" if await ping() else "down"


def _schema_version(runtime: Any) -> Any:
    try:
        return runtime.db.schema_version() if runtime.db.ping() else None
    except StoreUnavailableError:
        return None


async def _llm_state(chat: Any) -> str:
    state = chat_health(chat)
    breaker = getattr(chat, "breaker", None)
    if state == "down" and breaker is not None and breaker.cooled_down:
        await chat.check(LLM_RECHECK_S)
        state = chat_health(chat)
    return state
