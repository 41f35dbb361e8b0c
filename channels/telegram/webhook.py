"""Webhook mode: `POST /telegram/webhook` on the web app, authenticated by Telegram's secret header."""

from __future__ import annotations

import hmac
import logging
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Header, Request, Response

logger = logging.getLogger(__name__)

router = APIRouter(tags=["telegram"])

WEBHOOK_PATH = "/telegram/webhook"


def secret_matches(given: str | None, expected: str | None) -> bool:
    """Return True when the secret header equals the configured secret (constant-time)."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


@router.post(WEBHOOK_PATH, include_in_schema=False)
async def telegram_webhook(
    request: Request,
    x_telegram_bot_api_secret_token: Annotated[str | None, Header()] = None,
) -> Response:
    """Accept one update from Telegram: 403 without the right secret, 503 until the bot is connected."""
    bot: Any = getattr(request.app.state, "telegram", None)
    secret = bot.settings.telegram_webhook_secret if bot is not None else None
    expected = secret.get_secret_value() if secret is not None else None
    if not secret_matches(x_telegram_bot_api_secret_token, expected):
        logger.debug("refused a Telegram webhook call without the right secret")
        return Response(status_code=403)
    if not bot.ready:
        return Response(status_code=503)  # Telegram retries later
    try:
        payload = await request.json()
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deeply to decode
        return Response(status_code=400)
    if not isinstance(payload, dict):
        return Response(status_code=400)
    # A malformed update is dropped with 200, or Telegram would resend it forever.
    await bot.feed(payload)
    return Response(status_code=200)


def mount(app: FastAPI) -> None:
    """Add the webhook route to the app (once, however often the lifespan runs)."""
    if getattr(app.state, "telegram_webhook_mounted", False):
        return
    app.include_router(router)
    app.state.telegram_webhook_mounted = True
