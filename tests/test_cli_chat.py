"""`wil-assistant chat`: scripts pipe questions in and read answers with sources and suggestions."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from assistant.config import load_settings
from assistant.engine import Citation, Turn
from assistant.runtime import Runtime, build_runtime
from channels.cli import app as cli_app
from channels.web.app import create_app
from tests.conftest import REPO_ROOT, seed_data
from tests.servers import bound_socket, free_port


def run_chat(
    *args: str, stdin: str, timeout: float = 90, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from channels.cli import main; main()", "chat", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
    )


def small_knowledge(tmp_path: Path) -> dict[str, str]:
    """Return the environment pointing chat at two real pages (the full set takes a minute to index)."""
    knowledge = tmp_path / "knowledge"
    for page in ("en/playbook/funding.md", "fr/playbook/funding.md"):
        (knowledge / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / "knowledge" / page, knowledge / page)
    return {"WIL_KNOWLEDGE_DIR": str(knowledge)}


class ScriptedAssistant:
    """Answers every question with the same cited turn."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def greeting(self, locale: str) -> tuple[str, list[str]]:
        return self.real.greeting(locale)  # type: ignore[no-any-return]

    async def handle(self, conversation_id: str, text: str, **_: Any) -> Turn:
        return Turn(
            text=f"About {text}: employers can get a wage subsidy.",
            locale="en",
            citations=[
                Citation(
                    title="Wage subsidies",
                    source="playbook/funding.md",
                    url="https://example.org/funding",
                ),
                Citation(title="Eligibility", source="playbook/eligibility.md"),
            ],
            suggestions=["Host a student", "Talk to a person"],
        )


@contextmanager
def serving(tmp_path: Path, *, scripted: bool) -> Iterator[tuple[str, Runtime]]:
    """Serve the API on a free loopback port; yield its URL and runtime, then stop it."""
    settings = load_settings(data_dir=tmp_path / "server", env="test")
    rt = build_runtime(settings, retriever=None)
    if scripted:
        rt.assistant = ScriptedAssistant(rt.assistant)  # type: ignore[assignment]
    sock = bound_socket()
    port = int(sock.getsockname()[1])
    srv = uvicorn.Server(
        uvicorn.Config(create_app(runtime=rt), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not srv.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}", rt
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        rt.db.dispose()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Runtime]]:
    with serving(tmp_path, scripted=True) as served:
        yield served


