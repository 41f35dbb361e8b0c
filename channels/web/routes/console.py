"""Liaison console: the page and its assets, login sessions (cookie + CSRF), and the login rate limit.

The console calls the ordinary liaison API (`/api/handoffs`, `/api/intakes`, ...) with its session
cookie; `ConsoleSessionMiddleware` turns a valid cookie into `request.state.console_liaison` (which
`require_liaison` honours) and refuses state-changing requests without the session's CSRF token.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Cookie, Header, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import delete, select
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.display import institution_label, zone_periods
from assistant.errors import AuthError, ForbiddenError, NotFoundError
from assistant.liaisons import PARTNER_ROLE, active_liaison_by_token, institution_of
from assistant.ratelimit import RateLimiter
from assistant.security import (
    hash_password,
    hash_token,
    new_token,
    secrets_equal,
    verify_password,
)
from assistant.store.db import Database
from assistant.store.models import ConsoleSession, Liaison, as_utc
from assistant.text_input import clean_input_text
from channels.web.deps import RuntimeDep
from channels.web.ratelimit import address_key, client_ip, rate_limiter
from channels.web.routes import console_views, exports, partners

logger = logging.getLogger(__name__)

router = APIRouter(tags=["console"])
# The console's own API (exports, institution partners, outcomes) travels with its router.
router.include_router(exports.router)
router.include_router(console_views.router)
router.include_router(partners.router)

CONSOLE_DIR = Path(__file__).resolve().parent.parent / "console"
COOKIE = "wil_console"
CSRF_HEADER = "x-csrf-token"
SESSION_TTL = timedelta(hours=12)
MAX_FAILURES = 5
FAILURE_WINDOW_S = 15 * 60
ASSET_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",
}


@dataclass
class LoginLimiter:
    """Count failed logins per email and per client address; too many in the window blocks both.

    Counts live in the shared rate limiter, so with Redis they hold across workers.
    """

    limiter: RateLimiter
    max_failures: int = MAX_FAILURES
    window_s: float = FAILURE_WINDOW_S

    def retry_after(self, *keys: str) -> int:
        """Return seconds until a login may be tried again for these keys (0 when allowed)."""
        checks = (self.limiter.check(f"login:{k}", self.max_failures, self.window_s) for k in keys)
        return max((d.retry_after for d in checks), default=0)

    def failed(self, *keys: str) -> None:
        """Record a failed attempt under each key."""
        for key in keys:
            self.limiter.hit(f"login:{key}", self.max_failures, self.window_s)

    def succeeded(self, email_key: str) -> None:
        """Forget the email's failures after a successful login."""
        self.limiter.reset(f"login:{email_key}")


class LoginBody(BaseModel):
    """Console login form."""

    email: str = Field(..., min_length=3, max_length=254)
    password: str = Field(..., min_length=1, max_length=200)

    @field_validator("email")
    @classmethod
    def _clean_email(cls, value: str) -> str:
        # A NUL byte would make the PostgreSQL lookup fail (500) instead of a wrong-login 401.
        return clean_input_text(value)


def find_session(db: Database, raw: str) -> tuple[ConsoleSession, Liaison] | None:
    """Return the live session and its active liaison for a cookie value, or None."""
    if not raw or len(raw) > 200:
        return None
    with db.session() as s:
        session = s.get(ConsoleSession, hash_token(raw))
        if session is None or as_utc(session.expires_at) <= datetime.now(UTC):
            return None
        liaison = s.get(Liaison, session.liaison_id)
        if liaison is None or not liaison.active:
            return None
        return session, liaison


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Return a throwaway hash checked when the email is unknown, so that costs as long as a wrong password."""
    return hash_password(new_token())


def _liaison_public(liaison: Liaison, db: Database) -> dict[str, Any]:
    public = {"id": liaison.id, "name": liaison.name, "email": liaison.email, "role": liaison.role}
    if liaison.role == PARTNER_ROLE:
        institution = institution_of(db, liaison.id)
        public["institution"] = institution
        public["institution_name"] = institution_label(institution)
    return public


def _zone(settings: Any) -> dict[str, Any]:
    """Return the secretariat's zone as the pinned tzdata has it, for the console's clocks."""
    year = datetime.now(UTC).year
    return {
        "name": settings.timezone,
        "periods": zone_periods(settings.timezone, year - 2, year + 2),
    }


def _limiter(runtime: Any) -> LoginLimiter:
    return LoginLimiter(rate_limiter(runtime))


@router.get("/console", include_in_schema=False)
def console_page() -> FileResponse:
    """Serve the console page."""
    return FileResponse(CONSOLE_DIR / "index.html", media_type="text/html", headers=PAGE_HEADERS)


@router.get("/console/assets/{name}", include_in_schema=False)
def console_asset(name: str) -> FileResponse:
    """Serve one of the console's own scripts or stylesheets."""
    path = CONSOLE_DIR / name
    media = ASSET_TYPES.get(path.suffix)
    try:
        found = (
            media is not None and name == path.name and not name.startswith(".") and path.is_file()
        )
    except OSError:  # e.g. a name longer than the file system allows
        found = False
    if not found:
        raise NotFoundError("no such console asset")
    return FileResponse(
        path,
        media_type=media,
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )


@router.post("/console/api/login", summary="Console login (sets the session cookie)")
def console_login(body: LoginBody, request: Request, runtime: RuntimeDep) -> Response:
    """Check email and password; on success set the session cookie and return the CSRF token."""
    email = body.email.strip().lower()
    client = address_key(client_ip(request, runtime.settings.trusted_proxies))
    keys = (f"email:{email}", f"ip:{client}")
    limiter = _limiter(runtime)
    wait = limiter.retry_after(*keys)
    if wait:
        logger.info("console login rate-limited")
        return JSONResponse(
            {"detail": "Too many failed attempts. Try again later."},
            status_code=429,
            headers={"Retry-After": str(wait)},
        )
    with runtime.db.session() as s:
        liaison = s.scalars(select(Liaison).where(Liaison.email == email)).first()
    ok = verify_password(body.password, liaison.password_hash if liaison else _dummy_hash())
    if liaison is None or not ok or not liaison.active:
        limiter.failed(*keys)
        raise AuthError("wrong email or password")
    limiter.succeeded(keys[0])
    raw, csrf = new_token("s_"), new_token()
    now = datetime.now(UTC)
    with runtime.db.session() as s:
        s.execute(delete(ConsoleSession).where(ConsoleSession.expires_at < now))
        s.add(
            ConsoleSession(
                id_hash=hash_token(raw),
                liaison_id=liaison.id,
                csrf_token=csrf,
                created_at=now,
                expires_at=now + SESSION_TTL,
            )
        )
    response = JSONResponse(
        {
            "liaison": _liaison_public(liaison, runtime.db),
            "csrf_token": csrf,
            "zone": _zone(runtime.settings),
        }
    )
    response.set_cookie(
        COOKIE,
        raw,
        max_age=int(SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=runtime.settings.public_url.startswith("https://"),
        path="/",
    )
    logger.info("liaison %s signed in to the console", liaison.id)
    return response


@router.get("/console/api/session", summary="The signed-in liaison and the session's CSRF token")
def console_session(
    runtime: RuntimeDep, wil_console: Annotated[str | None, Cookie()] = None
) -> dict[str, Any]:
    """Return who is signed in (401 without a live session)."""
    found = find_session(runtime.db, wil_console or "")
    if found is None:
        raise AuthError("not signed in")
    session, liaison = found
    return {
        "liaison": _liaison_public(liaison, runtime.db),
        "csrf_token": session.csrf_token,
        "zone": _zone(runtime.settings),
    }


@router.post("/console/api/logout", summary="End the console session")
def console_logout(
    runtime: RuntimeDep,
    wil_console: Annotated[str | None, Cookie()] = None,
    x_csrf_token: Annotated[str | None, Header()] = None,
) -> Response:
    """Delete the session (CSRF token required) and clear the cookie."""
    found = find_session(runtime.db, wil_console or "")
    if found is None:
        raise AuthError("not signed in")
    session, _ = found
    if not x_csrf_token or not secrets_equal(x_csrf_token, session.csrf_token):
        raise ForbiddenError("CSRF token missing or wrong")
    with runtime.db.session() as s:
        s.execute(delete(ConsoleSession).where(ConsoleSession.id_hash == session.id_hash))
    response = JSONResponse({"signed_out": True})
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


class ConsoleSessionMiddleware:
    """Authenticate `/api/` calls made by the console page with its session cookie and CSRF token."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Set `request.state.console_liaison` for a live session; 403 on a missing CSRF token."""
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        raw = _cookie(headers.get("cookie"))
        if raw is None or headers.get("authorization"):
            await self.app(scope, receive, send)
            return
        runtime = getattr(scope["app"].state, "runtime", None)
        found = await anyio.to_thread.run_sync(find_session, runtime.db, raw) if runtime else None
        if found is None:
            await self.app(scope, receive, send)
            return
        session, liaison = found
        if scope["method"] not in SAFE_METHODS:
            sent = headers.get(CSRF_HEADER, "")
            if not sent or not secrets_equal(sent, session.csrf_token):
                logger.info("console request refused: CSRF token missing or wrong")
                response = JSONResponse({"detail": "CSRF token missing or wrong"}, status_code=403)
                await response(scope, receive, send)
                return
        # A partner's session opens only the partner desk: the liaison API never sees it.
        key = "console_partner" if liaison.role == PARTNER_ROLE else "console_liaison"
        scope.setdefault("state", {})[key] = liaison
        await self.app(scope, receive, send)


def liaison_still_signed_in(
    db: Database, headers: Headers, token: str | None, liaison_id: int
) -> bool:
    """Return True while the credentials of a request still authenticate the same active liaison.

    Long-lived requests (event streams) call this again: a console session that signed out or
    expired, or a deactivated account, must stop receiving people's messages.
    """
    if headers.get("authorization"):
        if not token:
            return False
        liaison = active_liaison_by_token(db, token)
        return liaison is not None and liaison.id == liaison_id
    found = find_session(db, _cookie(headers.get("cookie")) or "")
    return found is not None and found[1].id == liaison_id


def _cookie(header: str | None) -> str | None:
    if not header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel else None
