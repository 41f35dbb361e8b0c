"""What the console shows beyond the plain liaison API: queue rows that say who and what."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Query

from assistant.queue_view import enrich
from channels.web.deps import LiaisonDep, RuntimeDep

router = APIRouter(prefix="/api/console", tags=["console"])

StatusQ = Annotated[
    Literal["waiting", "active", "resolved"] | None, Query(description="Filter by status")
]


@router.get("/queue", summary="The queue with each person's name, organization and latest message")
async def console_queue(
    runtime: RuntimeDep, _liaison: LiaisonDep, status: StatusQ = None
) -> dict[str, Any]:
    """Return the handoff queue as `/api/handoffs` does, each row with `person` and `latest`."""
    if runtime.handoffs is None:  # a runtime built without the handoff service has no queue
        return {"handoffs": []}
    items = runtime.handoffs.list(status)
    return {"handoffs": await anyio.to_thread.run_sync(enrich, runtime.db, items)}
