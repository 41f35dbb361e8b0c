"""Attacker's-eye regressions: formula cells in exports, SSE frames broken by Unicode line
separators, event streams opened without limit, erasure leaving the Telegram chat link, and
the security headers of the pages and the API.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import csv
import hashlib
import io
import json
import re
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from assistant.config import Settings
from assistant.conversations import add_message, find_by_channel_user, list_messages
from assistant.events import LIAISON_TOPIC, conversation_topic
from assistant.liaisons import NewLiaison, create_liaison
from assistant.retention import purge_expired
from assistant.runtime import Runtime
from assistant.store.models import (
    Conversation,
    Handoff,
    HandoffNote,
    Intake,
    KnowledgeGap,
    Liaison,
    Message,
    utcnow,
)
from channels.web import sse as sse_module
from channels.web.app import create_app
from channels.web.sse import MAX_STREAMS_PER_CONVERSATION
from tests.browser import LiveServer, live_server
from tests.conftest import auth
from tests.fake_telegram import FakeTelegram, bot_app
from tests.handoff_support import Person, ask_for_human, messages, say, start

STATIC = Path(__file__).resolve().parent.parent / "channels" / "web" / "static"


# CSV exports ---------------------------------------------------------------------------


def test_csv_export_neutralises_formulas_in_every_kind_of_cell(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    payloads = {
        "organization_name": ' =HYPERLINK("https://evil.example","Click")',  # leading space
        "programs_sought": ['=cmd|" /C calc"!A0', "Engineering"],  # a list field
        "institutions_preferred": ["@SUM(1+1)"],
        "role_title": "\uff1d1+1",  # full-width equals sign
        "role_description": "\n=1+1",
        "contact_name": "Pat O'Neil",
    }
    with runtime.db.session() as s:
        s.add(
            Intake(
                id="in1",
                kind="employer",
                status="submitted",
                fields={**payloads, "students_count": 2, "hourly_wage": -5, "paid": True},
            )
        )
    r = client.get("/api/intakes/export.csv?kind=employer", headers=auth(liaison.token))
    assert r.status_code == 200
    row = next(csv.DictReader(io.StringIO(r.text)))
    for name in payloads:
        if name == "contact_name":
            continue
        assert row[name].startswith("'"), (name, row[name])
    assert row["programs_sought"] == '\'=cmd|" /C calc"!A0; Engineering'
    assert row["contact_name"] == "Pat O'Neil"  # plain text is left alone
    # Numbers and yes/no stay what they are.
    assert (row["students_count"], row["hourly_wage"], row["paid"]) == ("2", "-5", "yes")


# Event streams -------------------------------------------------------------------------

# Characters that Python's str.splitlines() treats as line ends but SSE and JSON do not.
SEPARATORS = "one\u2028two\u2029three\u0085four\x1cfive"


def parse_frames(buffer: str, frames: list[tuple[str, Any]]) -> str:
    """Parse the complete SSE frames in `buffer` like a browser; return what is left.

    Lines end only at CR, LF or CRLF, and a frame's data lines join with LF.
    """
    while "\n\n" in buffer:
        block, buffer = buffer.split("\n\n", 1)
        name, data = "message", []
        for line in re.split(r"\r\n|\r|\n", block):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
        if data:
            frames.append((name, json.loads("\n".join(data))))
    return buffer


class Stream:
    """An SSE stream read by its own event loop in a thread; `.frames` fills as events arrive.

    `close()` cancels the read, which closes the connection at once (as a browser tab does).
    """

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.frames: list[tuple[str, Any]] = []
        self.errors: list[BaseException] = []
        self.status: int | None = None
        self.headers: httpx.Headers = httpx.Headers()
        self._opened = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._task: asyncio.Task[None] | None = None
        self._thread = threading.Thread(target=self._run, args=(url, headers), daemon=True)
        self._thread.start()
        assert self._opened.wait(10), "the stream did not answer"

    def _run(self, url: str, headers: dict[str, str]) -> None:
        self._task = self._loop.create_task(self._read(url, headers))
        with contextlib.suppress(asyncio.CancelledError):
            self._loop.run_until_complete(self._task)
        self._loop.close()

    async def _read(self, url: str, headers: dict[str, str]) -> None:
        try:
            async with (
                httpx.AsyncClient(timeout=httpx.Timeout(20, read=60)) as client,
                client.stream("GET", url, headers=headers) as response,
            ):
                self.status = response.status_code
                self.headers = response.headers
                self._opened.set()
                if response.status_code != 200:
                    return
                buffer = ""
                async for chunk in response.aiter_text():
                    buffer = parse_frames(buffer + chunk, self.frames)
        except (httpx.HTTPError, ValueError) as exc:  # ValueError: a frame's JSON did not parse
            self.errors.append(exc)
        finally:
            self._opened.set()

    def wait_for(self, event: str, timeout: float = 5.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert not self.errors, self.errors
            for name, data in self.frames:
                if name == event:
                    return data
            time.sleep(0.02)
        raise AssertionError(f"no {event} event; got {self.frames} {self.errors}")

    def ended(self, timeout: float = 5.0) -> bool:
        """Return True once the server has closed the stream (within `timeout`)."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def close(self) -> None:
        if self._task is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(5)


