"""ASGI entry point for multi-worker servers (`uvicorn channels.web.asgi:app --workers N`)."""

from __future__ import annotations

from assistant.config import get_settings
from channels.web.app import create_app


def _build():  # type: ignore[no-untyped-def]
    settings = get_settings()
    hooks = []
    if settings.telegram_enabled:
        from channels.telegram import startup_hook

        hooks.append(startup_hook)
    return create_app(settings, startup_hooks=hooks)


app = _build()
