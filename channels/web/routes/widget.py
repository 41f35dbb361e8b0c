"""The embeddable chat widget (`/widget.js`) and the demo host page that embeds it (`/`, `/fr`)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse

router = APIRouter(tags=["widget"])

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# The script's URL carries no version, so browsers keep it briefly and then revalidate it
# with the ETag / Last-Modified that FileResponse sends (a 304 costs a few bytes).
WIDGET_CACHE = "public, max-age=300, stale-while-revalidate=3600"
PAGE_CACHE = "no-cache"


def _file(request: Request, name: str, media_type: str, cache: str) -> Response:
    """Serve a static file, answering 304 when the browser's copy is current."""
    path = STATIC_DIR / name
    stat = path.stat()
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    headers = {"Cache-Control": cache, "ETag": etag, "X-Content-Type-Options": "nosniff"}
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