def _wait_subscribers(runtime: Runtime, topic: str, count: int) -> None:
    deadline = time.monotonic() + 5
    while runtime.bus.subscriber_count(topic) != count:  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, (
            f"{runtime.bus.subscriber_count(topic)} subscribers on {topic}, expected {count}"  # type: ignore[attr-defined]
        )
        time.sleep(0.02)


@pytest.fixture
def server(runtime: Runtime) -> Iterator[LiveServer]:
    with live_server(create_app(runtime=runtime)) as srv:
        yield srv


@pytest.mark.slow
def test_unicode_line_separators_do_not_break_event_frames(
    server: LiveServer, runtime: Runtime, liaison: NewLiaison
) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as http:
        person = start(http)
        ticket = ask_for_human(http, person)["handoff"]["id"]
        console = Stream(f"{server.url}/api/handoffs/events", auth(liaison.token))
        widget = Stream(f"{server.url}/api/conversations/{person.id}/events", person.headers)
        try:
            _wait_subscribers(runtime, LIAISON_TOPIC, 1)
            _wait_subscribers(runtime, conversation_topic(person.id), 1)
            say(http, person, f"person: {SEPARATORS}")
            seen = console.wait_for("user_message")
            assert seen["message"]["text"] == f"person: {SEPARATORS}".replace("\x1c", "")
            r = http.post(
                f"/api/handoffs/{ticket}/messages",
                json={"text": f"liaison: {SEPARATORS}"},
                headers=auth(liaison.token),
            )
            assert r.status_code == 201
            deadline = time.monotonic() + 5
            while not any(n == "message" and d.get("role") == "liaison" for n, d in widget.frames):
                assert not widget.errors, widget.errors
                assert time.monotonic() < deadline, widget.frames
                time.sleep(0.02)
            reply = next(d for n, d in widget.frames if d.get("role") == "liaison")
            assert reply["text"] == f"liaison: {SEPARATORS}".replace("\x1c", "")
        finally:
            console.close()
            widget.close()


@pytest.mark.slow
def test_one_conversation_cannot_open_event_streams_without_limit(
    server: LiveServer, runtime: Runtime
) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as http:
        person, other = start(http), start(http)
    url = f"{server.url}/api/conversations/{person.id}/events"
    streams = [Stream(url, person.headers) for _ in range(MAX_STREAMS_PER_CONVERSATION)]
    extra: list[Stream] = []
    try:
        assert [s.status for s in streams] == [200] * MAX_STREAMS_PER_CONVERSATION
        _wait_subscribers(runtime, conversation_topic(person.id), MAX_STREAMS_PER_CONVERSATION)
        refused = Stream(url, person.headers)
        extra.append(refused)
        assert refused.status == 429
        assert int(refused.headers["retry-after"]) > 0
        assert runtime.bus.subscriber_count(conversation_topic(person.id)) == len(streams)  # type: ignore[attr-defined]
        # Another conversation is not affected.
        theirs = Stream(f"{server.url}/api/conversations/{other.id}/events", other.headers)
        extra.append(theirs)
        assert theirs.status == 200
        # A closed stream gives its place back.
        streams.pop().close()
        _wait_subscribers(runtime, conversation_topic(person.id), MAX_STREAMS_PER_CONVERSATION - 1)
        deadline = time.monotonic() + 5
        while True:
            again = Stream(url, person.headers)
            extra.append(again)
            if again.status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert again.status == 200
    finally:
        for s in streams + extra:
            s.close()


