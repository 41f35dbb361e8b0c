"""The offer's summary in the real widget: one card with the one-line text, not again on "no"."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from assistant.runtime import Runtime
from channels.web.app import create_app
from tests.browser import DESKTOP, LiveServer, chromium, live_server, require_chromium
from tests.test_engine_flow import EMPLOYER_ANSWERS

pytestmark = pytest.mark.slow


@pytest.fixture
def live(runtime: Runtime) -> Iterator[LiveServer]:
    require_chromium()
    with live_server(create_app(runtime=runtime)) as server:
        yield server


def test_the_summary_is_one_card_and_a_no_does_not_repeat_it(live: LiveServer) -> None:
    with chromium() as browser:
        page = browser.new_context(viewport=DESKTOP).new_page()
        page.goto(live.url + "/")
        widget = lambda css: page.locator(f"wil-assistant {css}")  # noqa: E731
        widget(".launcher").click()
        expect(widget(".msg.assistant").first).to_be_visible()

        def send(text: str) -> None:
            count = widget(".msg.assistant").count()
            widget("textarea").fill(text)
            widget("textarea").press("Enter")
            expect(widget(".msg.assistant")).to_have_count(count + 1)

        send("We'd like to host a co-op student")
        answers = dict(EMPLOYER_ANSWERS, start_term="fall 2027")
        # Answer each question as asked, reading the field from the question's wording.
        questions = {
            "name of your organization": "organization_name",
            "your name": "contact_name",
            "email address": "contact_email",
            "How many people work": "organization_size",
            "industry or sector": "industry",
            "Where would the student work": "location",
            "kind of placement": "wil_type",
            "role's title": "role_title",
            "How many students": "students_count",
            "When would the placement start": "start_term",
            "be paid": "paid",
            "May we share": "consent_to_share",
        }

        def next_field() -> str | None:
            """Wait for the reply to settle: the card, or a question the script knows."""
            for _ in range(200):
                if widget(".card").count():
                    return None
                last = widget(".msg.assistant .text").last.inner_text()
                found = [f for cue, f in questions.items() if cue in last]
                if found:
                    return found[0]
                page.wait_for_timeout(100)
            raise AssertionError(f"no known question in {last!r}")

        for _ in range(20):
            field = next_field()
            if field is None:
                break
            send(answers[field])
        card = widget(".card")
        expect(card).to_have_count(1)
        expect(card.locator("dd").first).to_have_text("Prairie Robotics")
        review = widget(".msg.assistant .text").last.inner_text()
        assert "Prairie Robotics" not in review and "\n" not in review.strip()
        send("no")
        expect(widget(".card")).to_have_count(1)  # "what would you like to change?" adds no card
        expect(widget(".chip")).to_contain_text(["Yes, submit"])
