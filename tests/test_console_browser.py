"""The liaison console in a real browser: sign in, queue, claim, live conversation, reply, XSS safety."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import expect

from assistant.config import load_zone
from assistant.events import LIAISON_TOPIC, conversation_topic
from assistant.liaisons import NewLiaison
from assistant.runtime import Runtime
from assistant.store.models import Intake
from channels.web.app import create_app
from tests.browser import (
    DESKTOP,
    LiveServer,
    assert_accessible,
    chromium,
    live_server,
    require_chromium,
    screenshot,
)
from tests.handoff_support import ask_for_human, say, start
from tests.test_handoff_live import EventStream, _subscribed

pytestmark = pytest.mark.slow

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=2">'


@pytest.fixture
def server(runtime: Runtime) -> Iterator[LiveServer]:
    require_chromium()
    with live_server(create_app(runtime=runtime)) as srv:
        yield srv


def test_a_liaison_claims_and_replies_live_and_person_text_never_runs(
    server: LiveServer, runtime: Runtime, liaison: NewLiaison
) -> None:
    http = httpx.Client(base_url=server.url, timeout=10)
    person = start(http)
    say(http, person, f"{IMG} we host interns and need help with our posting")
    ticket_id = ask_for_human(http, person)["handoff"]["id"]
    say(http, person, SCRIPT)
    stream = EventStream(f"{server.url}/api/conversations/{person.id}/events", person.headers)
    try:
        _subscribed(runtime, conversation_topic(person.id))
        with chromium() as browser:
            page = browser.new_page(viewport=DESKTOP, locale="en-CA")
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{server.url}/console")

            page.fill("#login-email", liaison.email)
            page.fill("#login-password", "wrong-password")
            page.click("#login-submit")
            expect(page.locator("#login-error")).to_have_text("Wrong email or password.")
            page.fill("#login-password", liaison.password)
            page.click("#login-submit")

            row = page.locator(f"#queue tr[data-id='{ticket_id}']")
            row.wait_for()
            # The row says what the person said last (not only their first words), as text.
            assert SCRIPT in row.locator("td.latest").inner_text()
            expect(row.locator("td.person")).to_contain_text("Not given yet")
            _subscribed(runtime, LIAISON_TOPIC)  # the page's live stream is connected
            row.locator("a.open-ticket").click()

            transcript = page.locator("#transcript")
            transcript.get_by_text(SCRIPT, exact=True).wait_for()
            assert IMG in page.locator("#summary").inner_text()
            # A keyboard user reaches the scrolling conversation (axe: scrollable-region-focusable).
            transcript.focus()
            assert page.evaluate("document.activeElement.id") == "transcript"
            assert_accessible(page)

            page.click("#claim")
            expect(page.locator("#claim")).to_have_count(0)
            _, joined = stream.next(lambda e: e[0] == "message")
            assert "Lee Liaison" in joined["text"]

            page.select_option("#saved-replies", label="Hello, I'm here")
            expect(page.locator("#reply-text")).to_have_value(
                "Hello, I'm Lee Liaison from the secretariat. I've read your conversation; "
                "how can I help?"
            )
            page.fill("#reply-text", "Hi! I'm Lee, happy to help with your posting.")
            page.click("#reply-send")
            _, reply = stream.next(lambda e: e[0] == "message" and e[1]["role"] == "liaison")
            assert reply["text"] == "Hi! I'm Lee, happy to help with your posting."

            # The person answers; the console shows it without a reload.
            say(http, person, f"Thanks! {IMG}")
            transcript.get_by_text(f"Thanks! {IMG}", exact=True).wait_for()

            page.fill("#note-text", "Follow up with SAIT next week")
            page.click("#note-send")
            page.locator("#notes").get_by_text("Follow up with SAIT next week").wait_for()

            assert page.evaluate("window.__xss") is None
            assert page.locator("#main script, #main img").count() == 0
            page.evaluate("window.scrollTo(0, 0)")
            screenshot(page, "console-ticket")

            page.click("#lang")
            assert page.locator("#nav-queue").inner_text() == "File d'attente"
            expect(page.locator("#live")).to_have_text("en direct")
            expect(page.locator("#resolve")).to_have_text("Résoudre")
            page.click("#resolve")
            expect(page.locator("#ticket-title")).to_contain_text("Résolues")
            _, back = stream.next(lambda e: e[0] == "message" and e[1]["role"] == "assistant")
            assert back["text"]
            assert errors == []
    finally:
        stream.close()
        http.close()


ENGLISH_CHROME = ["Queue", "Intakes", "Knowledge gaps", "Sign out", "Nothing here", "submitted"]


def test_french_console_in_another_time_zone_shows_calgary_time_and_useful_empty_states(
    server: LiveServer, runtime: Runtime, liaison: NewLiaison
) -> None:
    """A liaison on a laptop set to Tokyo, reading French: Calgary times, no English labels."""
    with chromium() as browser:
        context = browser.new_context(
            viewport={"width": 768, "height": 1024}, locale="fr-CA", timezone_id="Asia/Tokyo"
        )
        context.add_init_script("localStorage.setItem('wil-console-lang', 'fr')")
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{server.url}/console")
        page.fill("#login-email", liaison.email)
        page.fill("#login-password", liaison.password)
        page.click("#login-submit")

        expect(page.locator("#queue")).to_contain_text("Personne n'attend")
        expect(page.locator("#nav-queue")).to_have_attribute("aria-current", "page")
        page.click("#nav-intakes")
        expect(page.locator("#main .empty")).to_contain_text("Aucun formulaire pour l'instant.")
        expect(page.locator("#nav-intakes")).to_have_attribute("aria-current", "page")
        expect(page.locator("#nav-queue")).not_to_have_attribute("aria-current", "page")
        page.click("#nav-gaps")
        expect(page.locator("#main .empty")).to_contain_text("Aucune question sans réponse")

        http = httpx.Client(base_url=server.url, timeout=10)
        person = start(http)
        say(http, person, "we host interns and need help with our posting")
        ticket_id = ask_for_human(http, person)["handoff"]["id"]
        http.close()
        with runtime.db.session() as s:
            s.add(
                Intake(
                    kind="employer",
                    status="submitted",
                    conversation_id=person.id,
                    fields={
                        "organization_name": "Prairie Robotics",
                        "contact_name": "Dana Lee",
                        "paid": True,
                        "wil_type": "co_op",
                        "start_term": "2027-summer",
                    },
                )
            )

        page.click("#nav-intakes")
        row = page.locator("table.intakes tbody tr").first
        expect(row).to_contain_text("Organisation : Prairie Robotics")
        expect(row).to_contain_text("Rémunéré : Oui")
        expect(row).to_contain_text("Type d'AIT : Stage coop")  # labels, never co_op
        expect(row).to_contain_text("Début : été 2027")
        expect(row).to_contain_text("soumis")
        expect(page.locator("#export-xlsx")).to_have_text("Exporter en Excel")
        expect(page.locator("#export-xlsx")).to_have_attribute(
            "href", "/api/exports/intakes.xlsx?lang=fr"
        )
        assert "co_op" not in row.inner_text() and "2027-summer" not in row.inner_text()

        page.click("#nav-queue")
        queue_row = page.locator(f"#queue tr[data-id='{ticket_id}']")
        expect(queue_row.locator("td.person")).to_contain_text("Dana Lee · Prairie Robotics")
        expect(queue_row).to_contain_text("Clavardage Web")
        page.locator(f"#queue tr[data-id='{ticket_id}'] a.open-ticket").click()
        meta = page.locator("#transcript .meta").first
        # Calgary time as the server's pinned tzdata has it: the same label as the staff group.
        calgary = datetime.now(load_zone("America/Edmonton"))
        expect(meta).to_contain_text(re.compile(rf"{calgary.tzname()}$"))
        shown_hour = int(re.findall(r"(\d{1,2}) h \d\d", meta.inner_text())[-1])
        assert shown_hour != datetime.now(ZoneInfo("Asia/Tokyo")).hour  # 15 or 16 h apart
        assert shown_hour in (calgary.hour, (calgary.hour + 1) % 24)  # a minute may pass
        screenshot(page, "console-ticket-fr-tablet")
        # Saved replies: the menu in French, the text in the person's language (English here).
        page.select_option("#saved-replies", label="Je vérifie")
        expect(page.locator("#reply-text")).to_have_value(
            "Thanks for your patience: I'm checking with the institution and will come back to "
            "you here."
        )
        summary = page.locator("#summary").inner_text()
        assert summary.startswith("Motif : "), summary
        assert "Qui : " in summary and "Déjà répondu : " in summary
        for label in ("Reason:", "Who:", "Wants:", "Already answered:", "Language:", "Channel:"):
            assert label not in summary, summary

        chrome = page.locator("body").inner_text()
        for words in ENGLISH_CHROME:
            assert words not in chrome, words
        assert page.evaluate("document.documentElement.scrollWidth") <= 768
        assert errors == []
        context.close()


def test_a_slow_queue_answer_does_not_replace_the_ticket_opened_since(
    server: LiveServer, liaison: NewLiaison
) -> None:
    """On a slow connection the queue loaded at sign-in could arrive after the liaison had opened
    a ticket, and paint the queue over it (a live message then had nowhere to appear)."""
    http = httpx.Client(base_url=server.url, timeout=30)
    person = start(http)
    ticket_id = ask_for_human(http, person)["handoff"]["id"]
    http.close()
    held: list[Any] = []
    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        page.route("**/api/console/queue", lambda route: held.append(route))  # the queue's request
        page.goto(f"{server.url}/console")
        page.fill("#login-email", liaison.email)
        page.fill("#login-password", liaison.password)
        page.click("#login-submit")
        expect(page.locator("#who")).to_contain_text(liaison.name)
        page.goto(f"{server.url}/console#/handoffs/{ticket_id}")
        expect(page.locator("#transcript")).to_be_visible()
        assert held, "the queue request should be pending"
        for route in held:
            route.continue_()
        page.unroute("**/api/console/queue")
        page.wait_for_timeout(1500)  # time for the late answer to arrive and be painted
        expect(page.locator("#transcript")).to_be_visible()
        expect(page.locator("#queue")).to_have_count(0)


def test_a_new_ticket_shows_in_the_tab_title_while_the_liaison_is_elsewhere(
    server: LiveServer, runtime: Runtime, liaison: NewLiaison
) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP, locale="en-CA")
        page.goto(f"{server.url}/console")
        page.fill("#login-email", liaison.email)
        page.fill("#login-password", liaison.password)
        page.click("#login-submit")
        expect(page.locator("#queue")).to_be_visible()
        _subscribed(runtime, LIAISON_TOPIC)
        page.evaluate(
            "Object.defineProperty(document, 'hidden', {configurable: true, get: () => true})"
        )
        http = httpx.Client(base_url=server.url, timeout=10)
        ask_for_human(http, start(http))
        http.close()
        expect(page).to_have_title("(1) WIL liaison console")
        page.evaluate(
            """() => { Object.defineProperty(document, 'hidden', {configurable: true, get: () => false});
                       document.dispatchEvent(new Event('visibilitychange')); }"""
        )
        expect(page).to_have_title("WIL liaison console")


def test_a_wide_screen_shows_the_queue_beside_the_ticket(
    server: LiveServer, runtime: Runtime, liaison: NewLiaison
) -> None:
    http = httpx.Client(base_url=server.url, timeout=10)
    first, second = start(http), start(http)
    say(http, first, "where do I start with hosting a student?")
    one = ask_for_human(http, first)["handoff"]["id"]
    two = ask_for_human(http, second)["handoff"]["id"]
    say(http, second, "our posting closes Friday")
    http.close()
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 900}, locale="en-CA")
        page.goto(f"{server.url}/console")
        page.fill("#login-email", liaison.email)
        page.fill("#login-password", liaison.password)
        page.click("#login-submit")
        page.locator(f"#queue tr[data-id='{one}'] a.open-ticket").click()
        side = page.locator("#side-queue")
        expect(side.locator("a")).to_have_count(2)
        expect(side.locator("a[aria-current='page']")).to_have_attribute(
            "href", f"#/handoffs/{one}"
        )
        expect(side).to_contain_text("our posting closes Friday")
        assert_accessible(page)
        screenshot(page, "console-three-panes")
        side.locator(f"a[href='#/handoffs/{two}']").click()
        expect(side.locator("a[aria-current='page']")).to_have_attribute(
            "href", f"#/handoffs/{two}"
        )
        expect(page.locator("#transcript")).to_contain_text("our posting closes Friday")
        # On a laptop the ticket keeps two panes.
        page.set_viewport_size(DESKTOP)
        page.goto(f"{server.url}/console#/handoffs/{one}")
        expect(page.locator("#transcript")).to_be_visible()
        expect(page.locator("#side-queue")).to_have_count(0)