@pytest.mark.slow
def test_a_liaison_stream_ends_when_the_session_or_account_does(
    server: LiveServer, runtime: Runtime, liaison: NewLiaison, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sse_module, "REAUTH_S", 0.2)
    url = f"{server.url}/api/handoffs/events"
    with httpx.Client(base_url=server.url, timeout=10) as http:
        login = http.post(
            "/console/api/login", json={"email": liaison.email, "password": liaison.password}
        )
        assert login.status_code == 200
        cookie = {"Cookie": f"wil_console={login.cookies['wil_console']}"}
        console = Stream(url, cookie)
        api = Stream(url, auth(liaison.token))
        try:
            assert (console.status, api.status) == (200, 200)
            assert not console.ended(timeout=1) and not api.ended(timeout=0)  # still signed in
            csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
            assert http.post("/console/api/logout", headers={**cookie, **csrf}).is_success
            assert console.ended(), "the console's stream outlived its session"
            assert not api.ended(timeout=0.5)  # the API token is another credential
            with runtime.db.session() as s:
                s.execute(update(Liaison).where(Liaison.id == liaison.id).values(active=False))
            assert api.ended(), "a deactivated liaison still receives people's messages"
        finally:
            console.close()
            api.close()


def test_a_non_ascii_csrf_token_is_refused_not_a_server_error(
    client: TestClient, liaison: NewLiaison
) -> None:
    login = client.post(
        "/console/api/login", json={"email": liaison.email, "password": liaison.password}
    )
    assert login.status_code == 200
    for value in ("é".encode(), b"\xff" * 43, "✓".encode() + login.json()["csrf_token"].encode()):
        for path in ("/api/handoffs/x1/claim", "/console/api/logout"):
            r = client.post(path, headers={b"X-CSRF-Token": value})
            assert r.status_code == 403, (path, value, r.text)
            assert r.json() == {"detail": "CSRF token missing or wrong"}
    assert client.get("/console/api/session").status_code == 200  # still signed in


MARKUP = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


@pytest.mark.slow
def test_the_console_shows_markup_and_line_separators_from_everyone_as_text(
    server: LiveServer, runtime: Runtime
) -> None:
    from tests.browser import chromium

    who = create_liaison(runtime.db, "mark@example.org", f"Mark {MARKUP}")
    with runtime.db.session() as s:
        s.add(
            Intake(
                id="in1",
                kind="student",
                status="submitted",
                fields={"full_name": f"Pat {MARKUP}", "interests": [MARKUP], MARKUP: MARKUP},
            )
        )
    with httpx.Client(base_url=server.url, timeout=10) as http:
        person = start(http)
        say(http, person, f"What does the {MARKUP} program pay in Saskatoon?")  # a gap
        ticket = ask_for_human(http, person, f"I want to talk to a human {MARKUP}")["handoff"]
        headers = auth(who.token)
        http.post(f"/api/handoffs/{ticket['id']}/notes", json={"text": MARKUP}, headers=headers)
        with chromium() as browser:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{server.url}/console")
            page.fill("#login-email", who.email)
            page.fill("#login-password", who.password)
            page.click("#login-submit")
            page.locator("#who").get_by_text(f"Mark {MARKUP}", exact=True).wait_for()
            page.goto(f"{server.url}/console#/handoffs/{ticket['id']}")
            page.locator("#notes").get_by_text(MARKUP, exact=True).wait_for()
            _wait_subscribers(runtime, LIAISON_TOPIC, 1)  # the console's live stream
            # The person writes text holding Unicode line separators: it arrives live, intact.
            say(http, person, f"live {SEPARATORS}")
            shown = f"live {SEPARATORS}".replace("\x1c", "")
            page.wait_for_function(
                "t => [...document.querySelectorAll('#transcript li')]"
                ".some(li => li.textContent.includes(t))",
                arg=shown,
                timeout=20000,
            )
            page.goto(f"{server.url}/console#/intakes")
            page.locator("td.fields").get_by_text(f"Pat {MARKUP}", exact=False).wait_for()
            page.goto(f"{server.url}/console#/gaps")
            page.locator("#gaps").get_by_text(MARKUP, exact=False).first.wait_for()
            assert page.evaluate("window.__xss") is None
            assert page.locator("#main script, #main img, header img").count() == 0
            assert errors == []


