"""`wil-assistant chat`: talk to the assistant from a terminal or a script (in process or over HTTP)."""

from __future__ import annotations

import asyncio
import logging
import shutil
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, Protocol, TextIO

import httpx
import typer
from sqlalchemy.exc import SQLAlchemyError

from assistant.intake_dialogue import confirmation_card
from channels.cli.common import ensure_index, settings_or_exit

logger = logging.getLogger(__name__)

QUIT_WORDS = {"quit", "exit", ":q", "/quit", "/exit"}
HTTP_TIMEOUT_S = 120.0
# A line whose request or answer was lost on the way is sent again, with the same message id, so
# the server stores it once and answers it once (the retry gets the stored turn back).
SEND_ATTEMPTS = 3
RETRY_PAUSE_S = 0.5
# How often a waiting terminal looks for a liaison's messages (printed as they arrive).
FOLLOW_EVERY_S = 2.0
NO_LIAISON = (
    "note: this is a local session and no liaison account exists on this installation, so "
    "nobody will pick this request up here.{contact}"
)
LOCAL_LIAISON = (
    "note: this is a local session: a liaison sees this request only in a console served from "
    "this same data directory (`wil-assistant serve`); their replies appear here as they arrive."
)
FIRST_RUN = "indexing the default knowledge (first run, about 30 s)..."
# Libraries that narrate at INFO (or DEBUG) even when the command is quiet.
NOISY_LOGGERS = ("alembic", "httpx", "httpcore", "bm25s", "chromadb", "sentence_transformers")


