"""`wil-assistant serve`: migrate, make sure the knowledge is indexed, serve web (and Telegram)."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.config import Settings
from channels.cli.common import ensure_index, settings_or_exit

logger = logging.getLogger(__name__)


async def _partner_mail(_app: Any, runtime: Any) -> None:
    """Email institution partners about offers routed to them (when SMTP is configured)."""
    from assistant.partners.mail import partner_listener

    if runtime.notifier is not None and runtime.settings.smtp_host:
        runtime.notifier.add_listener(partner_listener(runtime.settings, runtime.db))


def _startup_hooks(settings: Settings) -> list[Any]:
    # Partner emails need an SMTP server; without one there is nothing to start.
    hooks: list[Any] = [_partner_mail] if settings.smtp_host else []
    if settings.telegram_enabled:
        try:
            telegram = importlib.import_module("channels.telegram")
        except ModuleNotFoundError:
            logger.error("WIL_TELEGRAM_TOKEN is set but the Telegram channel is not in this build")
        else:
            hooks.append(telegram.startup_hook)
    return hooks


def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (WIL_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (WIL_PORT).")] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Overrides WIL_DATA_DIR.")
    ] = None,
    workers: Annotated[int, typer.Option(help="Worker processes (needs PostgreSQL + Redis).")] = 1,
    skip_ingest: Annotated[
        bool, typer.Option("--skip-ingest", help="Do not build the index.")
    ] = False,
) -> None:
    """Serve the assistant: API, widget demo at /, liaison console at /console, Telegram if enabled."""
    import uvicorn

    from assistant.store.db import Database
    from channels.web.app import create_app

    settings = settings_or_exit(host=host, port=port, data_dir=data_dir)
    if workers > 1 and (settings.database_url is None or settings.redis_url is None):
        typer.echo(
            "error: --workers > 1 needs WIL_DATABASE_URL (PostgreSQL) and WIL_REDIS_URL", err=True
        )
        raise typer.Exit(2)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.sqlalchemy_url)
    revision = db.migrate()
    db.dispose()
    typer.echo(f"Database ready (schema {revision}).")
    if not skip_ingest:
        ensure_index(settings)
    typer.echo(f"Serving on http://{settings.host}:{settings.port}  (console: /console)")
    if workers > 1:
        uvicorn.run(
            "channels.web.asgi:app",
            host=settings.host,
            port=settings.port,
            workers=workers,
            log_level="info",
        )
        return
    app = create_app(settings, startup_hooks=_startup_hooks(settings))
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")


def register(app: typer.Typer) -> None:
    """Add the `serve` command."""
    app.command("serve")(serve)