def test_a_cross_site_form_cannot_sign_a_browser_in_to_the_console(
    client: TestClient, liaison: NewLiaison
) -> None:
    body = json.dumps({"email": liaison.email, "password": liaison.password})
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        r = client.post(
            "/console/api/login",
            content=body,
            headers={"Content-Type": content_type, "Origin": "https://evil.example"},
        )
        assert r.status_code == 422, content_type
        assert "set-cookie" not in r.headers
    assert client.get("/console/api/session").status_code == 401


# Erasure -------------------------------------------------------------------------------

ALICE = 5551777


@pytest.mark.slow
def test_deleting_my_data_on_telegram_unlinks_my_chat(
    tg: FakeTelegram, tg_settings: Settings
) -> None:
    with bot_app(tg_settings) as (_client, _bot, rt):
        tg.send_text(ALICE, "My email is alice@example.org, what is a co-op?")
        tg.wait_for("sendMessage", chat_id=ALICE)
        before = find_by_channel_user(rt.db, "telegram", str(ALICE))
        assert before is not None
        tg.send_text(ALICE, "delete my data")
        tg.wait_for("sendMessage", chat_id=ALICE, count=2)
        tg.send_text(ALICE, "yes")
        tg.wait_for("sendMessage", chat_id=ALICE, count=3)
        assert "deleted" in tg.texts_to(ALICE)[-1].lower()
        # Nothing ties the old conversation to the chat any more, and it holds nothing they said.
        assert find_by_channel_user(rt.db, "telegram", str(ALICE)) is None
        assert all("alice@" not in m.text for m in list_messages(rt.db, before.id))
        # Writing again starts afresh.
        tg.send_text(ALICE, "hello again")
        tg.wait_for("sendMessage", chat_id=ALICE, count=4)
        after = find_by_channel_user(rt.db, "telegram", str(ALICE))
        assert after is not None and after.id != before.id