def quiet_logs(verbose: bool) -> None:
    """Send logs to stderr at WARNING (INFO with --verbose), so stdout holds only the transcript.

    The console handlers filter too: some libraries (bm25s) set their own loggers to DEBUG.
    """
    level = logging.INFO if verbose else logging.WARNING
    root = logging.getLogger()
    consoles = [h for h in root.handlers if type(h) is logging.StreamHandler]
    if not root.handlers:
        logging.basicConfig(stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
        consoles = list(root.handlers)
    for handler in consoles:
        if getattr(handler, "stream", None) is sys.stdout:
            handler.setStream(sys.stderr)
        handler.setLevel(level)
    root.setLevel(level)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


class ChatSession(Protocol):
    """One conversation with the assistant, wherever it runs."""

    def start(self, locale: str | None) -> dict[str, Any]:
        """Open the conversation and return the greeting message."""
        ...

    def send(self, text: str) -> list[dict[str, Any]]:
        """Send one line and return the messages to show (assistant reply, liaison messages)."""
        ...

    def poll(self) -> list[dict[str, Any]]:
        """Return messages that arrived since the last ones shown (a liaison's, a status)."""
        ...

    def close(self) -> None:
        """Release resources."""
        ...


def format_message(
    message: dict[str, Any], width: int | None = None, *, numbered: bool = False
) -> str:
    """Return a message for the terminal: text, numbered sources with URLs, suggestions.

    Lines after the first hang under the text ("assistant: " then aligned), so a script can
    tell where a message ends; with `width` (a terminal) long lines wrap the same way.
    """
    role = str(message.get("role") or "assistant")
    label = str(message.get("author") or role)
    first, hanging = f"{label}: ", " " * (len(label) + 2)
    lines: list[str] = []
    for i, line in enumerate(str(message.get("text", "")).splitlines() or [""]):
        lead = first if i == 0 else hanging
        if width and len(lead) + len(line) > width:
            lines.extend(
                textwrap.wrap(
                    line,
                    width=max(width, len(lead) + 20),
                    initial_indent=lead,
                    subsequent_indent=hanging,
                    break_on_hyphens=False,
                )
                or [lead.rstrip()]
            )
        else:
            lines.append((lead + line).rstrip() if line else lead.rstrip())
    if message.get("card"):
        # The form's summary: shown as a card on the web, as indented lines here.
        lines.extend(f"  {line}" for line in str(message["card"]).splitlines())
    for number, citation in enumerate(message.get("citations") or [], start=1):
        title = citation.get("title") or citation.get("source") or "source"
        url = citation.get("url")
        lines.append(f"  [{number}] {title}" + (f" <{url}>" if url else ""))
    suggestions = [s for s in message.get("suggestions") or [] if s]
    if suggestions:
        shown = [f"[{n}] {s}" for n, s in enumerate(suggestions, 1)] if numbered else suggestions
        lines.append("  suggestions: " + " | ".join(shown))
    return "\n".join(lines)


class LocalSession:
    """The engine in this process (same database and knowledge index as `serve`)."""

    def __init__(self, data_dir: Path | None) -> None:
        from assistant.runtime import build_runtime, index_info

        self.settings = settings_or_exit(data_dir=data_dir)
        self.runtime = build_runtime(self.settings)
        self.runner = asyncio.Runner()
        self.conversation_id = ""
        self.last_id = 0
        self.warned = False
        try:
            # Like `serve`: a fresh data dir gets the default knowledge (stdout stays the transcript).
            ensure_index(self.settings, self.runtime.retriever, announce=FIRST_RUN, err=True)
        except Exception as exc:
            logger.warning("could not index the knowledge: %s", exc, exc_info=True)
        if not (index_info(self.runtime.retriever) or {}).get("chunks"):
            typer.echo(
                "note: no knowledge index yet (run `wil-assistant ingest`); answers will decline.",
                err=True,
            )

    def start(self, locale: str | None) -> dict[str, Any]:
        """Create a CLI conversation and store the greeting."""
        from assistant.conversations import add_message, create_conversation, message_dict

        loc = locale or "en"
        conv, _token = create_conversation(self.runtime.db, channel="cli", locale=loc)
        self.conversation_id = conv.id
        text, suggestions = self.runtime.assistant.greeting(loc)
        with self.runtime.db.session() as s:
            greeting = message_dict(
                add_message(s, conv.id, "assistant", text, meta={"suggestions": suggestions})
            )
        self.last_id = int(greeting["id"])
        return greeting

    def send(self, text: str) -> list[dict[str, Any]]:
        """Run one turn and return the reply plus anything a liaison wrote meanwhile."""
        from assistant.conversations import list_messages, message_dict

        turn = self.runner.run(self.runtime.assistant.handle(self.conversation_id, text))
        shown: list[dict[str, Any]] = []
        for msg in list_messages(self.runtime.db, self.conversation_id, after=self.last_id):
            self.last_id = max(self.last_id, msg.id)
            if msg.role != "user" and msg.id != turn.message_id:
                shown.append(message_dict(msg))
        if turn.mode == "handoff" and not self.warned:
            # The engine's reply promises a liaison; in process, say who can actually see it.
            self.warned = True
            typer.echo(self._handoff_note(), err=True)
        if not turn.silent:
            shown.append(
                {
                    "role": "assistant",
                    "text": turn.text,
                    "citations": [c.model_dump(exclude_none=True) for c in turn.citations],
                    "suggestions": list(turn.suggestions),
                    "card": confirmation_card(turn.intake),
                    "asking": (turn.intake or {}).get("asking"),
                }
            )
        return shown

    def poll(self) -> list[dict[str, Any]]:
        """Return what a liaison (in a console on the same data dir) wrote since the last look."""
        from assistant.conversations import list_messages, message_dict

        shown: list[dict[str, Any]] = []
        for msg in list_messages(self.runtime.db, self.conversation_id, after=self.last_id):
            self.last_id = max(self.last_id, msg.id)
            if msg.role != "user":
                shown.append(message_dict(msg))
        return shown

    def _handoff_note(self) -> str:
        """Say plainly whether anyone can answer a handoff made in this process."""
        from sqlalchemy import func, select

        from assistant.liaisons import PARTNER_ROLE
        from assistant.store.models import Liaison

        with self.runtime.db.session() as s:
            staff = s.scalar(
                select(func.count())
                .select_from(Liaison)
                .where(Liaison.active.is_(True), Liaison.role != PARTNER_ROLE)
            )
        if staff:
            return LOCAL_LIAISON
        email = self.settings.secretariat_email
        return NO_LIAISON.format(contact=f" Write to the secretariat at {email}." if email else "")

    def close(self) -> None:
        """Close the event loop and the database."""
        self.runner.run(self.runtime.close())
        self.runner.close()


class RemoteSession:
    """A running server, through the public conversation API."""

    def __init__(self, url: str, transport: httpx.BaseTransport | None = None) -> None:
        self.client = httpx.Client(
            base_url=url.rstrip("/"), timeout=HTTP_TIMEOUT_S, transport=transport
        )
        self.conversation_id = ""
        self.headers: dict[str, str] = {}
        self.last_id = 0

    def start(self, locale: str | None) -> dict[str, Any]:
        """Create a conversation on the server and keep its token."""
        body: dict[str, Any] = {"channel": "cli"}
        if locale:
            body["locale"] = locale
        data = self._json(self.client.post("/api/conversations", json=body))
        self.conversation_id = data["id"]
        self.headers = {"Authorization": f"Bearer {data['token']}"}
        greeting = dict(data["messages"][0])
        self.last_id = int(greeting.get("id") or 0)
        return greeting

    def send(self, text: str) -> list[dict[str, Any]]:
        """Post one message; return the reply and any liaison or system messages since the last one."""
        path = f"/api/conversations/{self.conversation_id}/messages"
        data = self._json(self._post_once(path, {"text": text, "client_message_id": _message_id()}))
        reply = data.get("reply")
        history = self._json(
            self.client.get(path, params={"after": self.last_id}, headers=self.headers)
        )
        shown: list[dict[str, Any]] = []
        for msg in history.get("messages", []):
            self.last_id = max(self.last_id, int(msg["id"]))
            if msg.get("role") != "user" and (reply is None or msg.get("id") != reply.get("id")):
                shown.append(msg)
        if reply:
            intake = data.get("intake") or {}
            shown.append(
                {
                    **reply,
                    "card": confirmation_card(data.get("intake")),
                    "asking": intake.get("asking"),
                }
            )
        return shown

    def _post_once(self, path: str, body: dict[str, Any]) -> httpx.Response:
        """POST a message, sending it again (same id) when the connection drops on the way."""
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                return self.client.post(path, json=body, headers=self.headers)
            except httpx.TransportError as exc:
                if attempt == SEND_ATTEMPTS:
                    raise
                logger.info("message not confirmed (%s); sending it again", type(exc).__name__)
                time.sleep(RETRY_PAUSE_S * attempt)
        raise AssertionError("unreachable")

    def poll(self) -> list[dict[str, Any]]:
        """Return messages posted to the conversation since the last ones shown (a liaison's)."""
        path = f"/api/conversations/{self.conversation_id}/messages"
        history = self._json(
            self.client.get(path, params={"after": self.last_id}, headers=self.headers)
        )
        shown: list[dict[str, Any]] = []
        for msg in history.get("messages", []):
            self.last_id = max(self.last_id, int(msg["id"]))
            if msg.get("role") != "user":
                shown.append(msg)
        return shown

    def close(self) -> None:
        """Close the HTTP client."""
        self.client.close()

    @staticmethod
    def _json(response: Any) -> dict[str, Any]:
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail")
            except ValueError:
                detail = response.text[:200]
            raise RuntimeError(f"server answered {response.status_code}: {detail}")
        return dict(response.json())


def _message_id() -> str:
    """Return a new id for one typed line (the server stores a line once per id)."""
    return f"cli-{uuid.uuid4().hex}"


# Intake fields whose answer is a number: there, "2" is the answer, never "suggestion 2".
NUMBER_FIELDS = frozenset(
    {"students_count", "duration_months", "hourly_wage", "organization_size", "year_of_study"}
)


class Picker:
    """Let a person at a terminal answer "2" for the second suggestion shown.

    Only at a terminal (suggestions are numbered there), and never when the question expects a
    number or a suggestion is itself a number: then "2" means 2.
    """

    def __init__(self) -> None:
        self.suggestions: list[str] = []
        self.numeric = False

    def saw(self, message: dict[str, Any]) -> None:
        """Remember the suggestions of the latest message that has any."""
        if message.get("role", "assistant") != "assistant":
            return
        self.suggestions = [s for s in message.get("suggestions") or [] if s]
        self.numeric = message.get("asking") in NUMBER_FIELDS or any(
            s.strip().isdigit() for s in self.suggestions
        )

    def pick(self, text: str) -> str:
        """Return the suggestion a bare number names, else the text as typed."""
        if self.numeric or not text.isdigit():
            return text
        n = int(text)
        return self.suggestions[n - 1] if 1 <= n <= len(self.suggestions) else text


class Follower:
    """Print a liaison's messages while the person waits at the prompt, not at their next line.

    A thread polls the session every few seconds; `lock` keeps a turn and a poll from showing
    the same message twice (a turn shows what arrived with it).
    """

    def __init__(
        self,
        session: ChatSession,
        show: Callable[[dict[str, Any]], None],
        every_s: float = FOLLOW_EVERY_S,
    ) -> None:
        self.session = session
        self.show = show
        self.every_s = every_s
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="chat-follow", daemon=True)

    def start(self) -> Follower:
        """Start following; return self."""
        self.thread.start()
        return self

    def send(self, text: str) -> list[dict[str, Any]]:
        """Run one turn with the poller paused."""
        with self.lock:
            return self.session.send(text)

    def stop(self) -> None:
        """Stop following (waits for a poll in flight)."""
        self.stopped.set()
        if self.thread.is_alive():
            self.thread.join(timeout=self.every_s + 5)

    def _run(self) -> None:
        while not self.stopped.wait(self.every_s):
            try:
                with self.lock:
                    arrived = self.session.poll()
            except (httpx.HTTPError, RuntimeError, SQLAlchemyError, OSError) as exc:
                # A dropped connection or a busy database must not end the chat.
                logger.info("could not look for new messages: %s", exc)
                continue
            for message in arrived:
                self.show(message)


