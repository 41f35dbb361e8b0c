"""Who may do what: conversation tokens, liaison tokens and roles, console CSRF, cookie, CORS.

The liaison routes are discovered from the app's OpenAPI schema, so a new endpoint that forgets its auth
dependency fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from assistant.config import load_settings
from assistant.liaisons import NewLiaison, create_liaison
from assistant.runtime import Runtime, build_runtime
from assistant.store.models import ConsoleSession, Intake, Liaison
from channels.web.app import create_app
from tests.conftest import auth
from tests.handoff_support import Person, ask_for_human, messages, say, start

PARTNER = "https://partner.example"
STRANGER = "https://evil.example"
CSRF_ERROR = "CSRF token missing or wrong"


def liaison_routes() -> list[tuple[str, str]]:
    """Return (method, path) of every liaison API route in the OpenAPI schema, ids as "x1"."""
    app = create_app(settings=load_settings(env="test", data_dir=Path("unused")))
    found = []
    for raw_path, operations in app.openapi()["paths"].items():
        if not raw_path.startswith("/api/") or raw_path.startswith("/api/conversations"):
            continue
        path = re.sub(r"\{[^}]+\}", "x1", raw_path)
        found.extend((method.upper(), path) for method in sorted(operations))
    return found


LIAISON_ROUTES = liaison_routes()
CHANGING_ROUTES = [(m, p) for m, p in LIAISON_ROUTES if m not in ("GET", "HEAD", "OPTIONS")]


def test_the_route_discovery_sees_the_liaison_api() -> None:
    paths = {p for _, p in LIAISON_ROUTES}
    assert {"/api/handoffs", "/api/intakes", "/api/knowledge-gaps"} <= paths
    assert ("DELETE", "/api/intakes/x1") in LIAISON_ROUTES
    assert ("POST", "/api/handoffs/x1/resolve") in CHANGING_ROUTES


# Conversation tokens ---------------------------------------------------------------------


def test_a_conversation_token_opens_only_its_own_conversation(
    client: TestClient, liaison: NewLiaison
) -> None:
    alice, bob = start(client), start(client)
    say(client, bob, "What is work-integrated learning?")
    before = messages(client, bob)
    base = f"/api/conversations/{bob.id}"
    for headers in (
        alice.headers,
        {**alice.headers, "Accept": "text/event-stream"},
        auth(liaison.token),
        {},
        {"Authorization": f"Bearer {bob.token}x"},
        {"Authorization": f"Basic {bob.token}"},
        {"Authorization": bob.token},  # no scheme
    ):
        assert client.get(f"{base}/messages", headers=headers).status_code == 401
        assert client.get(f"{base}/messages?after=0", headers=headers).status_code == 401
        posted = client.post(f"{base}/messages", json={"text": "hijack"}, headers=headers)
        assert posted.status_code == 401
        assert "text/event-stream" not in posted.headers.get("content-type", "")
        assert client.get(f"{base}/events", headers=headers).status_code == 401
    assert messages(client, bob) == before  # nothing was added to Bob's conversation
    assert all(m["text"] != "hijack" for m in before)


def test_unknown_conversations_are_404_whoever_asks(client: TestClient) -> None:
    alice = start(client)
    for cid in ("nope", alice.id[:-1], alice.id + "0", "0" * 32):
        for method, suffix in (("GET", "messages"), ("POST", "messages"), ("GET", "events")):
            r = client.request(
                method,
                f"/api/conversations/{cid}/{suffix}",
                json={"text": "hi"},
                headers=alice.headers,
            )
            assert r.status_code == 404, (cid, suffix)
            assert r.json() == {"detail": "conversation not found"}


def test_a_conversation_token_is_no_liaison_credential(client: TestClient) -> None:
    person = start(client)
    for method, path in LIAISON_ROUTES:
        r = client.request(method, path, headers=person.headers, json={"text": "x"})
        assert r.status_code == 401, (method, path)


# Liaison tokens and roles ----------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), LIAISON_ROUTES)
def test_every_liaison_route_is_401_without_a_valid_liaison_token(
    client: TestClient, runtime: Runtime, method: str, path: str
) -> None:
    gone = create_liaison(runtime.db, "gone@example.org", "Gone")
    with runtime.db.session() as s:
        s.execute(update(Liaison).where(Liaison.id == gone.id).values(active=False))
    for headers in (
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": f"Bearer {gone.token}"},  # deactivated account
        {"Authorization": f"Token {gone.token}"},
    ):
        r = client.request(method, path, headers=headers, json={"text": "x"})
        assert r.status_code == 401, (method, path, headers)
        assert r.json()["detail"]


def test_deleting_an_intake_is_for_admins_only(
    client: TestClient, runtime: Runtime, liaison: NewLiaison, admin: NewLiaison
) -> None:
    with runtime.db.session() as s:
        s.add(Intake(id="in1", kind="student", status="submitted", fields={"full_name": "X"}))
    refused = client.delete("/api/intakes/in1", headers=auth(liaison.token))
    assert refused.status_code == 403
    assert refused.json() == {"detail": "admin role required"}
    listed = client.get("/api/intakes", headers=auth(liaison.token)).json()["intakes"]
    assert [i["id"] for i in listed] == ["in1"]  # still there
    # A liaison's console session is no way around the role check.
    login = client.post(
        "/console/api/login", json={"email": liaison.email, "password": liaison.password}
    )
    csrf = login.json()["csrf_token"]
    assert client.delete("/api/intakes/in1", headers={"X-CSRF-Token": csrf}).status_code == 403
    client.cookies.clear()
    assert client.delete("/api/intakes/in1", headers=auth(admin.token)).status_code == 204


# Console session: CSRF and cookie --------------------------------------------------------


@pytest.fixture
def console(client: TestClient, liaison: NewLiaison) -> Iterator[tuple[TestClient, str]]:
    login = client.post(
        "/console/api/login", json={"email": liaison.email, "password": liaison.password}
    )
    assert login.status_code == 200
    yield client, str(login.json()["csrf_token"])


@pytest.mark.parametrize(("method", "path"), CHANGING_ROUTES)
def test_every_state_change_through_the_console_needs_the_csrf_token(
    console: tuple[TestClient, str], method: str, path: str
) -> None:
    client, csrf = console
    for headers in ({}, {"X-CSRF-Token": ""}, {"X-CSRF-Token": csrf[:-1]}, {"X-CSRF-Token": "x"}):
        r = client.request(method, path, headers=headers, json={"text": "x"})
        assert r.status_code == 403, (method, path, headers)
        assert r.json() == {"detail": CSRF_ERROR}
    # With the token the request reaches the endpoint (404: the placeholder id does not exist).
    r = client.request(method, path, headers={"X-CSRF-Token": csrf}, json={"text": "x"})
    assert r.status_code in (404, 403) and r.json()["detail"] != CSRF_ERROR


def test_a_cross_site_request_with_the_cookie_changes_nothing(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    person = start(client)
    ticket = ask_for_human(client, person)["handoff"]["id"]
    client.post("/console/api/login", json={"email": liaison.email, "password": liaison.password})
    forged = {"Origin": STRANGER, "Content-Type": "text/plain"}
    for path in (f"/api/handoffs/{ticket}/claim", f"/api/handoffs/{ticket}/resolve"):
        assert client.post(path, headers=forged).status_code == 403
    r = client.post(f"/api/handoffs/{ticket}/messages", json={"text": "phish"}, headers=forged)
    assert r.status_code == 403
    assert client.post("/console/api/logout", headers=forged).status_code == 403
    detail = client.get(f"/api/handoffs/{ticket}").json()
    assert detail["status"] == "waiting"
    assert all(m["text"] != "phish" for m in messages(client, person))
    # A bearer header next to the cookie is judged on its own: a wrong one is not rescued.
    r = client.post(f"/api/handoffs/{ticket}/claim", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401


def test_the_session_cookie_is_httponly_strict_secure_and_short_lived(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "d", env="test", public_url="https://wil.example")
    runtime = build_runtime(settings, retriever=None)
    who = create_liaison(runtime.db, "sam@example.org", "Sam")
    try:
        with TestClient(create_app(runtime=runtime)) as client:
            r = client.post(
                "/console/api/login", json={"email": who.email, "password": who.password}
            )
    finally:
        runtime.db.dispose()
    assert r.status_code == 200
    cookie = r.headers["set-cookie"]
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite", "path", "max-age"} <= attributes
    assert "domain" not in attributes  # host-only
    assert re.search(r"(?i)samesite=strict", cookie)
    max_age = int(re.search(r"(?i)max-age=(\d+)", cookie).group(1))  # type: ignore[union-attr]
    assert 0 < max_age <= 12 * 3600
    assert "csrf" not in cookie.lower()  # the CSRF token travels in the body, not a cookie


def test_an_expired_console_session_authenticates_nothing(
    console: tuple[TestClient, str], runtime: Runtime
) -> None:
    client, csrf = console
    assert client.get("/api/handoffs").status_code == 200
    with runtime.db.session() as s:
        s.execute(
            update(ConsoleSession).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert client.get("/api/handoffs").status_code == 401
    assert client.get("/console/api/session").status_code == 401
    assert client.post("/console/api/logout", headers={"X-CSRF-Token": csrf}).status_code == 401


# CORS ------------------------------------------------------------------------------------


@pytest.fixture
def cors_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(data_dir=tmp_path / "cors", env="test", cors_origins=PARTNER)
    runtime = build_runtime(settings, retriever=None)
    with TestClient(create_app(runtime=runtime)) as c:
        yield c
    runtime.db.dispose()


PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type",
}


@pytest.mark.parametrize(
    "path", ["/api/conversations", "/api/handoffs", "/console/api/login", "/api/intakes/x1"]
)
def test_cors_answers_only_the_allow_listed_origin_and_never_with_credentials(
    cors_client: TestClient, path: str
) -> None:
    for origin in (STRANGER, "null", PARTNER + ".evil.example", "http://partner.example", "*"):
        refused = cors_client.options(path, headers={"Origin": origin, **PREFLIGHT})
        assert "access-control-allow-origin" not in refused.headers, origin
        simple = cors_client.get("/healthz", headers={"Origin": origin})
        assert "access-control-allow-origin" not in simple.headers, origin
    ok = cors_client.options(path, headers={"Origin": PARTNER, **PREFLIGHT})
    assert ok.headers["access-control-allow-origin"] == PARTNER
    assert "access-control-allow-credentials" not in ok.headers


def test_without_an_allow_list_no_origin_gets_cors_headers(client: TestClient) -> None:
    for origin in (PARTNER, STRANGER):
        r = client.options("/api/conversations", headers={"Origin": origin, **PREFLIGHT})
        assert "access-control-allow-origin" not in r.headers
        created = client.post("/api/conversations", json={}, headers={"Origin": origin})
        assert created.status_code == 201
        assert "access-control-allow-origin" not in created.headers


def test_a_person_in_handoff_cannot_read_liaison_notes(
    client: TestClient, liaison: NewLiaison
) -> None:
    person: Person = start(client)
    ticket = ask_for_human(client, person)["handoff"]["id"]
    note = client.post(
        f"/api/handoffs/{ticket}/notes",
        json={"text": "internal: caller seems upset"},
        headers=auth(liaison.token),
    )
    assert note.status_code == 201
    assert all("internal:" not in m["text"] for m in messages(client, person))
    assert client.get(f"/api/handoffs/{ticket}", headers=person.headers).status_code == 401