def test_deleting_my_data_on_the_web_leaves_nothing_of_mine_anywhere(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    marker = "Zqxwv"
    person: Person = start(client)
    say(client, person, f"What does the {marker} program pay in Saskatoon?")  # a knowledge gap
    ticket = ask_for_human(client, person, f"I want to talk to a human about {marker}")
    ticket_id = ticket["handoff"]["id"]
    headers = auth(liaison.token)
    assert client.post(f"/api/handoffs/{ticket_id}/claim", headers=headers).status_code == 200
    note = {"text": f"note: {marker} called before"}
    assert client.post(f"/api/handoffs/{ticket_id}/notes", json=note, headers=headers).is_success
    say(client, person, "delete my data")
    say(client, person, "yes")
    assert all(marker not in m["text"] for m in messages(client, person))
    dumped = json.dumps(
        [
            client.get(f"/api/handoffs/{ticket_id}", headers=headers).json(),
            client.get("/api/handoffs", headers=headers).json(),
            client.get("/api/knowledge-gaps", headers=headers).json(),
            client.get("/api/intakes", headers=headers).json(),
        ]
    )
    assert marker.lower() not in dumped.lower()


# Security headers ----------------------------------------------------------------------


def _inline_script_hashes(name: str) -> set[str]:
    html = (STATIC / name).read_text(encoding="utf-8")
    return {
        "'sha256-" + base64.b64encode(hashlib.sha256(m.encode()).digest()).decode() + "'"
        for m in re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    }


@pytest.mark.parametrize(("path", "name"), [("/", "index.html"), ("/fr", "index.fr.html")])
def test_the_demo_pages_have_a_content_security_policy(
    client: TestClient, path: str, name: str
) -> None:
    r = client.get(path)
    assert r.status_code == 200
    policy = r.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    script_src = set(directives["script-src"].split())
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert script_src == {"'self'"} | _inline_script_hashes(name)
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"]


def test_api_answers_are_not_sniffed_cached_or_referred(
    client: TestClient, liaison: NewLiaison
) -> None:
    person = start(client)
    for r in (
        client.get(f"/api/conversations/{person.id}/messages", headers=person.headers),
        client.get(f"/api/conversations/{person.id}/messages"),  # 401
        client.get("/api/handoffs", headers=auth(liaison.token)),
        client.get("/api/intakes/export.csv", headers=auth(liaison.token)),
        client.post("/api/conversations", json={"channel": "nope"}),  # 422
        client.post("/console/api/login", json={"email": "x@example.org", "password": "x"}),
        client.get("/console/api/session"),
    ):
        assert r.headers["x-content-type-options"] == "nosniff", r.url
        assert r.headers["cache-control"] == "no-store", r.url
        assert r.headers["referrer-policy"] == "no-referrer", r.url
    # The console keeps its own, stricter headers.
    page = client.get("/console")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-cache"


@pytest.mark.slow
def test_the_demo_page_and_widget_run_under_the_policy_in_a_real_browser(
    server: LiveServer,
) -> None:
    from tests.browser import chromium

    with chromium() as browser:
        page = browser.new_page()
        blocked: list[str] = []
        page.on(
            "console", lambda m: blocked.append(m.text) if "Security Policy" in m.text else None
        )
        page.goto(server.url + "/")
        # The page's own inline script ran (its hash is allowed)...
        snippet = page.locator("#snippet")
        assert server.url in (snippet.text_content() or "")
        # ...and the widget draws its styled shadow DOM and talks to the API.
        page.locator("wil-assistant .launcher").click()
        page.locator("wil-assistant .msg.assistant").first.wait_for()
        position = page.locator("wil-assistant .launcher").evaluate(
            "n => getComputedStyle(n).position"
        )
        assert position == "fixed"  # the shadow-root stylesheet applied
        page.wait_for_timeout(300)
        assert not blocked, blocked


@pytest.mark.slow
def test_a_source_link_in_the_widget_is_never_a_script_url(
    server: LiveServer, runtime: Runtime
) -> None:
    from tests.browser import chromium

    with httpx.Client(base_url=server.url, timeout=10) as http:
        person = start(http)
    # A poisoned knowledge source: the citation's URL is a script.
    with runtime.db.session() as s:
        add_message(
            s,
            person.id,
            "assistant",
            "See the guide [1].",
            citations=[{"title": "Guide", "source": "x.md", "url": "javascript:window.__p=1"}],
        )
    api = f"{server.url}/api/conversations"
    stored = {"id": person.id, "token": person.token, "locale": "en", "pending": []}
    with chromium() as browser:
        page = browser.new_page()
        page.goto(server.url + "/")
        page.evaluate(
            "([k, v]) => localStorage.setItem(k, JSON.stringify(v))",
            [f"wil-assistant:{api}", stored],
        )
        page.reload()
        page.locator("wil-assistant .launcher").click()
        source = page.locator("wil-assistant .sources li").first
        source.wait_for()
        assert source.locator("a").count() == 0  # shown as text, not as a link
        assert "Guide" in (source.text_content() or "")


# Retention -----------------------------------------------------------------------------


def test_retention_purges_old_tickets_notes_and_gaps_with_their_conversation(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    marker = "Qwzvx"
    old = start(client)
    say(client, old, f"What does the {marker} program pay in Saskatoon?")  # a knowledge gap
    ticket_id = ask_for_human(client, old, f"Talk to a human about {marker}")["handoff"]["id"]
    headers = auth(liaison.token)
    note = {"text": f"note: {marker}"}
    assert client.post(f"/api/handoffs/{ticket_id}/notes", json=note, headers=headers).is_success
    assert client.post(f"/api/handoffs/{ticket_id}/resolve", headers=headers).is_success
    long_ago = utcnow() - timedelta(days=400)
    with runtime.db.session() as s:
        for model in (Conversation, Message, Handoff, HandoffNote, KnowledgeGap):
            table: Any = model.__table__
            column = "updated_at" if "updated_at" in table.c else "created_at"
            query = table.update().values({column: long_ago})
            if model is Conversation:
                query = query.where(table.c.id == old.id)
            elif model is Message:
                query = query.where(table.c.conversation_id == old.id)
            s.execute(query)
    purge_expired(runtime.db, retention_days=365)
    assert client.get(f"/api/handoffs/{ticket_id}", headers=headers).status_code == 404
    gaps = client.get("/api/knowledge-gaps", headers=headers).json()
    assert marker.lower() not in json.dumps(gaps).lower()
    assert (
        client.get(f"/api/conversations/{old.id}/messages", headers=old.headers).status_code == 404
    )
    with runtime.db.session() as s:
        assert s.scalars(select(HandoffNote)).first() is None
