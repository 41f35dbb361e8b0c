"""Every console page passes axe-core (WCAG 2.1 A/AA), in English and in French."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import expect

from assistant.liaisons import NewLiaison
from assistant.runtime import Runtime
from assistant.store.models import Intake, KnowledgeGap
from channels.web.app import create_app
from tests.browser import (
    DESKTOP,
    LiveServer,
    assert_accessible,
    chromium,
    live_server,
    require_chromium,
)
from tests.handoff_support import ask_for_human, say, start

pytestmark = pytest.mark.slow

PAGES = [("#/queue", "#queue"), ("#/intakes", "table.intakes"), ("#/drafts", "#main h2"),
         ("#/gaps", "#gaps"), ("#/offers", "#offers"), ("#/outcomes", "#outcomes-totals")]  # fmt: skip


@pytest.fixture
def server(runtime: Runtime) -> Iterator[LiveServer]:
    require_chromium()
    with live_server(create_app(runtime=runtime)) as srv:
        yield srv


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_console_page_is_accessible(
    server: LiveServer, runtime: Runtime, admin: NewLiaison, lang: str
) -> None:
    http = httpx.Client(base_url=server.url, timeout=10)
    person = start(http)
    say(http, person, "where do I start with hosting a student?")
    ticket_id = ask_for_human(http, person)["handoff"]["id"]
    http.close()
    with runtime.db.session() as s:
        s.add(
            Intake(
                kind="employer",
                status="submitted",
                conversation_id=person.id,
                fields={"organization_name": "Prairie Robotics", "wil_type": "co_op",
                        "consent_to_share": True},
                routed_to=["mru"],
                submitted_at=datetime.now(UTC),
            )
        )  # fmt: skip
        s.add(KnowledgeGap(text="Is parking paid?", locale=lang, reason="declined"))
    with chromium() as browser:
        context = browser.new_context(viewport=DESKTOP, locale=f"{lang}-CA")
        context.add_init_script(f"localStorage.setItem('wil-console-lang', '{lang}')")
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{server.url}/console")
        assert_accessible(page)  # the sign-in form
        page.fill("#login-email", admin.email)
        page.fill("#login-password", admin.password)
        page.click("#login-submit")
        for hash_, ready in [*PAGES, (f"#/handoffs/{ticket_id}", "#transcript")]:
            page.goto(f"{server.url}/console{hash_}")
            expect(page.locator(ready).first).to_be_visible()
            assert_accessible(page)
        assert errors == []
        context.close()
