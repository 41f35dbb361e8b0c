"""The widget's retries against the real engine: one id per message, the same id on every attempt.

A first attempt whose answer never reached the browser (the server stored the turn, the
connection dropped) is sent again and gets the stored turn: the person sees their message and
the reply once, the conversation holds them once, and no "frustrated" ticket opens. A busy
server's 503 is waited out like a 429.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from assistant.conversations import list_messages
from assistant.runtime import Runtime
from channels.web.app import create_app
from tests.browser import LiveServer, chromium, live_server
from tests.test_widget_browser import new_page, open_demo, send, w

pytestmark = pytest.mark.slow

POSTS = "**/api/conversations/*/messages"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


@pytest.fixture
def live(runtime: Runtime) -> Iterator[LiveServer]:
    with live_server(create_app(runtime=runtime)) as server:
        yield server


@pytest.fixture
def page(browser: Browser, live: LiveServer) -> Iterator[Page]:
    with new_page(browser) as p:
        yield p


def _conversation_id(page: Page) -> str:
    stored = page.evaluate(
        "() => Object.entries(localStorage).find(([k]) => k.startsWith('wil-assistant:http'))[1]"
    )
    return str(json.loads(stored)["id"])


def test_an_answer_lost_on_the_way_back_is_not_stored_twice(
    page: Page, live: LiveServer, runtime: Runtime
) -> None:
    open_demo(page, live)
    bodies: list[dict[str, str]] = []

    def lose_first_answer(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        bodies.append(json.loads(route.request.post_data or "{}"))
        if len(bodies) == 1:
            route.fetch()  # the server takes the message and answers...
            route.abort("connectionreset")  # ...but the answer never arrives
        else:
            route.continue_()

    page.route(POSTS, lose_first_answer)
    send(page, "Thanks!")
    expect(w(page, ".msg.assistant[data-id]")).to_have_count(2)
    expect(w(page, ".msg.user")).to_have_count(1)
    assert len(bodies) == 2
    assert bodies[0]["client_message_id"] and bodies[0] == bodies[1]
    stored = list_messages(runtime.db, _conversation_id(page))
    assert [m.role for m in stored] == ["assistant", "user", "assistant"]

    # A new message gets a new id.
    send(page, "Hello")
    expect(w(page, ".msg.assistant[data-id]")).to_have_count(3)
    assert bodies[2]["client_message_id"] != bodies[0]["client_message_id"]


def test_a_busy_server_is_waited_out_then_the_message_sent_once(
    page: Page, live: LiveServer, runtime: Runtime
) -> None:
    open_demo(page, live)
    posts: list[float] = []
    detail = (
        "Many people are writing to the assistant right now. Please try again in a few seconds."
    )

    def busy_once(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        posts.append(time.monotonic())
        if len(posts) == 1:
            route.fulfill(status=503, json={"detail": detail}, headers={"Retry-After": "3"})
        else:
            route.continue_()

    page.route(POSTS, busy_once)
    send(page, "Thanks!")
    expect(w(page, ".status")).to_contain_text(detail)
    expect(w(page, ".msg.assistant[data-id]")).to_have_count(2)
    expect(w(page, ".error")).to_be_empty()
    assert len(posts) == 2 and posts[1] - posts[0] >= 2.9
    stored = list_messages(runtime.db, _conversation_id(page))
    assert [m.role for m in stored] == ["assistant", "user", "assistant"]
