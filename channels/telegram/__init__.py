"""Telegram channel: people chat with the assistant, liaisons work tickets from a staff group."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from channels.telegram.bot import TelegramBot, build_application
from channels.telegram.webhook import mount as mount_webhook

if TYPE_CHECKING:
    from fastapi import FastAPI

    from assistant.runtime import Runtime

logger = logging.getLogger(__name__)

__all__ = ["TelegramBot", "build_application", "startup_hook"]


async def startup_hook(app: FastAPI, runtime: Runtime) -> Callable[[], Awaitable[None]]:
    """Start the bot with the web app (webhook route mounted in webhook mode); return its stop()."""
    bot = TelegramBot(runtime)
    app.state.telegram = bot
    if runtime.settings.telegram_mode == "webhook":
        mount_webhook(app)
    runtime.outbound.register("telegram", bot.deliver)
    await bot.start()

    async def stop() -> None:
        await bot.stop()
        if getattr(app.state, "telegram", None) is bot:
            app.state.telegram = None

    return stop
