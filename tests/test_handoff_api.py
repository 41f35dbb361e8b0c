"""Liaison API over HTTP: queue, ticket, claim, reply, notes, resolve, and what the person sees."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.liaisons import NewLiaison, create_liaison
from assistant.runtime import Runtime
from tests.conftest import auth
from tests.handoff_support import (
    WEDNESDAY_10AM_CALGARY,
    Person,
    ask_for_human,
    messages,
    say,
    set_clock,
    start,
)


@pytest.fixture
def other(runtime: Runtime) -> NewLiaison:
    """Return a second liaison."""
    return create_liaison(runtime.db, "other@example.org", "Olu Other")


def _ticket(client: TestClient, person: Person) -> str:
    return str(ask_for_human(client, person)["handoff"]["id"])


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/handoffs"),
        ("get", "/api/handoffs/events"),
        ("get", "/api/handoffs/x"),
        ("post", "/api/handoffs/x/claim"),
        ("post", "/api/handoffs/x/messages"),
        ("post", "/api/handoffs/x/notes"),
        ("post", "/api/handoffs/x/resolve"),
        ("get", "/api/knowledge-gaps"),
    ],
)
def test_liaison_endpoints_refuse_requests_without_a_liaison_token(
    client: TestClient, method: str, path: str
) -> None:
    response = getattr(client, method)(path, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.json()["detail"]
    assert getattr(client, method)(path).status_code == 401


def test_a_request_for_a_person_shows_up_in_the_queue_with_a_summary(
    client: TestClient, liaison: NewLiaison
) -> None:
    person = start(client)
    say(client, person, "We are a 12-person software company and want to host a co-op student")
    say(client, person, "Our organization is called Prairie Pixels Inc.")
    ticket_id = _ticket(client, person)

    queue = client.get("/api/handoffs?status=waiting", headers=auth(liaison.token)).json()[
        "handoffs"
    ]
    item = next(h for h in queue if h["id"] == ticket_id)
    assert item["reason"] == "requested"
    assert item["locale"] == "en" and item["channel"] == "web"
    assert item["waiting_seconds"] >= 0
    assert "Prairie Pixels" in item["summary"]
    assert "software company" in item["summary"]

    detail = client.get(f"/api/handoffs/{ticket_id}", headers=auth(liaison.token)).json()
    texts = [m["text"] for m in detail["transcript"]]
    assert "I want to talk to a human" in texts
    assert detail["notes"] == []
    fields = {f["name"]: f["status"] for f in detail["intake"]["fields"]}
    assert fields["organization_name"] == "filled"
    assert fields["contact_email"] == "missing"
    assert "contact_email" in detail["intake"]["missing_required"]


def test_asking_again_while_queued_keeps_one_ticket(
    client: TestClient, liaison: NewLiaison
) -> None:
    person = start(client)
    first = _ticket(client, person)
    turn = say(client, person, "talk to a human")
    assert turn["handoff"]["id"] == first
    assert len(client.get("/api/handoffs", headers=auth(liaison.token)).json()["handoffs"]) == 1


def test_while_waiting_the_person_is_acknowledged_once_then_briefly(
    client: TestClient, liaison: NewLiaison
) -> None:
    person = start(client)
    _ticket(client, person)
    first = say(client, person, "It's about our summer posting")["reply"]["text"]
    second = say(client, person, "We need it by June")["reply"]["text"]
    assert first != second
    assert len(second) < len(first)


def test_claiming_tells_the_person_who_joined_and_a_second_liaison_gets_409(
    client: TestClient, liaison: NewLiaison, other: NewLiaison
) -> None:
    person = start(client)
    ticket_id = _ticket(client, person)
    claimed = client.post(f"/api/handoffs/{ticket_id}/claim", headers=auth(liaison.token))
    assert claimed.status_code == 200
    assert claimed.json()["status"] == "active"
    assert claimed.json()["claimed_by_name"] == "Lee Liaison"

    again = client.post(f"/api/handoffs/{ticket_id}/claim", headers=auth(liaison.token))
    assert again.status_code == 200
    taken = client.post(f"/api/handoffs/{ticket_id}/claim", headers=auth(other.token))
    assert taken.status_code == 409
    assert "claimed" in taken.json()["detail"]

    joined = [m for m in messages(client, person) if "Lee Liaison" in m["text"]]
    assert len(joined) == 1
    assert joined[0]["role"] == "system"


def test_a_liaison_reply_reaches_the_person_and_the_bot_stays_quiet(
    client: TestClient, liaison: NewLiaison, other: NewLiaison
) -> None:
    person = start(client)
    ticket_id = _ticket(client, person)
    sent = client.post(
        f"/api/handoffs/{ticket_id}/messages",
        json={"text": "  Hi, I'm Lee. How can I help?  "},
        headers=auth(liaison.token),
    )
    assert sent.status_code == 201
    assert sent.json()["text"] == "Hi, I'm Lee. How can I help?"

    seen = messages(client, person)
    assert seen[-1]["role"] == "liaison"
    assert seen[-1]["text"] == "Hi, I'm Lee. How can I help?"
    assert any("Lee Liaison" in m["text"] for m in seen if m["role"] == "system")

    turn = say(client, person, "Thanks Lee, it's about our intern's schedule")
    assert turn["reply"] is None
    assert turn["mode"] == "handoff"
    detail = client.get(f"/api/handoffs/{ticket_id}", headers=auth(liaison.token)).json()
    assert detail["transcript"][-1]["text"] == "Thanks Lee, it's about our intern's schedule"
    assert detail["status"] == "active"

    blocked = client.post(
        f"/api/handoffs/{ticket_id}/messages", json={"text": "hello"}, headers=auth(other.token)
    )
    assert blocked.status_code == 409


def test_notes_are_kept_for_liaisons_and_never_shown_to_the_person(
    client: TestClient, liaison: NewLiaison
) -> None:
    person = start(client)
    ticket_id = _ticket(client, person)
    note = client.post(
        f"/api/handoffs/{ticket_id}/notes",
        json={"text": "Called SAIT about this one"},
        headers=auth(liaison.token),
    )
    assert note.status_code == 201
    detail = client.get(f"/api/handoffs/{ticket_id}", headers=auth(liaison.token)).json()
    assert [n["text"] for n in detail["notes"]] == ["Called SAIT about this one"]
    assert detail["notes"][0]["liaison"] == "Lee Liaison"
    assert all("SAIT" not in m["text"] for m in messages(client, person))


def test_resolving_gives_the_person_back_to_the_assistant_in_their_language(
    client: TestClient, liaison: NewLiaison
) -> None:
    person = start(client, "fr")
    ticket_id = str(
        ask_for_human(client, person, "je veux parler à un conseiller")["handoff"]["id"]
    )
    client.post(
        f"/api/handoffs/{ticket_id}/messages",
        json={"text": "Bonjour!"},
        headers=auth(liaison.token),
    )
    resolved = client.post(f"/api/handoffs/{ticket_id}/resolve", headers=auth(liaison.token))
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "resolved"

    last = messages(client, person)[-1]
    assert last["role"] == "assistant"
    assert "assistant" in last["text"] and "vous" in last["text"]
    turn = say(client, person, "Qu'est-ce qu'un stage coop?")
    assert turn["mode"] != "handoff"
    assert turn["reply"] is not None

    queue = client.get("/api/handoffs?status=resolved", headers=auth(liaison.token)).json()[
        "handoffs"
    ]
    assert [h["id"] for h in queue] == [ticket_id]
    assert (
        client.get("/api/handoffs?status=waiting", headers=auth(liaison.token)).json()["handoffs"]
        == []
    )
    again = client.post(
        f"/api/handoffs/{ticket_id}/messages",
        json={"text": "one more"},
        headers=auth(liaison.token),
    )
    assert again.status_code == 409


@pytest.mark.parametrize("text", ["", "   ", "x" * 4001])
def test_empty_or_oversized_texts_are_refused_with_422(
    client: TestClient, liaison: NewLiaison, text: str
) -> None:
    person = start(client)
    ticket_id = _ticket(client, person)
    for path in ("messages", "notes"):
        response = client.post(
            f"/api/handoffs/{ticket_id}/{path}", json={"text": text}, headers=auth(liaison.token)
        )
        assert response.status_code == 422
        assert "text" in response.json()["detail"]
    assert (
        client.post(
            f"/api/handoffs/{ticket_id}/notes", json={}, headers=auth(liaison.token)
        ).status_code
        == 422
    )


def test_unknown_tickets_are_404_and_bad_filters_422(
    client: TestClient, liaison: NewLiaison
) -> None:
    for method, path in (("get", ""), ("post", "/claim"), ("post", "/resolve")):
        response = getattr(client, method)(f"/api/handoffs/nope{path}", headers=auth(liaison.token))
        assert response.status_code == 404
        assert response.json() == {"detail": "handoff not found"}
    assert client.get("/api/handoffs?status=lost", headers=auth(liaison.token)).status_code == 422


def test_within_business_hours_the_person_is_told_someone_joins_shortly(
    client: TestClient, runtime: Runtime
) -> None:
    set_clock(runtime, WEDNESDAY_10AM_CALGARY)
    person = start(client)
    reply = ask_for_human(client, person)["reply"]["text"]
    assert "shortly" in reply
    assert "email" not in reply


def test_a_liaison_reply_to_a_waiting_ticket_claims_it(
    client: TestClient, liaison: NewLiaison
) -> None:
    person = start(client)
    ticket_id = _ticket(client, person)
    client.post(
        f"/api/handoffs/{ticket_id}/messages", json={"text": "Hello!"}, headers=auth(liaison.token)
    )
    detail = client.get(f"/api/handoffs/{ticket_id}", headers=auth(liaison.token)).json()
    assert detail["status"] == "active"
    assert detail["claimed_by"] == liaison.id
    roles = [m["role"] for m in messages(client, person)][-2:]
    assert roles == ["system", "liaison"]


def test_the_person_can_withdraw_a_request_nobody_has_claimed(
    client: TestClient, liaison: NewLiaison
) -> None:
    person = start(client, "fr")
    ticket = str(ask_for_human(client, person, "je veux parler à quelqu'un")["handoff"]["id"])
    turn = say(client, person, "annuler")
    assert turn["mode"] == "qa" and turn["handoff"] == {"id": ticket, "status": "resolved"}
    assert "annulé" in turn["reply"]["text"]
    waiting = client.get("/api/handoffs", params={"status": "waiting"}, headers=auth(liaison.token))
    assert waiting.json()["handoffs"] == []
    # The assistant answers again afterwards.
    after = say(client, person, "bonjour")
    assert after["mode"] == "qa" and after["reply"] is not None


def test_cancel_is_passed_to_the_liaison_once_they_hold_the_conversation(
    client: TestClient, liaison: NewLiaison
) -> None:
    person = start(client)
    ticket = _ticket(client, person)
    client.post(f"/api/handoffs/{ticket}/claim", headers=auth(liaison.token))
    turn = say(client, person, "cancel")
    assert turn["mode"] == "handoff" and turn["reply"] is None
    detail = client.get(f"/api/handoffs/{ticket}", headers=auth(liaison.token)).json()
    assert detail["transcript"][-1]["text"] == "cancel"
