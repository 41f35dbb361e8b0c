"""A retried message is stored once and gets the same turn back; a half-done turn is completed."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from assistant.runtime import Runtime
from assistant.turn_store import begin_turn
from tests.handoff_support import (
    WEDNESDAY_10AM_CALGARY,
    Person,
    ask_for_human,
    messages,
    set_clock,
    start,
)


def _post(
    client: TestClient, person: Person, text: str, cid: str | None = None, **headers: str
) -> Any:
    body: dict[str, Any] = {"text": text}
    if cid is not None:
        body["client_message_id"] = cid
    return client.post(
        f"/api/conversations/{person.id}/messages",
        json=body,
        headers={**person.headers, **headers},
    )


def _user_texts(client: TestClient, person: Person) -> list[str]:
    return [m["text"] for m in messages(client, person) if m["role"] == "user"]


def test_a_retried_message_is_stored_once_and_gets_the_same_reply(client: TestClient) -> None:
    person = start(client)
    first = _post(client, person, "hello there", "m-1")
    again = _post(client, person, "hello there", "m-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert _user_texts(client, person) == ["hello there"]
    # The same id through the header works too, and a new id is a new message.
    by_header = _post(client, person, "thanks", None, **{"Idempotency-Key": "m-2"})
    replay = _post(client, person, "thanks", None, **{"Idempotency-Key": "m-2"})
    assert replay.json()["reply"]["id"] == by_header.json()["reply"]["id"]
    assert (
        _post(client, person, "thanks", "m-3").json()["reply"]["id"] != replay.json()["reply"]["id"]
    )
    assert _user_texts(client, person) == ["hello there", "thanks", "thanks"]


def test_a_streamed_retry_gets_the_stored_answer(client: TestClient) -> None:
    person = start(client)
    first = _post(client, person, "hello", "s-1").json()
    r = client.post(
        f"/api/conversations/{person.id}/messages",
        json={"text": "hello", "client_message_id": "s-1"},
        headers={**person.headers, "Accept": "text/event-stream"},
    )
    assert r.status_code == 200
    assert f'"id": {first["reply"]["id"]}' in r.text and "event: final" in r.text
    assert _user_texts(client, person) == ["hello"]


def test_a_message_saved_without_its_reply_is_answered_on_retry(
    client: TestClient, runtime: Runtime
) -> None:
    person = start(client)
    # The first attempt died after storing the message (e.g. the database went away).
    begin_turn(runtime.db, person.id, "hello", handoffs=True, client_message_id="late-1")
    assert [m["role"] for m in messages(client, person)] == ["assistant", "user"]
    turn = _post(client, person, "hello", "late-1")
    assert turn.status_code == 200 and turn.json()["reply"]["text"]
    history = messages(client, person)
    assert [m["role"] for m in history] == ["assistant", "user", "assistant"]
    assert history[-1]["id"] == turn.json()["reply"]["id"]


def test_without_a_client_id_an_unanswered_repeat_completes_the_first(
    client: TestClient, runtime: Runtime
) -> None:
    person = start(client)
    begin_turn(runtime.db, person.id, "hello", handoffs=True)
    assert _post(client, person, "hello").status_code == 200
    assert _user_texts(client, person) == ["hello"]
    # Once answered, the same words again are a new message.
    assert _post(client, person, "hello").status_code == 200
    assert _user_texts(client, person) == ["hello", "hello"]


def test_retries_never_count_as_repetition(client: TestClient, runtime: Runtime) -> None:
    set_clock(runtime, WEDNESDAY_10AM_CALGARY)
    person = start(client)
    question = "what is the wage subsidy for hiring a student?"
    turns = [_post(client, person, question, "same-id").json() for _ in range(4)]
    assert all(t == turns[0] for t in turns)
    assert turns[-1]["mode"] != "handoff" and turns[-1]["handoff"] is None
    assert _user_texts(client, person) == [question]


def test_a_retry_while_a_liaison_holds_the_conversation_stays_silent(
    client: TestClient, runtime: Runtime, liaison: Any
) -> None:
    set_clock(runtime, WEDNESDAY_10AM_CALGARY)
    person = start(client)
    ticket = ask_for_human(client, person)["handoff"]["id"]
    claimed = client.post(
        f"/api/handoffs/{ticket}/claim", headers={"Authorization": f"Bearer {liaison.token}"}
    )
    assert claimed.status_code == 200
    first = _post(client, person, "are you there?", "h-1").json()
    again = _post(client, person, "are you there?", "h-1").json()
    assert first["reply"] is None and again == first
    assert _user_texts(client, person).count("are you there?") == 1


def test_client_ids_and_blank_texts_follow_the_schema(client: TestClient) -> None:
    person = start(client)
    for payload in (
        {"text": "hi", "client_message_id": ""},
        {"text": "hi", "client_message_id": "x" * 65},
        {"text": "hi", "client_message_id": "no spaces"},
        {"text": ""},
        {"text": "\u3000\ufeff"},
        {"text": "\x01\x02"},
    ):
        r = client.post(
            f"/api/conversations/{person.id}/messages", json=payload, headers=person.headers
        )
        assert r.status_code == 422, payload
        assert isinstance(r.json()["detail"], str)
    schema = client.get("/openapi.json").json()["components"]["schemas"]["PostMessage"]
    assert schema["properties"]["text"]["minLength"] == 1
    assert "pattern" in schema["properties"]["text"]
