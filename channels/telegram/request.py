"""A getUpdates transport that drops updates python-telegram-bot cannot parse instead of stalling."""

from __future__ import annotations

import json
import logging
from typing import Any

from telegram import Update
from telegram.request import HTTPXRequest

logger = logging.getLogger(__name__)


def sanitize_updates(payload: bytes) -> bytes:
    """Replace each unparseable update in a getUpdates answer by an empty one with the same id.

    One malformed update makes PTB reject the whole batch and fetch it again forever; an empty
    update keeps its id (so it is confirmed and never served again) and matches no handler.
    """
    try:
        body = json.loads(payload)
    except ValueError:
        return payload
    results = body.get("result") if isinstance(body, dict) else None
    if not isinstance(results, list):
        return payload
    clean: list[Any] = []
    changed = False
    for item in results:
        if _parses(item):
            clean.append(item)
            continue
        changed = True
        update_id = item.get("update_id") if isinstance(item, dict) else None
        if isinstance(update_id, int):
            logger.warning("dropping malformed Telegram update %s", update_id)
            clean.append({"update_id": update_id})
        else:
            logger.warning("dropping a Telegram update without an id")
    if not changed:
        return payload
    return json.dumps({**body, "result": clean}).encode()


def _parses(item: Any) -> bool:
    if not isinstance(item, dict):
        return False
    try:
        Update.de_json(dict(item), None)
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    return True


class SanitizingRequest(HTTPXRequest):
    """HTTPX transport for getUpdates that filters malformed updates out of each batch."""

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        """Make the request; on a getUpdates answer, neutralise updates that cannot be parsed."""
        status, payload = await super().do_request(url, method, *args, **kwargs)
        if status == 200 and url.endswith("/getUpdates"):
            payload = sanitize_updates(payload)
        return status, payload