@pytest.mark.slow
def test_piped_questions_get_answers_in_process_and_the_command_exits_at_eof(
    tmp_path: Path, seed_data_dir: Path
) -> None:
    # Models already trained in the data dir (the empty-data-dir test below covers training).
    data = seed_data(tmp_path / "data", seed_data_dir)
    done = run_chat(
        "--locale",
        "fr",
        "--data-dir",
        str(data),
        stdin="Bonjour\n\nQu'est-ce qu'un stage coop?\n",
        env=small_knowledge(tmp_path),
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("assistant: Bonjour! Je suis l'assistant")
    assert lines[1].startswith("  suggestions: Par où commencer?")
    replies = [line for line in lines if line.startswith("assistant: ")]
    assert len(replies) == 3  # greeting + one reply per non-blank line
    assert [line for line in lines if line.startswith("you: ")] == [
        "you: Bonjour",
        "you: Qu'est-ce qu'un stage coop?",
    ]
    assert "you> " not in done.stdout  # no prompt when stdin is not a terminal


@pytest.mark.slow
def test_chat_against_a_running_server_shows_numbered_sources_and_suggestions(
    server: tuple[str, Runtime],
) -> None:
    url, rt = server
    done = run_chat("--url", url, stdin="funding\nquit\nnever sent\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.splitlines()[0] == "assistant: " + rt.assistant.greeting("en")[0]
    assert "assistant: About funding: employers can get a wage subsidy." in out
    assert "  [1] Wage subsidies <https://example.org/funding>" in out
    assert "  [2] Eligibility\n" in out
    assert "  suggestions: Host a student | Talk to a person" in out
    assert "About quit" not in out and "never sent" not in out  # quit ends the session
    assert "you: funding\nassistant: About funding" in out  # the transcript shows the question
    from sqlalchemy import select

    from assistant.store.models import Conversation

    with rt.db.session() as s:
        assert [c.channel for c in s.scalars(select(Conversation))] == ["cli"]


# A message's later lines hang under its text ("assistant: " is 11 characters).
TRANSCRIPT_LINE = re.compile(r"^(you: |assistant: |  \[\d+\] |  suggestions: | {11}\S)")


@pytest.mark.slow
def test_chat_on_an_empty_data_dir_indexes_the_knowledge_and_answers_with_a_source(
    tmp_path: Path,
) -> None:
    env = small_knowledge(tmp_path)
    data = str(tmp_path / "data")
    question = "How much does the SWPP wage subsidy pay?\n"
    done = run_chat("--data-dir", data, stdin=question, env=env, timeout=240)
    assert done.returncode == 0, done.stderr
    # stdout is the transcript only: no notes, progress or log lines a script would have to skip.
    lines = done.stdout.splitlines()
    assert lines and all(TRANSCRIPT_LINE.match(line) for line in lines), done.stdout
    reply = [line for line in lines if line.startswith("assistant: ")][1]
    assert "5,000" in reply and "[1]" in reply
    assert any(line.startswith("  [1] Funding to host WIL students") for line in lines)
    err = done.stderr.splitlines()
    assert err[0] == "indexing the default knowledge (first run, about 30 s)..."
    assert "no knowledge index yet" not in done.stderr
    assert not [line for line in err if " INFO " in line or " DEBUG " in line], done.stderr
    # The next run finds the index: nothing is indexed again and stderr stays empty.
    again = run_chat("--data-dir", data, stdin=question, env=env)
    assert again.returncode == 0, again.stderr
    assert again.stderr == ""
    assert "  [1] Funding to host WIL students" in again.stdout


def test_unreachable_server_is_a_one_line_error() -> None:
    result = CliRunner().invoke(
        cli_app, ["chat", "--url", f"http://127.0.0.1:{free_port()}"], input="hi\n"
    )
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("error: cannot reach")


def test_bad_locale_is_refused() -> None:
    result = CliRunner().invoke(cli_app, ["chat", "--locale", "de"], input="")
    assert result.exit_code == 2
    assert "--locale must be en or fr" in result.stderr


def test_liaison_messages_show_while_the_person_waits(server: tuple[str, Runtime]) -> None:
    """A liaison's reply is printed when it arrives, not after the person types again."""
    from assistant.conversations import add_message
    from channels.cli.chat_cmd import Follower, RemoteSession

    url, rt = server
    session = RemoteSession(url)
    shown: list[dict[str, Any]] = []
    arrived = threading.Event()

    def show(message: dict[str, Any]) -> None:
        shown.append(message)
        arrived.set()

    try:
        session.start("en")
        follower = Follower(session, show, every_s=0.2).start()
        try:
            follower.send("funding")
            with rt.db.session() as s:
                add_message(
                    s, session.conversation_id, "liaison", "Hi, Lee here.", meta={"liaison": "Lee"}
                )
            assert arrived.wait(10)
            assert [(m["author"], m["text"]) for m in shown] == [("Lee", "Hi, Lee here.")]
            assert follower.send("thanks") and len(shown) == 1  # shown once, not again
        finally:
            follower.stop()
    finally:
        session.close()


def test_local_chat_says_plainly_when_no_liaison_can_answer(tmp_path: Path) -> None:
    """In process, with no liaison account, the person is not left waiting for nobody."""
    result = CliRunner().invoke(
        cli_app,
        ["chat", "--data-dir", str(tmp_path / "data")],
        input="I want to talk to a human\n",
        env={"WIL_KNOWLEDGE_DIR": str(tmp_path / "no-knowledge")},
    )
    assert result.exit_code == 0, result.output
    assert "you: I want to talk to a human" in result.stdout
    assert "no liaison account exists on this installation" in result.stderr


def test_long_and_multi_line_messages_hang_under_their_text() -> None:
    from channels.cli.chat_cmd import format_message

    text = "First line of the answer.\n- a point that is long enough to wrap on a narrow terminal"
    piped = format_message({"role": "assistant", "text": text}).splitlines()
    assert piped == [
        "assistant: First line of the answer.",
        "           - a point that is long enough to wrap on a narrow terminal",
    ]
    narrow = format_message({"role": "assistant", "text": text}, width=40).splitlines()
    assert all(len(line) <= 40 for line in narrow) and len(narrow) > 2
    assert all(line.startswith(" " * 11) for line in narrow[1:])


def test_a_number_picks_a_suggestion_unless_a_number_is_the_answer() -> None:
    from channels.cli.chat_cmd import Picker, format_message

    picker = Picker()
    picker.saw(
        {"role": "assistant", "text": "Hi", "suggestions": ["Host a student", "Talk to a person"]}
    )
    assert picker.pick("2") == "Talk to a person"
    assert picker.pick("3") == "3" and picker.pick("two") == "two"
    shown = format_message(
        {"role": "assistant", "text": "Hi", "suggestions": ["Host a student"]}, numbered=True
    )
    assert shown.endswith("  suggestions: [1] Host a student")
    picker.saw({"role": "assistant", "text": "How many students?", "suggestions": ["Not sure"],
                "asking": "students_count"})  # fmt: skip
    assert picker.pick("1") == "1"  # the answer, not "Not sure"
    picker.saw({"role": "assistant", "text": "Year?", "suggestions": ["1", "2", "3"]})
    assert picker.pick("2") == "2"
    picker.saw({"role": "liaison", "text": "Hi", "suggestions": []})  # a liaison changes nothing
    assert picker.pick("2") == "2"


class _AnswerLost(httpx.BaseTransport):
    """Deliver the first message POST to the server, then drop its answer (a cut connection)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.dropped = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "POST" and request.url.path.endswith("/messages") and not self.dropped:
            response.read()
            self.dropped += 1
            raise httpx.ReadError("connection reset by peer", request=request)
        return response


def test_a_line_whose_answer_was_lost_is_sent_again_and_stored_once(tmp_path: Path) -> None:
    """The terminal retries a line after a dropped connection; the server keeps and answers it once."""
    from assistant.conversations import list_messages
    from channels.cli.chat_cmd import RemoteSession

    transport = _AnswerLost()
    with serving(tmp_path, scripted=False) as (url, rt):
        session = RemoteSession(url, transport=transport)
        try:
            session.start("en")
            shown = session.send("my email is lee@example.org")
            stored = list_messages(rt.db, session.conversation_id)
        finally:
            session.close()
    assert transport.dropped == 1
    assert [m["role"] for m in shown] == ["assistant"] and shown[0]["text"]
    typed = [m for m in stored if m.role == "user"]
    assert [m.text for m in typed] == ["my email is lee@example.org"]
    assert len([m for m in stored if m.role == "assistant"]) == 2  # greeting + one reply
