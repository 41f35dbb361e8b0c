"""Helpers for real-browser tests: headless Chromium, a live uvicorn server, axe-core, screenshots.

Chromium comes from the OS (`apt-get install chromium`), not from a Playwright download. Without it
the browser tests skip locally and fail in CI (`CI=true`). axe-core comes from `npm ci`.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import uvicorn
from fastapi import FastAPI

from tests.servers import bound_socket, free_port  # noqa: F401 - tests import it from here

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "test-artifacts"
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path(os.environ.get("WIL_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Chromium would otherwise look up outside hosts on its own; only loopback resolves.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
EXPECT_TIMEOUT_MS = 20_000

T = TypeVar("T")


def _missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not installed (runs in CI)")


def require_chromium() -> Path:
    """Return Chromium's path; skip locally (fail in CI) when it is not installed."""
    if not CHROMIUM.exists():
        _missing(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@contextmanager
def chromium() -> Iterator[Any]:
    """Launch headless Chromium with Playwright and yield the Browser."""
    from playwright.sync_api import expect, sync_playwright

    path = require_chromium()
    # expect() retries until its timeout; Playwright's 5 s default is too short on a busy CI
    # machine, and a longer one costs nothing when the page is quick.
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(path), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class LiveServer:
    """A uvicorn server running an app in a background thread."""

    url: str
    app: FastAPI
    loop: asyncio.AbstractEventLoop

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 20) -> T:
        """Run a coroutine on the server's event loop (e.g. publish on its in-memory bus)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


@contextmanager
def live_server(app: FastAPI, port: int | None = None) -> Iterator[LiveServer]:
    """Serve `app` on 127.0.0.1 (on a free port unless given) until the block ends."""
    sock = bound_socket(port or 0)
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(
        target=loop.run_until_complete,
        args=(server.serve(sockets=[sock]),),
        name="live-server",
        daemon=True,
    )
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", app=app, loop=loop)
    finally:
        server.should_exit = True
        thread.join(15)
        loop.close()


def axe_violations(page: Any, context: Any = None) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.1 A/AA rules) in the page and return its violations."""
    if not AXE_JS.exists():
        _missing("axe-core (npm ci)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: the pages' Content-Security-Policy (rightly)
        # refuses an injected inline <script>, and the check must not need a weaker policy.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        """([context, tags]) => axe.run(context ?? document, {runOnly: {type: 'tag', values: tags}})
             .then(r => r.violations.map(v => ({
               id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary}))})))""",
        [context, AXE_TAGS],
    )
    return list(result)


def screenshot(page: Any, name: str) -> Path:
    """Save a screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


@contextmanager
def host_site(pages: dict[str, str], port: int | None = None) -> Iterator[str]:
    """Serve HTML pages from another origin (a partner's site) and yield its base URL.

    A real loopback server, not a routed fake: Chromium only lets pages that it loaded from a
    loopback address call the loopback API (Local Network Access).
    """
    from fastapi.responses import HTMLResponse

    site = FastAPI()

    @site.get("/{path:path}")
    def page(path: str) -> HTMLResponse:
        html = pages.get("/" + path)
        return HTMLResponse(html or "not found", status_code=200 if html else 404)

    with live_server(site, port) as server:
        yield server.url


def assert_accessible(page: Any, context: Any = None) -> None:
    """Fail with a readable list when axe-core finds WCAG 2.1 A/AA violations."""
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in axe_violations(page, context)
    ]
    assert not problems, "axe-core violations:\n" + "\n".join(problems)
