"""The embeddable chat widget (`/widget.js`) and the demo host page that embeds it (`/`, `/fr`)."""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse

router = APIRouter(tags=["widget"])

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# The script's URL carries no version, so browsers keep it briefly and then revalidate it
# with the ETag / Last-Modified that FileResponse sends (a 304 costs a few bytes).
WIDGET_CACHE = "public, max-age=300, stale-while-revalidate=3600"
PAGE_CACHE = "no-cache"


INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


@functools.lru_cache(maxsize=8)
def page_policy(name: str, mtime_ns: int) -> str:
    """Return the demo page's Content-Security-Policy: its own inline scripts (by hash) and ours.

    The widget's stylesheet is a `<style>` element in its shadow root, hence 'unsafe-inline' for
    styles only; a partner page that embeds the widget needs the same `style-src` allowance, plus
    this server's origin in `script-src` and `connect-src`. `mtime_ns` keys the cache: an edited
    page gets a policy with its new hashes.
    """
    html = (STATIC_DIR / name).read_text(encoding="utf-8")
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.encode()).digest()).decode() + "'"
        for m in INLINE_SCRIPT.findall(html)
    )
    return (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'self'"
    )


def _file(request: Request, name: str, media_type: str, cache: str) -> Response:
    """Serve a static file, answering 304 when the browser's copy is current."""
    path = STATIC_DIR / name
    stat = path.stat()
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    headers = {"Cache-Control": cache, "ETag": etag, "X-Content-Type-Options": "nosniff"}
    if media_type.startswith("text/html"):
        headers["Content-Security-Policy"] = page_policy(name, stat.st_mtime_ns)
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type=media_type, headers=headers)


@router.get("/widget.js", summary="The embeddable chat widget", include_in_schema=False)
def widget_js(request: Request) -> Response:
    """Serve the widget script; embed it with `<script src=".../widget.js" defer></script>`."""
    return _file(request, "widget.js", "text/javascript; charset=utf-8", WIDGET_CACHE)


@router.get("/", summary="Demo host page (English)", include_in_schema=False)
def demo_page_en(request: Request) -> Response:
    """Serve a sample secretariat page that embeds the widget."""
    return _file(request, "index.html", "text/html; charset=utf-8", PAGE_CACHE)


@router.get("/fr", summary="Demo host page (French)", include_in_schema=False)
def demo_page_fr(request: Request) -> Response:
    """Serve the French version of the sample page."""
    return _file(request, "index.fr.html", "text/html; charset=utf-8", PAGE_CACHE)


@router.get("/demo.css", include_in_schema=False)
def demo_css(request: Request) -> Response:
    """Serve the demo page's styles (the widget carries its own)."""
    return _file(request, "demo.css", "text/css; charset=utf-8", WIDGET_CACHE)
