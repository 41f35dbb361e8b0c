"""Deleting a person's data over HTTP also erases their liaison tickets; liaison names in the history."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.liaisons import NewLiaison
from assistant.runtime import Runtime
from assistant.store.models import Handoff, HandoffNote
from tests.conftest import auth
from tests.handoff_support import ask_for_human, messages, say, start


def _claim_and_note(client: TestClient, liaison: NewLiaison, ticket_id: str) -> None:
    headers = auth(liaison.token)
    sent = client.post(
        f"/api/handoffs/{ticket_id}/messages", json={"text": "Hi, I'm Lee."}, headers=headers
    )
    assert sent.status_code == 201
    note = client.post(
        f"/api/handoffs/{ticket_id}/notes",
        json={"text": "Jo from Prairie, call back"},
        headers=headers,
    )
    assert note.status_code == 201


def test_history_shows_the_liaison_name_on_their_messages(
    client: TestClient, liaison: NewLiaison
) -> None:
    person = start(client)
    ticket_id = ask_for_human(client, person)["handoff"]["id"]
    _claim_and_note(client, liaison, ticket_id)
    seen = messages(client, person)
    theirs = [m for m in seen if m["role"] == "liaison"]
    assert theirs and all(m["author"] == "Lee Liaison" for m in theirs)
    assert all(m.get("author") is None for m in seen if m["role"] in ("user", "assistant"))


def test_deleting_while_a_liaison_holds_the_ticket_scrubs_and_closes_it(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    person = start(client)
    ticket_id = ask_for_human(client, person, "I want to talk to a human about jo@prairie.ca")[
        "handoff"
    ]["id"]
    _claim_and_note(client, liaison, ticket_id)

    ask = say(client, person, "Please delete my data")
    assert "liaison" in ask["reply"]["text"] and ask["reply"]["suggestions"]
    done = say(client, person, "yes")

    assert done["mode"] == "qa"
    assert done["handoff"] == {"id": ticket_id, "status": "resolved"}
    assert "deleted" in done["reply"]["text"] and "liaison" in done["reply"]["text"]
    assert [m["text"] for m in messages(client, person)] == [done["reply"]["text"]]
    detail = client.get(f"/api/handoffs/{ticket_id}", headers=auth(liaison.token)).json()
    assert detail["status"] == "resolved"
    assert "delete" in detail["summary"] and "jo@prairie.ca" not in detail["summary"]
    assert detail["notes"] == []
    assert [m["text"] for m in detail["transcript"]] == [done["reply"]["text"]]
    assert detail["contact_email"] is None
    # The assistant answers again.
    assert say(client, person, "hello")["reply"] is not None


def test_deleting_removes_closed_tickets_and_their_notes(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    person = start(client)
    ticket_id = ask_for_human(client, person)["handoff"]["id"]
    _claim_and_note(client, liaison, ticket_id)
    resolved = client.post(f"/api/handoffs/{ticket_id}/resolve", headers=auth(liaison.token))
    assert resolved.status_code == 200

    say(client, person, "delete my data")
    done = say(client, person, "yes")

    assert "1 request" in done["reply"]["text"]
    assert client.get(f"/api/handoffs/{ticket_id}", headers=auth(liaison.token)).status_code == 404
    with runtime.db.session() as s:
        assert list(s.scalars(select(Handoff).where(Handoff.conversation_id == person.id))) == []
        assert list(s.scalars(select(HandoffNote))) == []


def test_a_later_yes_to_a_liaison_does_not_confirm_an_old_deletion_question(
    client: TestClient, liaison: NewLiaison
) -> None:
    person = start(client)
    ask_for_human(client, person)
    say(client, person, "delete my data")
    say(client, person, "actually, it's about our intern's schedule")
    say(client, person, "yes")
    assert len(messages(client, person)) > 3
