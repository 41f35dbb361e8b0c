"""The conversation API contract: creation, validation, auth, JSON and streamed replies, history."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import auth


def start(client: TestClient, **body: Any) -> tuple[str, str]:
    """Start a conversation and return (id, token)."""
    r = client.post("/api/conversations", json=body)
    assert r.status_code == 201
    return r.json()["id"], r.json()["token"]


def say(client: TestClient, cid: str, token: str, text: str) -> dict[str, Any]:
    """Send a message and return the JSON turn."""
    r = client.post(f"/api/conversations/{cid}/messages", json={"text": text}, headers=auth(token))
    assert r.status_code == 200, r.text
    return r.json()


def parse_sse(body: str) -> list[tuple[str, Any]]:
    """Return (event, data) pairs of an SSE body."""
    events = []
    for frame in body.split("\n\n"):
        lines = [line for line in frame.splitlines() if not line.startswith(":")]
        if not lines:
            continue
        name = next((ln[7:] for ln in lines if ln.startswith("event: ")), "message")
        data = "\n".join(ln[6:] for ln in lines if ln.startswith("data: "))
        events.append((name, json.loads(data) if data else None))
    return events


def test_start_gives_greeting_in_requested_or_browser_language(client: TestClient) -> None:
    r = client.post("/api/conversations", json={"locale": "fr"})
    assert r.status_code == 201
    body = r.json()
    assert body["locale"] == "fr" and body["token"] and body["id"]
    greeting = body["messages"][0]
    assert greeting["role"] == "assistant" and "Bonjour" in greeting["text"]
    assert greeting["suggestions"]
    r = client.post("/api/conversations", json={}, headers={"Accept-Language": "fr-CA,fr;q=0.9"})
    assert r.json()["locale"] == "fr"
    r = client.post("/api/conversations")
    assert r.status_code == 201 and r.json()["locale"] == "en"


def test_reply_has_the_contract_shape(client: TestClient) -> None:
    cid, token = start(client)
    body = say(client, cid, token, "hello")
    assert set(body) == {"reply", "mode", "intake", "handoff"}
    reply = body["reply"]
    assert set(reply) >= {"id", "role", "text", "locale", "citations", "suggestions"}
    assert reply["role"] == "assistant" and reply["locale"] == "en" and reply["text"]
    assert body["mode"] == "qa" and body["intake"] is None and body["handoff"] is None


def test_bad_messages_are_rejected_with_clear_4xx(client: TestClient) -> None:
    cid, token = start(client)
    url = f"/api/conversations/{cid}/messages"
    for payload in ({"text": ""}, {"text": "   \n "}, {"text": "x" * 4001}, {}, {"text": 5}):
        r = client.post(url, json=payload, headers=auth(token))
        assert r.status_code == 422, payload
        assert r.json()["detail"]
    r = client.post(
        url, content=b"{not json", headers={**auth(token), "Content-Type": "application/json"}
    )
    assert r.status_code == 422
    assert client.post(url, json={"text": "x" * 4000}, headers=auth(token)).status_code == 200


def test_wrong_token_and_unknown_conversation(client: TestClient) -> None:
    cid, token = start(client)
    _, other_token = start(client)
    url = f"/api/conversations/{cid}/messages"
    assert client.post(url, json={"text": "hi"}).status_code == 401
    assert client.post(url, json={"text": "hi"}, headers=auth(other_token)).status_code == 401
    assert client.get(url, headers=auth(other_token)).status_code == 401
    r = client.post("/api/conversations/nope/messages", json={"text": "hi"}, headers=auth(token))
    assert r.status_code == 404 and r.json()["detail"]


def test_streamed_reply_matches_the_json_reply(client: TestClient) -> None:
    cid, token = start(client)
    r = client.post(
        f"/api/conversations/{cid}/messages",
        json={"text": "What's the weather like in Calgary tomorrow?"},
        headers={**auth(token), "Accept": "text/event-stream"},
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(r.text)
    names = [name for name, _ in events]
    assert names[-1] == "final" and names.count("delta") >= 2
    final = events[-1][1]
    streamed = "".join(data["text"] for name, data in events if name == "delta")
    assert streamed == final["reply"]["text"]
    assert final["mode"] == "qa" and final["reply"]["id"]


def test_history_lists_both_sides_and_after_filters(client: TestClient) -> None:
    cid, token = start(client)
    first = say(client, cid, token, "hello")
    say(client, cid, token, "thanks!")
    url = f"/api/conversations/{cid}/messages"
    everything = client.get(url, headers=auth(token)).json()["messages"]
    assert [m["role"] for m in everything] == [
        "assistant",
        "user",
        "assistant",
        "user",
        "assistant",
    ]
    after = client.get(url, params={"after": first["reply"]["id"]}, headers=auth(token)).json()[
        "messages"
    ]
    assert after[0]["text"] == "thanks!"
    assert all(m["id"] > first["reply"]["id"] for m in after)


def test_openapi_documents_the_conversation_contract(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    post = schema["paths"]["/api/conversations/{conversation_id}/messages"]["post"]
    assert "text/event-stream" in post["responses"]["200"]["content"]
    turn = schema["components"]["schemas"]["TurnOut"]
    assert {"reply", "mode", "intake", "handoff"} <= set(turn["properties"])
    assert "CitationOut" in schema["components"]["schemas"]
