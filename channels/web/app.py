"""FastAPI application factory: one app serves the API, the widget, the console and the Telegram webhook."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import assistant
from assistant.config import Settings, get_settings
from assistant.errors import StoreUnavailableError, WilError
from assistant.llm import check_chat_model
from assistant.retention import purge_expired
from assistant.runtime import Runtime, build_runtime
from assistant.store.db import UNAVAILABLE
from channels.web.backpressure import UNAVAILABLE_TEXT, say
from channels.web.openapi_errors import document_errors
from channels.web.ratelimit import preferred_locale
from channels.web.routes import console, conversations, handoffs, health, intakes, widget

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
RETENTION_INTERVAL_S = 24 * 3600
# Largest request body accepted (413 above): a message is at most 4,000 characters and a Telegram
# update a few kilobytes, so 1 MiB is generous and keeps huge bodies from being buffered and parsed.
MAX_BODY_BYTES = 1024 * 1024

# Hooks run in the lifespan after the runtime is built and before shutdown (e.g. the Telegram bot).
StartupHook = Any


def create_app(
    settings: Settings | None = None,
    *,
    runtime: Runtime | None = None,
    startup_hooks: list[StartupHook] | None = None,
) -> FastAPI:
    """Build the app; the runtime (database, bus, retrieval, engine) is created in the lifespan."""
    settings = settings or (runtime.settings if runtime else get_settings())
    hooks = list(startup_hooks or [])

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = runtime or build_runtime(settings)
        app.state.runtime = rt
        await check_chat_model(rt.llm)  # a clear log line now, not a silent fallback per turn
        stops = [_start_retention(rt)]
        for hook in hooks:
            stop = await hook(app, rt)
            if stop is not None:
                stops.append(stop)
        try:
            yield
        finally:
            for stop in reversed(stops):
                try:
                    await stop()
                except Exception:
                    logger.exception("shutdown hook failed")
            if runtime is None:
                await rt.close()

    app = FastAPI(
        title="wil-assistant",
        version=assistant.__version__,
        description=(
            "Work-integrated learning assistant: grounded answers (EN/FR), structured intake, "
            "and human handoff. Conversation calls need the conversation's bearer token; "
            "liaison calls need a liaison's bearer token."
        ),
        lifespan=lifespan,
        max_body_size=MAX_BODY_BYTES,
    )
    app.state.settings = settings
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "Accept",
                "Last-Event-ID",
                "Idempotency-Key",
            ],
            # The widget waits Retry-After before re-sending after a 429, also on partner sites.
            expose_headers=["Retry-After"],
            allow_credentials=False,
        )
    _install_error_handlers(app)

    app.include_router(health.router)
    app.include_router(conversations.router)
    app.include_router(intakes.router)
    app.include_router(widget.router)
    # --- routers added by feature modules (handoffs, intakes, console, widget, telegram) ---
    app.include_router(handoffs.router)
    app.include_router(handoffs.gaps_router)
    app.include_router(console.router)
    app.add_middleware(console.ConsoleSessionMiddleware)
    document_errors(app)  # when the schema is first built, so later routers are included
    app.add_middleware(SecurityHeadersMiddleware)
    return app


# Sent on every answer unless the route set its own: no MIME sniffing, no referrer to other sites.
DEFAULT_HEADERS = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"))
# API answers hold personal data (messages, tickets, intakes): no browser or proxy keeps a copy.
API_HEADERS = ((b"cache-control", b"no-store"),)


class SecurityHeadersMiddleware:
    """Add the default security headers to every HTTP answer that lacks them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add missing headers to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith(("/api/", "/console/api/"))
        extra = DEFAULT_HEADERS + (API_HEADERS if api else ())

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend((name, value) for name, value in extra if name not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _start_retention(rt: Runtime) -> Any:
    """Purge expired personal data now and once a day; return the stop function."""

    async def loop() -> None:
        while True:
            try:
                await asyncio.to_thread(purge_expired, rt.db, rt.settings.retention_days)
            except Exception:
                logger.exception("retention purge failed; will retry")
            await asyncio.sleep(RETENTION_INTERVAL_S)

    task = asyncio.create_task(loop(), name="retention-purge")

    async def stop() -> None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return stop


UNAVAILABLE_RETRY_AFTER_S = 5


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(WilError)
    async def _wil_error(request: Request, exc: WilError) -> JSONResponse:
        if isinstance(exc, StoreUnavailableError):
            return _unavailable(request)
        shown = exc.status_code < 500 or exc.status_code == 503
        detail = str(exc) if shown and str(exc) else exc.public_message
        if exc.status_code >= 500 and exc.status_code != 503:
            logger.error("request failed: %s", type(exc).__name__)
        retry_after = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if retry_after else None
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=headers)

    async def _database_down(request: Request, exc: Exception) -> JSONResponse:
        logger.warning("database unavailable: %s", type(exc).__name__)
        return _unavailable(request)

    for error in UNAVAILABLE:
        app.add_exception_handler(error, _database_down)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
            problems.append(f"{loc}: {msg}" if loc else msg)
        return JSONResponse({"detail": "; ".join(problems) or "invalid request"}, status_code=422)


def _unavailable(request: Request) -> JSONResponse:
    """Return the 503 for an unreachable database: JSON, a sentence for people, Retry-After."""
    locale = preferred_locale(request.headers.get("accept-language"))
    return JSONResponse(
        {"detail": say(UNAVAILABLE_TEXT, locale)},
        status_code=503,
        headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER_S)},
    )
