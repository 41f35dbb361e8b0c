"""The secretariat hears about new tickets and intakes by email and listeners; push channels get replies."""

from __future__ import annotations

import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from email import message_from_string
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings, load_settings
from assistant.conversations import create_conversation
from assistant.handoff import Notifier
from assistant.liaisons import NewLiaison
from assistant.runtime import Runtime, build_runtime
from tests.conftest import auth
from tests.handoff_support import ask_for_human, client_for, in_app_loop, start


class TinySMTP:
    """A minimal SMTP server on a free loopback port that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(5)
        self._sock.settimeout(0.2)
        self.port = int(self._sock.getsockname()[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            with conn, conn.makefile("rb") as reader:
                self._session(conn, reader)

    def _session(self, conn: socket.socket, reader: Any) -> None:
        conn.sendall(b"220 tiny ESMTP\r\n")
        while line := reader.readline():
            verb = line.decode().strip().split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                conn.sendall(b"250-tiny\r\n250 8BITMIME\r\n")
            elif verb == "DATA":
                conn.sendall(b"354 go ahead\r\n")
                body = []
                while (data := reader.readline()) not in (b".\r\n", b""):
                    body.append(data.decode("utf-8", "replace"))
                self.messages.append("".join(body))
                conn.sendall(b"250 queued\r\n")
            elif verb == "QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(b"250 ok\r\n")

    def wait_for(self, count: int, timeout: float = 20.0) -> list[EmailMessage]:
        """Return the parsed messages once `count` have arrived (or the timeout passed)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return [
            cast(EmailMessage, message_from_string(m, policy=email.policy.default))
            for m in self.messages
        ]

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sock.close()


@pytest.fixture
def smtp() -> Iterator[TinySMTP]:
    server = TinySMTP()
    yield server
    server.close()


def _settings(tmp_path: Path, port: int) -> Settings:
    return load_settings(
        data_dir=tmp_path / "data",
        env="test",
        smtp_host="127.0.0.1",
        smtp_port=port,
        secretariat_email="wil@secretariat.example",
        public_url="https://wil.example",
    )


def test_a_new_ticket_emails_the_secretariat_and_calls_listeners(
    tmp_path: Path, smtp: TinySMTP
) -> None:
    runtime = build_runtime(_settings(tmp_path, smtp.port), retriever=None)
    heard: list[tuple[str, dict[str, Any]]] = []

    async def listener(kind: str, payload: dict[str, Any]) -> None:
        heard.append((kind, payload))

    runtime.notifier.add_listener(listener)
    try:
        with client_for(runtime) as client:
            person = start(client)
            ticket_id = ask_for_human(client, person, "I need an accommodation for my disability")[
                "handoff"
            ]["id"]
            mail = smtp.wait_for(1)
            deadline = time.monotonic() + 20
            while not heard and time.monotonic() < deadline:
                time.sleep(0.02)
    finally:
        runtime.db.dispose()
    assert len(mail) == 1
    assert mail[0]["To"] == "wil@secretariat.example"
    assert "accommodation" in mail[0]["Subject"]
    body = mail[0].get_content()
    assert "I need an accommodation for my disability" in body
    assert f"https://wil.example/console#/handoffs/{ticket_id}" in body
    assert [kind for kind, _ in heard] == ["ticket_created"]
    assert heard[0][1]["id"] == ticket_id


def test_an_unreachable_mail_server_does_not_stop_the_handoff(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = int(s.getsockname()[1])
    runtime = build_runtime(_settings(tmp_path, closed_port), retriever=None)
    heard: list[str] = []

    async def listener(kind: str, _payload: dict[str, Any]) -> None:
        heard.append(kind)

    runtime.notifier.add_listener(listener)
    try:
        with client_for(runtime) as client:
            ask_for_human(client, start(client))
            deadline = time.monotonic() + 20
            while not heard and time.monotonic() < deadline:
                time.sleep(0.02)
    finally:
        runtime.db.dispose()
    assert heard == ["ticket_created"]


async def test_a_submitted_intake_is_emailed_with_its_fields(
    tmp_path: Path, smtp: TinySMTP
) -> None:
    notifier = Notifier(_settings(tmp_path, smtp.port))

    async def broken(_kind: str, _payload: dict[str, Any]) -> None:
        raise RuntimeError("listener bug")

    notifier.add_listener(broken)
    await notifier.intake_submitted(
        {
            "id": "i1",
            "kind": "employer",
            "fields": {"organization_name": "Prairie Pixels", "students_count": 2},
        }
    )
    mail = smtp.wait_for(1)
    assert mail[0]["Subject"] == "[WIL] New employer intake"
    assert "organization_name: Prairie Pixels" in mail[0].get_content()


def test_replies_claims_and_resolution_are_pushed_to_a_telegram_person(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    pushed: list[tuple[str, dict[str, Any]]] = []

    async def send(conversation_id: str, event: dict[str, Any]) -> None:
        pushed.append((conversation_id, event))

    runtime.outbound.register("telegram", send)
    conv, _ = create_conversation(runtime.db, channel="telegram", channel_user_id="777")
    opened = in_app_loop(client, lambda: runtime.handoffs.open(conv.id, "requested", locale="en"))
    ticket_id = opened.handoff["id"]
    client.post(
        f"/api/handoffs/{ticket_id}/messages",
        json={"text": "Hi from Lee"},
        headers=auth(liaison.token),
    )
    client.post(f"/api/handoffs/{ticket_id}/resolve", headers=auth(liaison.token))

    assert {cid for cid, _ in pushed} == {conv.id}
    kinds = [(e["type"], e["data"]["role"]) for _, e in pushed]
    assert kinds == [("message", "system"), ("message", "liaison"), ("message", "assistant")]
    assert pushed[1][1]["data"]["text"] == "Hi from Lee"
    assert pushed[1][1]["data"]["author"] == "Lee Liaison"
