"""The chat widget in a real headless Chromium, against a scripted assistant (deterministic turns).

What is checked is what a person sees: streamed answers with sources and chips, the intake summary
card, the handoff status and a liaison's message, history after a reload, a message that is kept
and retried until the server takes it, recovery from a dropped event stream, keyboard use, axe-core,
a 360 px phone, theming and isolation on a partner's site (another origin, CORS allow-list),
safe rich text (lists, [n] source links, autolinks), "New conversation", and 429 / 4xx answers.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from assistant.config import Settings, load_settings
from assistant.conversations import add_message, message_dict
from assistant.engine import Citation, Turn
from assistant.events import conversation_topic
from assistant.runtime import Runtime, build_runtime
from channels.web.app import create_app
from tests.browser import (
    DESKTOP,
    PHONE,
    LiveServer,
    assert_accessible,
    chromium,
    host_site,
    live_server,
    screenshot,
)

pytestmark = pytest.mark.slow

ANSWER = (
    "Co-op students alternate study terms with paid work terms. Most work terms last four "
    "months, and the employer sets the wage, at least Alberta's minimum."
)
CITATIONS = [
    Citation(
        title="Hosting a co-op student", source="playbook/co-op.md", url="https://example.org/co-op"
    ),
    Citation(title="Wage subsidies", source="playbook/funding.md"),
]
# A reply with every kind of formatting the widget renders, and markup that must stay text.
RICH_ANSWER = (
    "Three steps to host a student [1]:\n"
    "1. Write the role description.\n"
    "2. Check the wage subsidy [2].\n"
    "3. Post it on https://example.org/post-a-role.\n"
    "\n"
    "What you need:\n"
    "• A supervisor\n"
    '- A safe workplace <img src=x onerror="window.__pwned=1"> [7]'
)
LONG_ANSWER = "\n\n".join(f"Part {n}. {ANSWER}" for n in range(1, 6)) + " [1]"
# The server's localised rows for the summary card, with long French labels.
FR_SUMMARY = [
    {"label": "Organisation", "value": "Robotique Prairie"},
    {"label": "Courriel", "value": "sam@prairie.example"},
    {"label": "Mode de travail", "value": "Hybride"},
    {"label": "Établissements préférés", "value": "SAIT, Université Mount Royal"},
    {"label": "Consentement au partage", "value": "Oui"},
]
INTAKE_FIELDS = {
    "organization_name": "Prairie Robotics",
    "contact_email": "sam@prairie.example",
    "students_count": 2,
    "paid": True,
}


class ScriptedAssistant:
    """Stands in for the engine: fixed turns picked by keyword, stored like real ones."""

    def __init__(self, runtime: Runtime, delay: float = 0.04) -> None:
        self.db = runtime.db
        self.delay = delay
        self.held: set[str] = set()  # conversations a liaison holds

    def greeting(self, locale: str) -> tuple[str, list[str]]:
        if locale == "fr":
            return "Bonjour! Posez votre question.", ["Par où commencer?", "Parler à quelqu'un"]
        return "Hi! Ask me about work-integrated learning.", [
            "Where do I start?",
            "Talk to a person",
        ]

    async def handle(
        self,
        conversation_id: str,
        text: str,
        *,
        on_delta: Any = None,
        client_message_id: str | None = None,
    ) -> Turn:
        with self.db.session() as s:
            add_message(s, conversation_id, "user", text)
        lowered = text.lower()
        if conversation_id in self.held:
            return Turn(
                text="",
                locale="en",
                mode="handoff",
                silent=True,
                handoff={"id": 1, "status": "active"},
            )
        if "person" in lowered:
            self.held.add(conversation_id)
            turn = Turn(
                text="I'm reaching a liaison for you.",
                locale="en",
                mode="handoff",
                handoff={"id": 1, "status": "waiting"},
            )
        elif "placement" in lowered:
            turn = Turn(
                text="Here is what I have. Shall I send it?",
                locale="en",
                mode="intake",
                intake={
                    "id": None,
                    "kind": "employer",
                    "status": "confirming",
                    "fields": INTAKE_FIELDS,
                    "missing": [],
                    "asking": None,
                },
            )
        elif "steps" in lowered:
            turn = Turn(text=RICH_ANSWER, locale="en", citations=CITATIONS)
        elif "everything" in lowered:
            turn = Turn(text=LONG_ANSWER, locale="en", citations=CITATIONS, suggestions=["Thanks"])
        elif "stage" in lowered:
            turn = Turn(
                text="Voici votre demande. Je l'envoie?",
                locale="fr",
                mode="intake",
                intake={"status": "confirming", "kind": "employer", "summary": FR_SUMMARY},
            )
        elif lowered in ("yes", "oui"):
            turn = Turn(
                text="Sent! A liaison will email you within two business days.",
                locale="en",
                mode="qa",
                suggestions=["Where do I start?"],
            )
        else:
            turn = Turn(
                text=ANSWER,
                locale="en",
                citations=CITATIONS,
                suggestions=["What does it cost?", "Talk to a person"],
            )
        if on_delta is not None:
            for piece in re.findall(r"\S+\s*", turn.text):
                await on_delta(piece)
                await asyncio.sleep(self.delay)
        with self.db.session() as s:
            msg = add_message(
                s,
                conversation_id,
                "assistant",
                turn.text,
                citations=[c.model_dump(exclude_none=True) for c in turn.citations],
                meta={"suggestions": turn.suggestions},
            )
            turn.message_id = msg.id
        return turn


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def _runtime(settings: Settings) -> Runtime:
    runtime = build_runtime(settings, retriever=None)
    runtime.assistant = ScriptedAssistant(runtime)  # type: ignore[assignment]
    return runtime


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    rt = _runtime(settings)
    yield rt
    rt.db.dispose()


@pytest.fixture
def live(runtime: Runtime) -> Iterator[LiveServer]:
    with live_server(create_app(runtime=runtime)) as server:
        yield server


@pytest.fixture
def page(browser: Browser, live: LiveServer) -> Iterator[Page]:
    """A fresh browser profile, closed before the server stops."""
    with new_page(browser) as p:
        yield p


# ---- helpers ------------------------------------------------------------------------------


@contextmanager
def new_page(browser: Browser, **options: Any) -> Iterator[Page]:
    """Open a page in a fresh browser profile; close it before the servers stop."""
    context = browser.new_context(**{"viewport": DESKTOP, **options})
    try:
        yield context.new_page()
    finally:
        context.close()


def w(page: Page, css: str) -> Any:
    """Locate inside the widget (Playwright's CSS engine pierces its open shadow root)."""
    return page.locator(f"wil-assistant {css}")


def open_demo(page: Page, live: LiveServer, path: str = "/") -> None:
    page.goto(live.url + path)
    w(page, ".launcher").click()
    expect(w(page, ".msg.assistant").first).to_be_visible()


def send(page: Page, text: str) -> None:
    w(page, "textarea").fill(text)
    w(page, "textarea").press("Enter")


def record_log(page: Page) -> None:
    """Remember every text an assistant bubble shows, to tell streaming from whole answers."""
    page.evaluate(
        """() => {
          window.__seen = [];
          const log = document.querySelector('wil-assistant').shadowRoot.querySelector('.log');
          new MutationObserver(() => {
            for (const n of log.querySelectorAll('.msg.assistant .text'))
              window.__seen.push({text: n.textContent, streaming: !!n.closest('.streaming')});
          }).observe(log, {subtree: true, childList: true, characterData: true});
        }"""
    )


def stored(page: Page) -> Any:
    """The conversation the widget keeps in localStorage ({id, token, pending, …}) or None."""
    return page.evaluate(
        """() => Object.entries(localStorage)
             .filter(([k]) => k.startsWith('wil-assistant:http'))
             .map(([, v]) => JSON.parse(v))[0] ?? null"""
    )


def conversation_id(page: Page) -> str:
    return str(stored(page)["id"])


def as_shown(text: str) -> str:
    """A reply's text as the widget shows it: list markers become list items (whitespace-normalized)."""
    lines = [re.sub(r"^\s*(?:[•*–-]|\d{1,3}[.)])\s+", "", line) for line in text.splitlines()]
    return " ".join(" ".join(lines).split())


def liaison_says(
    live: LiveServer, runtime: Runtime, cid: str, text: str, publish: bool = True
) -> dict[str, Any]:
    """Store a liaison's message and push it on the event bus, as the handoff service does."""

    async def say() -> dict[str, Any]:
        with runtime.db.session() as s:
            data = message_dict(add_message(s, cid, "liaison", text))
        if publish:
            await runtime.bus.publish(conversation_topic(cid), {"type": "message", "data": data})
        return data

    return live.run(say())


def publish_status(live: LiveServer, runtime: Runtime, cid: str, status: str) -> None:
    event = {"type": "status", "data": {"mode": "handoff", "handoff": {"id": 1, "status": status}}}
    live.run(runtime.bus.publish(conversation_topic(cid), event))


def wait_for_event_stream(live: LiveServer, runtime: Runtime, cid: str) -> None:
    """Wait until the widget's event stream is subscribed (so a published event reaches it)."""
    bus: Any = runtime.bus
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if bus.subscriber_count(conversation_topic(cid)):
            return
        live.run(asyncio.sleep(0.05))
    raise AssertionError("the widget never subscribed to its events")


# ---- answering ----------------------------------------------------------------------------


def test_answer_streams_in_with_sources_and_clickable_suggestions(
    page: Page, live: LiveServer
) -> None:
    open_demo(page, live)
    expect(w(page, ".chip")).to_have_text(["Where do I start?", "Talk to a person"])
    record_log(page)

    send(page, "How do co-op terms work?")
    answer = w(page, ".msg.assistant").nth(1)
    expect(answer.locator(".text")).to_have_text(ANSWER)
    expect(w(page, "textarea")).to_have_value("")

    partial = {s["text"] for s in page.evaluate("window.__seen") if s["streaming"]}
    assert all(ANSWER.startswith(text) for text in partial)
    # Whole-message delivery shows no partial text at all; a loaded machine may merge pieces.
    assert len(partial - {"", ANSWER}) >= 2, "the answer should appear piece by piece"

    expect(answer.locator(".sources li")).to_have_text(
        ["Hosting a co-op student", "Wage subsidies"]
    )
    expect(answer.locator(".sources a")).to_have_attribute("href", "https://example.org/co-op")
    expect(answer.locator(".sources a")).to_have_count(1)  # no URL, no link
    screenshot(page, "widget-desktop-answer")

    w(
        page,
        ".chip",
    ).filter(has_text="What does it cost?").click()
    expect(w(page, ".msg.user").last).to_have_text(re.compile("What does it cost?"))
    expect(w(page, ".msg.assistant[data-id]")).to_have_count(3)


def test_whole_answer_setting_shows_only_complete_answers_and_is_remembered(
    page: Page, live: LiveServer
) -> None:
    open_demo(page, live)
    toggle = page.get_by_label("Show complete answers only")
    expect(toggle).not_to_be_checked()
    toggle.check()
    record_log(page)

    send(page, "How do co-op terms work?")
    expect(w(page, ".msg.assistant").nth(1).locator(".text")).to_have_text(ANSWER)
    seen = page.evaluate("window.__seen")
    assert not any(s["streaming"] for s in seen)
    assert {s["text"] for s in seen} <= {ANSWER, "Hi! Ask me about work-integrated learning."}

    page.reload()
    expect(page.get_by_label("Show complete answers only")).to_be_checked()


def test_intake_summary_card_then_liaison_joins_and_replies(
    page: Page, live: LiveServer, runtime: Runtime
) -> None:
    open_demo(page, live)
    send(page, "I want to post a placement")
    card = w(page, ".card")
    expect(card.locator("h3")).to_have_text("Please check your details")
    expect(card.locator("dt")).to_have_text(
        ["Organization name", "Contact email", "Students count", "Paid"]
    )
    expect(card.locator("dd")).to_have_text(["Prairie Robotics", "sam@prairie.example", "2", "Yes"])
    expect(w(page, ".chip")).to_have_text(["Yes", "Edit"])
    w(page, ".chip").filter(has_text="Yes").click()
    expect(w(page, ".msg.assistant").last).to_contain_text("Sent!")

    send(page, "Can I talk to a person?")
    expect(w(page, ".status")).to_have_text(re.compile("reaching a liaison"))
    cid = conversation_id(page)
    wait_for_event_stream(live, runtime, cid)
    publish_status(live, runtime, cid, "active")
    expect(w(page, ".status")).to_have_text("A liaison has joined the conversation.")
    liaison_says(live, runtime, cid, "Hi Sam, I'm Lee from the secretariat.")
    reply = w(page, ".msg.liaison")
    expect(reply.locator(".who")).to_have_text("Liaison")
    expect(reply.locator(".text")).to_have_text("Hi Sam, I'm Lee from the secretariat.")

    assistant_count = w(page, ".msg.assistant").count()
    send(page, "Thanks Lee!")  # the liaison holds the conversation: the bot stays quiet
    expect(w(page, ".msg.user").last).to_contain_text("Thanks Lee!")
    expect(w(page, "textarea")).to_have_value("")
    expect(w(page, ".msg.assistant[data-id]")).to_have_count(assistant_count)


def test_conversation_and_open_panel_survive_a_reload(page: Page, live: LiveServer) -> None:
    open_demo(page, live)
    send(page, "How do co-op terms work?")
    expect(w(page, ".msg.assistant[data-id]")).to_have_count(2)

    starts: list[str] = []
    page.on(
        "request",
        lambda r: (
            starts.append(r.url)
            if r.method == "POST" and r.url.endswith("/api/conversations")
            else None
        ),
    )
    page.reload()
    expect(w(page, ".panel")).to_be_visible()
    expect(w(page, ".msg")).to_have_count(3)
    expect(w(page, ".msg.user")).to_contain_text("How do co-op terms work?")
    expect(w(page, ".msg.assistant").last.locator(".sources li")).to_have_count(2)
    assert starts == []


def test_rich_text_lists_citation_links_and_markup_kept_as_text(
    page: Page, live: LiveServer, runtime: Runtime
) -> None:
    open_demo(page, live)
    send(page, "What are the steps?")
    answer = w(page, ".msg.assistant[data-id]").last
    text = answer.locator(".text")
    expect(text).to_have_text(as_shown(RICH_ANSWER))
    expect(text.locator("p")).to_have_text(["Three steps to host a student [1]:", "What you need:"])
    expect(text.locator("ol > li")).to_have_text(
        [
            "Write the role description.",
            "Check the wage subsidy [2].",
            "Post it on https://example.org/post-a-role.",
        ]
    )
    expect(text.locator("ul > li")).to_have_count(2)
    expect(text.locator("ul > li").last).to_contain_text('<img src=x onerror="window.__pwned=1">')
    expect(answer.locator("img")).to_have_count(0)
    assert page.evaluate("window.__pwned") is None

    # The URL is a link without the sentence's full stop; [1] and [2] lead to their sources,
    # [7] has no source and stays text.
    expect(text.locator("ol a:not(.cite)")).to_have_attribute(
        "href", "https://example.org/post-a-role"
    )
    cites = text.locator("sup a")
    expect(cites).to_have_text(["[1]", "[2]"])
    expect(cites.first).to_have_attribute("aria-label", "Source 1: Hosting a co-op student")
    cites.nth(1).click()
    focused = page.evaluate(
        "() => document.querySelector('wil-assistant').shadowRoot.activeElement.textContent"
    )
    assert focused == "Wage subsidies"
    assert page.url.rstrip("/") == live.url  # handled in the widget, not as page navigation

    # A liaison's message is rendered the same safe way.
    cid = conversation_id(page)
    wait_for_event_stream(live, runtime, cid)
    liaison_says(live, runtime, cid, "Two things:\n- <b>bold?</b>\n- see https://example.org/x")
    said = w(page, ".msg.liaison .text")
    expect(said.locator("li")).to_have_text(["<b>bold?</b>", "see https://example.org/x"])
    expect(said.locator("b")).to_have_count(0)
    expect(said.locator("a")).to_have_attribute("href", "https://example.org/x")
    expect(w(page, ".msg.user .text")).to_have_text("What are the steps?")
    screenshot(page, "widget-desktop-rich-text")


def test_new_conversation_asks_first_then_forgets_the_stored_one(
    page: Page, live: LiveServer
) -> None:
    open_demo(page, live)
    send(page, "How do co-op terms work?")
    expect(w(page, ".msg.assistant[data-id]")).to_have_count(2)
    before = stored(page)

    restart = page.get_by_role("button", name="New conversation")
    restart.focus()
    page.keyboard.press("Enter")
    ask = w(page, ".ask")
    expect(ask).to_be_visible()
    expect(ask).to_contain_text("Start a new conversation?")
    expect(restart).to_have_attribute("aria-expanded", "true")
    assert _focused(page) == "yes:Start new"
    screenshot(page, "widget-desktop-new-conversation")
    page.keyboard.press("Escape")  # cancels the question, keeps the panel and the conversation
    expect(ask).to_be_hidden()
    expect(w(page, ".panel")).to_be_visible()
    assert _focused(page).startswith("restart")
    assert stored(page)["id"] == before["id"]

    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # "Start new"
    expect(w(page, ".msg")).to_have_count(1)
    expect(w(page, ".msg.assistant")).to_have_text(re.compile("Hi! Ask me"))
    expect(w(page, ".status")).to_have_text("A new conversation has started.")
    expect(ask).to_be_hidden()
    assert _focused(page).startswith("wil-input")
    after = stored(page)
    assert after["id"] != before["id"] and after["token"] != before["token"]
    assert after["pending"] == []

    send(page, "How do co-op terms work?")  # the new conversation works, events included
    expect(w(page, ".msg.assistant[data-id]")).to_have_count(2)
    page.reload()
    expect(w(page, ".msg")).to_have_count(3)
    assert stored(page)["id"] == after["id"]
    assert_accessible(page, {"include": [["wil-assistant", ".panel"]]})


def test_new_conversation_is_labelled_in_french(page: Page, live: LiveServer) -> None:
    open_demo(page, live, "/fr")
    page.get_by_role("button", name="Nouvelle conversation").click()
    expect(w(page, ".ask")).to_contain_text("Commencer une nouvelle conversation?")
    expect(w(page, ".ask button")).to_have_text(["Recommencer", "Annuler"])
    page.set_viewport_size({"width": PHONE["width"], "height": PHONE["height"]})
    screenshot(page, "widget-phone-new-conversation")
    w(page, ".ask button").filter(has_text="Annuler").click()
    expect(w(page, ".ask")).to_be_hidden()


def test_too_many_messages_waits_for_retry_after_then_sends(page: Page, live: LiveServer) -> None:
    open_demo(page, live)
    posts: list[float] = []
    # 4 s rather than 1-2: the notice must still be up when a loaded CI machine looks for it.
    detail = "You are sending messages too quickly. Please wait 4 seconds and try again."

    def limited_once(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        posts.append(time.monotonic())
        if len(posts) == 1:
            route.fulfill(status=429, json={"detail": detail}, headers={"Retry-After": "4"})
        else:
            route.continue_()

    page.route("**/api/conversations/*/messages", limited_once)
    send(page, "How do co-op terms work?")
    expect(w(page, ".status")).to_have_text(
        detail + " We will send your message for you in 4 seconds."
    )
    expect(w(page, ".msg.user .note")).to_have_text("Sending…")
    expect(w(page, ".error")).to_be_empty()
    screenshot(page, "widget-desktop-rate-limited")
    expect(w(page, ".msg.assistant[data-id]")).to_have_count(2)
    expect(w(page, ".status")).to_be_empty()
    expect(w(page, ".msg.user")).to_have_count(1)
    assert len(posts) == 2
    assert posts[1] - posts[0] >= 3.9, "the message was sent again before Retry-After"


def test_other_client_errors_show_the_servers_detail(page: Page, live: LiveServer) -> None:
    open_demo(page, live)
    page.route(
        "**/api/conversations/*/messages",
        lambda route: (
            route.fulfill(status=413, json={"detail": "That message is too long."})
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    send(page, "How do co-op terms work?")
    expect(w(page, ".error p")).to_have_text("That message is too long.")
    expect(w(page, ".msg.user.failed .note")).to_have_text("Not sent")
    expect(w(page, "textarea")).to_have_value("How do co-op terms work?")


# ---- resilience ---------------------------------------------------------------------------


def test_missed_liaison_message_arrives_once_after_the_event_stream_reconnects(
    page: Page, live: LiveServer, runtime: Runtime
) -> None:
    events = "**/api/conversations/*/events"
    page.route(events, lambda route: route.abort())
    open_demo(page, live)
    expect(w(page, ".status")).to_have_text("Connection lost. Reconnecting…")
    cid = conversation_id(page)
    missed = liaison_says(live, runtime, cid, "Are you still there?", publish=False)

    catch_ups: list[str] = []
    page.on("request", lambda r: catch_ups.append(r.url) if "after=" in r.url else None)
    page.unroute(events)
    expect(w(page, ".msg.liaison .text")).to_have_text("Are you still there?")
    expect(w(page, ".status")).to_be_empty()
    assert any(url.endswith(f"after={missed['id'] - 1}") for url in catch_ups)

    wait_for_event_stream(live, runtime, cid)
    live.run(runtime.bus.publish(conversation_topic(cid), {"type": "message", "data": missed}))
    liaison_says(live, runtime, cid, "I'll send you the form.")
    expect(w(page, ".msg.liaison")).to_have_count(2)


def test_a_message_is_kept_and_retried_until_the_server_takes_it(
    page: Page, live: LiveServer
) -> None:
    open_demo(page, live)
    posts = "**/api/conversations/*/messages"
    failures = {"left": 2}
    held: list[Route] = []

    def flaky(route: Route) -> None:
        if route.request.method == "POST" and failures["left"] > 0:
            failures["left"] -= 1
            held.append(route)  # dropped below, once the test has looked at the page
        else:
            route.continue_()

    def drop_next_held() -> None:
        deadline = time.monotonic() + 20
        while not held:
            assert time.monotonic() < deadline, "the widget did not send again"
            page.wait_for_timeout(50)
        held.pop(0).abort("connectionreset")

    page.route(posts, flaky)
    send(page, "How do co-op terms work?")
    expect(w(page, ".msg.user .note")).to_have_text("Sending…")
    expect(w(page, "textarea")).to_have_value("How do co-op terms work?")
    drop_next_held()  # the connection drops: the widget keeps the message and tries again
    expect(w(page, ".msg.user .note")).to_have_text("Sending…")
    drop_next_held()
    expect(w(page, ".msg.assistant[data-id]")).to_have_count(2)
    expect(w(page, "textarea")).to_have_value("")
    assert failures["left"] == 0
    page.unroute(posts)

    page.route(
        posts, lambda route: route.abort() if route.request.method == "POST" else route.continue_()
    )
    send(page, "And the wage?")
    expect(w(page, ".error")).to_contain_text("Your message wasn't sent.")
    expect(w(page, ".msg.user.failed .note")).to_have_text("Not sent")
    expect(w(page, "textarea")).to_have_value("And the wage?")
    page.unroute(posts)
    w(page, ".error button").click()
    expect(w(page, ".msg.assistant[data-id]")).to_have_count(3)
    expect(w(page, ".error")).to_be_empty()
    expect(w(page, "textarea")).to_have_value("")
    expect(w(page, ".msg.user")).to_have_count(2)


def test_an_answer_cut_off_mid_stream_is_fetched_from_history(page: Page, live: LiveServer) -> None:
    open_demo(page, live)

    def cut_off(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        full = route.fetch().text()
        route.fulfill(
            status=200, content_type="text/event-stream", body=full[: full.index("event: final")]
        )

    page.route("**/api/conversations/*/messages", cut_off)
    send(page, "How do co-op terms work?")
    expect(w(page, ".msg.assistant").nth(1).locator(".text")).to_have_text(ANSWER)
    expect(w(page, ".msg.user")).to_have_count(1)
    expect(w(page, ".error")).to_be_empty()


# ---- accessibility, phone, theming --------------------------------------------------------


def _focused(page: Page) -> str:
    return str(
        page.evaluate(
            """() => {
              const a = document.querySelector('wil-assistant').shadowRoot.activeElement;
              return a ? (a.id || a.className || a.tagName) + ':' + (a.textContent || '').trim() : '';
            }"""
        )
    )


def test_keyboard_only_use(page: Page, live: LiveServer) -> None:
    page.goto(live.url + "/")
    w(page, ".launcher").focus()
    page.keyboard.press("Enter")
    expect(w(page, ".panel")).to_be_visible()
    expect(w(page, ".launcher")).to_have_attribute("aria-expanded", "true")
    expect(w(page, ".chip")).to_have_count(2)
    assert _focused(page).startswith("wil-input")

    w(page, ".close").focus()
    order = []
    for _ in range(7):
        page.keyboard.press("Tab")
        order.append(_focused(page))
    assert order == [
        "log:" + w(page, ".log").text_content().strip(),
        "chip:Where do I start?",
        "chip:Talk to a person",
        "wil-input:",
        "send:Send",
        "wil-whole:",
        "",  # past the panel's last control, focus goes back to the page
    ]
    w(page, ".close").focus()
    page.keyboard.press("Shift+Tab")
    assert _focused(page) == "restart:New conversation"
    page.keyboard.press("Shift+Tab")
    assert _focused(page) == "launcher:Chat with us"

    w(page, "textarea").focus()
    page.keyboard.type("How do co-op terms work?")
    page.keyboard.press("Enter")
    expect(w(page, ".msg.assistant[data-id]")).to_have_count(2)
    page.keyboard.press("Escape")
    expect(w(page, ".panel")).to_be_hidden()
    assert _focused(page).startswith("launcher")
    expect(w(page, ".launcher")).to_have_attribute("aria-expanded", "false")


def test_no_axe_violations_with_a_full_conversation(
    page: Page, live: LiveServer, runtime: Runtime
) -> None:
    page.goto(live.url + "/")
    assert_accessible(page)  # closed: the launcher on the host page

    w(page, ".launcher").click()
    send(page, "How do co-op terms work?")
    expect(w(page, ".sources")).to_be_visible()
    send(page, "I want to post a placement")
    expect(w(page, ".card")).to_be_visible()
    send(page, "talk to a person")
    expect(w(page, ".status")).not_to_be_empty()
    cid = conversation_id(page)
    wait_for_event_stream(live, runtime, cid)
    liaison_says(live, runtime, cid, "Hello, this is Lee.")
    expect(w(page, ".msg.liaison")).to_be_visible()

    assert_accessible(page)
    assert_accessible(page, {"include": [["wil-assistant", ".panel"]]})
    page.set_viewport_size(PHONE)
    assert_accessible(page)


def test_phone_panel_is_full_width_without_horizontal_scroll(
    browser: Browser, live: LiveServer
) -> None:
    with new_page(browser, viewport=PHONE, is_mobile=True, has_touch=True) as page:
        page.goto(live.url + "/fr")
        screenshot(page, "widget-phone-closed")
        w(page, ".launcher").tap()
        expect(w(page, ".msg.assistant")).to_have_text(re.compile("Bonjour"))
        send(page, "Comment fonctionnent les stages coop? " + "https://example.org/" + "x" * 80)
        expect(w(page, ".msg.assistant[data-id]")).to_have_count(2)
        box = w(page, ".panel").bounding_box()
        assert box is not None and (box["x"], box["width"]) == (0, 360)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert page.evaluate(
            """() => { const log = document.querySelector('wil-assistant').shadowRoot.querySelector('.log');
                       return log.scrollWidth <= log.clientWidth; }"""
        )
        expect(w(page, "textarea")).to_have_attribute("placeholder", "Écrivez votre question…")
        screenshot(page, "widget-phone-open")


HOSTILE_PAGE = """<!doctype html><html lang="en"><head><title>Partner</title><style>
  * { font-size: 40px !important; color: lime; box-sizing: content-box; }
  button { background: red; border-radius: 0; padding: 30px; }
  div { display: grid; } p { display: none; }
</style></head><body><h1>Partner college</h1><button id="own">Apply</button>
<script src="{api}/widget.js" data-locale="fr" data-color="#7a1f2b" data-title="Aide AIT"
        data-position="left" defer></script></body></html>"""


def test_partner_site_theming_isolation_and_token_only_calls(
    browser: Browser, settings: Settings
) -> None:
    # The partner's site is served first (on a port no one can take meanwhile); its page, which
    # needs the API's URL, is filled in once the API (which needs the site's origin) runs.
    pages: dict[str, str] = {}
    with host_site(pages) as partner:
        configured = load_settings(data_dir=settings.data_dir, env="test", cors_origins=partner)
        rt = _runtime(configured)
        try:
            with live_server(create_app(runtime=rt)) as live, new_page(browser) as page:
                pages["/"] = HOSTILE_PAGE.replace("{api}", live.url)
                _partner_site_checks(page, live, partner)
        finally:
            rt.db.dispose()


def _partner_site_checks(page: Page, live: LiveServer, partner: str) -> None:
    """What a person sees on the partner's page, and what the widget sends to the API."""
    page.context.add_cookies([{"name": "session", "value": "secret", "url": live.url}])
    api_calls: list[dict[str, str]] = []
    page.on("request", lambda r: api_calls.append(r.headers) if "/api/" in r.url else None)
    page.goto(partner + "/")
    own_before = page.eval_on_selector("#own", "b => getComputedStyle(b).fontSize")

    launcher = w(page, ".launcher")
    expect(launcher).to_have_text("Clavarder avec nous")
    assert launcher.evaluate("b => getComputedStyle(b).fontSize") == "15px"
    assert launcher.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(122, 31, 43)"
    box = launcher.bounding_box()
    assert box is not None and box["x"] < 40

    launcher.click()
    expect(w(page, "h2")).to_have_text("Aide AIT")
    expect(w(page, ".msg.assistant")).to_have_text(re.compile("Bonjour"))
    expect(w(page, ".msg .text").first).to_be_visible()  # host's `p {display: none}` stays out
    send(page, "Comment fonctionnent les stages coop?")
    expect(w(page, ".msg.assistant[data-id]")).to_have_count(2)
    screenshot(page, "widget-partner-site")

    assert (
        page.eval_on_selector("#own", "b => getComputedStyle(b).fontSize") == own_before == "40px"
    )
    assert api_calls and all("cookie" not in h for h in api_calls)
    assert any(h.get("authorization", "").startswith("Bearer c_") for h in api_calls)


def test_site_not_on_the_allow_list_cannot_use_the_api(browser: Browser, live: LiveServer) -> None:
    with (
        host_site({"/": HOSTILE_PAGE.replace("{api}", live.url)}) as site,
        new_page(browser) as page,
    ):
        page.goto(site + "/")
        w(page, ".launcher").click()
        expect(w(page, ".error")).to_contain_text("L'assistant est injoignable pour le moment.")
        expect(w(page, ".msg")).to_have_count(0)


# ---- what a person notices on a phone ------------------------------------------------------

WORDS_SPLIT_ACROSS_LINES = """(css) => {
  const root = document.querySelector('wil-assistant').shadowRoot;
  const split = [];
  for (const el of root.querySelectorAll(css)) {
    const node = el.firstChild;
    for (const m of node.textContent.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (lines.size > 1) split.push(m[0]);
    }
  }
  return split;
}"""


def _inside_log(page: Page, css: str) -> dict[str, float]:
    """Where an element sits relative to the visible part of the log (px; top 0 = log's top)."""
    return dict(
        page.evaluate(
            """(css) => {
              const root = document.querySelector('wil-assistant').shadowRoot;
              const log = root.querySelector('.log').getBoundingClientRect();
              const box = [...root.querySelectorAll(css)].pop().getBoundingClientRect();
              return {top: box.top - log.top, bottom: box.bottom - log.top, height: log.height};
            }""",
            css,
        )
    )


def test_phone_summary_card_is_full_width_and_labels_never_break_inside_a_word(
    browser: Browser, live: LiveServer
) -> None:
    with new_page(browser, viewport=PHONE, is_mobile=True, has_touch=True) as page:
        open_demo(page, live, "/fr")
        send(page, "Je veux offrir un stage")
        card = w(page, ".card")
        expect(card.locator("dt")).to_have_text([row["label"] for row in FR_SUMMARY])
        assert page.evaluate(WORDS_SPLIT_ACROSS_LINES, ".card dt") == []
        bubble = w(page, ".msg:has(.card)").bounding_box()
        log = w(page, ".log").bounding_box()
        assert bubble and log and bubble["width"] >= log["width"] - 40  # the log's padding only
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, "widget-phone-card-fr")


def test_a_long_answer_is_shown_from_its_start_not_its_end(
    browser: Browser, live: LiveServer
) -> None:
    with new_page(browser, viewport=PHONE, is_mobile=True, has_touch=True) as page:
        open_demo(page, live)
        send(page, "Tell me everything")
        answer = w(page, ".msg.assistant[data-id]").nth(1)
        expect(answer.locator(".sources")).to_be_visible(timeout=20_000)
        expect(w(page, ".chip")).to_have_text(["Thanks"])
        where = _inside_log(page, ".msg.assistant")
        assert where["bottom"] - where["top"] > where["height"], "the test needs a long answer"
        assert 0 <= where["top"] < 40, where  # its first line is at the top of the log
        screenshot(page, "widget-phone-long-answer")


def test_a_message_that_was_not_sent_stays_in_view_above_the_error(
    browser: Browser, live: LiveServer
) -> None:
    with new_page(browser, viewport=PHONE, is_mobile=True, has_touch=True) as page:
        open_demo(page, live)
        send(page, "How do co-op terms work?")
        expect(w(page, ".msg.assistant[data-id]")).to_have_count(2)
        page.route(
            "**/api/conversations/*/messages",
            lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
        )
        send(page, "And the wage?")
        expect(w(page, ".msg.user.failed .note")).to_have_text("Not sent", timeout=10_000)
        expect(w(page, ".error button")).to_have_text("Retry")
        page.wait_for_timeout(300)
        where = _inside_log(page, ".msg.user.failed")
        assert where["top"] >= 0 and where["bottom"] <= where["height"] + 1, where
        screenshot(page, "widget-phone-not-sent")


def _chrome_strings(page: Page) -> set[str]:
    """Every string of the widget's own interface (not the messages): text, labels, tooltips."""
    return set(
        page.evaluate(
            """() => {
              const root = document.querySelector('wil-assistant').shadowRoot;
              const out = [];
              for (const el of root.querySelectorAll('*')) {
                if (el.closest('.msg, .chips, style')) continue;
                for (const n of el.childNodes)
                  if (n.nodeType === 3 && n.textContent.trim()) out.push(n.textContent.trim());
                for (const a of ['aria-label', 'title', 'placeholder'])
                  if (el.getAttribute(a)) out.push(el.getAttribute(a));
              }
              return out;
            }"""
        )
    )


def test_french_page_shows_no_english_interface_text(browser: Browser, live: LiveServer) -> None:
    with new_page(browser) as page:
        open_demo(page, live)
        w(page, ".restart").click()  # the "new conversation?" question too
        english = _chrome_strings(page)
    with new_page(browser, viewport=PHONE, locale="fr-CA") as page:
        open_demo(page, live, "/fr")
        w(page, ".restart").click()
        french = _chrome_strings(page)
    same_in_both = {"Conversation", "Sources"}
    assert len(english) > 12 and len(french) > 12
    assert (english & french) - same_in_both == set()