def read_lines(stream: TextIO, interactive: bool) -> Iterator[str]:
    """Yield what the person types (prompting on a terminal) until EOF or quit/exit."""
    while True:
        if interactive:
            typer.echo("you> ", nl=False)
        line = stream.readline()
        if not line:
            return
        text = line.strip()
        if not text:
            continue
        if text.lower() in QUIT_WORDS:
            return
        yield text


def chat(
    locale: Annotated[
        str | None, typer.Option("--locale", help="Conversation language: en or fr.")
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            "--url", help="Talk to a running server (http://host:port) instead of in process."
        ),
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Overrides WIL_DATA_DIR (in-process mode).")
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also show INFO logs (on stderr).")
    ] = False,
) -> None:
    """Chat with the assistant; reads stdin line by line when it is not a terminal (for scripts).

    In process, a data dir without a knowledge index gets the default knowledge first (as with
    `serve`). Only the conversation goes to stdout; notes, errors and logs go to stderr.
    """
    quiet_logs(verbose)
    if locale is not None and locale not in ("en", "fr"):
        typer.echo("error: --locale must be en or fr", err=True)
        raise typer.Exit(2)
    interactive = sys.stdin.isatty()
    session: ChatSession = RemoteSession(url) if url else LocalSession(data_dir)
    follower: Follower | None = None
    try:
        width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
        picker = Picker()
        greeting = session.start(locale)
        picker.saw(greeting)
        typer.echo(format_message(greeting, width, numbered=interactive))
        if interactive:
            typer.echo("(type quit or exit to leave)")

            def show(message: dict[str, Any]) -> None:
                # Arrives while the prompt waits: a line of its own, then the prompt again.
                typer.echo("\n" + format_message(message, width, numbered=interactive))
                typer.echo("you> ", nl=False)

            follower = Follower(session, show).start()
        for typed in read_lines(sys.stdin, interactive):
            text = picker.pick(typed) if interactive else typed
            if not interactive:
                typer.echo(f"you: {text}")  # a piped transcript shows what was asked
            elif text != typed:
                typer.echo(f"you: {text}")  # the suggestion the number picked
            replies = follower.send(text) if follower else session.send(text)
            for message in replies:
                picker.saw(message)
                typer.echo(format_message(message, width, numbered=interactive))
    except httpx.TransportError as exc:
        typer.echo(f"error: cannot reach {url} ({type(exc).__name__})", err=True)
        raise typer.Exit(1) from None
    except (RuntimeError, httpx.HTTPError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        if follower is not None:
            follower.stop()
        session.close()


def register(app: typer.Typer) -> None:
    """Add the `chat` command."""
    app.command("chat")(chat)
