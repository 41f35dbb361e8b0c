"""The HTTP contract's edges: health, conversation tokens, input validation, errors as JSON."""

from __future__ import annotations

from fastapi.testclient import TestClient

from assistant.config import load_settings
from assistant.runtime import Runtime
from assistant.store.db import Database
from channels.web.app import create_app
from tests.conftest import auth


def _start(client: TestClient, locale: str | None = "en") -> tuple[str, str, dict]:  # type: ignore[type-arg]
    r = client.post("/api/conversations", json={"channel": "web", "locale": locale})
    assert r.status_code == 201, r.text
    body = r.json()
    return body["id"], body["token"], body


def test_healthz_reports_schema(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["schema_version"] == _head_revision()


def _head_revision() -> str:
    """Return the newest migration's revision (the schema a fresh database is brought to)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from assistant.store.db import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return str(ScriptDirectory.from_config(cfg).get_current_head())


def test_healthz_503_when_database_unreachable(runtime: Runtime) -> None:
    app = create_app(runtime=runtime)
    with TestClient(app) as c:
        # The database goes away after start-up.
        runtime.db = Database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
        r = c.get("/healthz")
    assert r.status_code == 503
    assert "database" in r.json()


def test_greeting_in_requested_language(client: TestClient) -> None:
    _, token, body = _start(client, "fr")
    assert body["locale"] == "fr" and token
    greeting = body["messages"][0]
    assert greeting["role"] == "assistant" and "Bonjour" in greeting["text"]
    assert greeting["suggestions"]


def test_locale_follows_accept_language_when_not_given(client: TestClient) -> None:
    r = client.post(
        "/api/conversations", json={"channel": "web"}, headers={"Accept-Language": "fr-CA,fr;q=0.9"}
    )
    assert r.json()["locale"] == "fr"


def test_conversation_needs_its_own_token(client: TestClient) -> None:
    cid, token, _ = _start(client)
    _other_id, other_token, _ = _start(client)
    url = f"/api/conversations/{cid}/messages"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=auth("c_wrong")).status_code == 401
    assert client.get(url, headers=auth(other_token)).status_code == 401
    assert client.get(url, headers={"Authorization": token}).status_code == 401
    assert client.get(url, headers=auth(token)).status_code == 200
    assert client.get("/api/conversations/unknown/messages", headers=auth(token)).status_code == 404
    assert "detail" in client.get(url).json()


def test_message_validation(client: TestClient) -> None:
    cid, token, _ = _start(client)
    url = f"/api/conversations/{cid}/messages"
    h = auth(token)
    assert client.post(url, json={"text": "   "}, headers=h).status_code == 422
    assert client.post(url, json={}, headers=h).status_code == 422
    assert client.post(url, json={"text": "x" * 4001}, headers=h).status_code in (413, 422)
    bad = client.post(url, content=b"{not json", headers={**h, "Content-Type": "application/json"})
    assert bad.status_code == 422 and isinstance(bad.json()["detail"], str)
    # Nothing stored by rejected input: only the greeting is there.
    msgs = client.get(url, headers=h).json()["messages"]
    assert [m["role"] for m in msgs] == ["assistant"]
    ok = client.post(url, json={"text": "x" * 3990 + "      "}, headers=h)
    assert ok.status_code == 200


def test_history_and_after(client: TestClient) -> None:
    cid, token, body = _start(client)
    url = f"/api/conversations/{cid}/messages"
    client.post(url, json={"text": "hello"}, headers=auth(token))
    history = client.get(url, headers=auth(token)).json()["messages"]
    assert [m["role"] for m in history][:2] == ["assistant", "user"]
    first_id = body["messages"][0]["id"]
    after = client.get(url, params={"after": first_id}, headers=auth(token)).json()["messages"]
    assert after and all(m["id"] > first_id for m in after)
    assert all(m["created_at"].endswith("+00:00") for m in history)
    assert client.get(url, params={"after": "abc"}, headers=auth(token)).status_code == 422


def test_cors_allow_list(runtime: Runtime, tmp_path) -> None:  # type: ignore[no-untyped-def]
    runtime.settings = load_settings(data_dir=tmp_path, cors_origins="https://partner.example")
    app = create_app(runtime=runtime)
    with TestClient(app) as c:
        pre = {"Access-Control-Request-Method": "POST"}
        ok = c.options("/api/conversations", headers={"Origin": "https://partner.example", **pre})
        bad = c.options("/api/conversations", headers={"Origin": "https://evil.example", **pre})
    assert ok.headers.get("access-control-allow-origin") == "https://partner.example"
    assert "access-control-allow-origin" not in bad.headers


def test_an_answer_is_kept_when_the_client_leaves_mid_stream(runtime: Runtime) -> None:
    import time

    import httpx

    from tests.browser import live_server

    with (
        live_server(create_app(runtime=runtime)) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        conv = http.post("/api/conversations", json={"locale": "en"}).json()
        headers = {**auth(conv["token"]), "Accept": "text/event-stream"}
        with http.stream(
            "POST",
            f"/api/conversations/{conv['id']}/messages",
            json={"text": "hello there"},
            headers=headers,
        ) as response:
            next(response.iter_lines())  # the person reloads the page as the answer starts
        deadline = time.monotonic() + 20
        roles: list[str] = []
        while time.monotonic() < deadline:
            msgs = http.get(
                f"/api/conversations/{conv['id']}/messages", headers=auth(conv["token"])
            )
            roles = [m["role"] for m in msgs.json()["messages"]]
            if roles[-1:] == ["assistant"] and len(roles) >= 3:
                break
            time.sleep(0.1)
        assert roles == ["assistant", "user", "assistant"]
