"""Console sign-in: session cookie, CSRF on every change, login rate limit, page and assets."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.config import load_settings
from assistant.liaisons import NewLiaison, create_liaison
from assistant.runtime import Runtime, build_runtime
from assistant.store.models import Liaison
from tests.handoff_support import ask_for_human, client_for, start


def login(client: TestClient, who: NewLiaison, password: str | None = None) -> str:
    response = client.post(
        "/console/api/login", json={"email": who.email, "password": password or who.password}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["csrf_token"])


def test_the_console_page_and_its_assets_are_served_with_a_strict_policy(
    client: TestClient,
) -> None:
    page = client.get("/console")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert '<script type="module" src="/console/assets/app.js">' in page.text
    for name, kind in (("app.js", "javascript"), ("dom.js", "javascript"), ("console.css", "css")):
        asset = client.get(f"/console/assets/{name}")
        assert asset.status_code == 200 and kind in asset.headers["content-type"]
    for bad in ("index.html", "nope.js", "..%2Fapp.py", "%2E%2E%2Froutes%2Fconsole.py"):
        assert client.get(f"/console/assets/{bad}").status_code == 404


def test_signing_in_sets_an_httponly_strict_cookie_and_returns_a_csrf_token(
    client: TestClient, liaison: NewLiaison
) -> None:
    response = client.post(
        "/console/api/login", json={"email": "Liaison@Example.org ", "password": liaison.password}
    )
    assert response.status_code == 200
    assert response.json()["liaison"]["name"] == "Lee Liaison"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
    assert "secure" not in cookie  # plain http in tests
    session = client.get("/console/api/session")
    assert session.status_code == 200
    assert session.json()["csrf_token"] == response.json()["csrf_token"]


def test_the_cookie_is_secure_when_the_public_url_is_https(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "d", env="test", public_url="https://wil.example")
    runtime = build_runtime(settings, retriever=None)
    who = create_liaison(runtime.db, "sam@example.org", "Sam")
    try:
        with client_for(runtime) as client:
            response = client.post(
                "/console/api/login", json={"email": who.email, "password": who.password}
            )
    finally:
        runtime.db.dispose()
    assert "secure" in response.headers["set-cookie"].lower()


def test_wrong_passwords_are_refused_and_rate_limited(
    client: TestClient, liaison: NewLiaison
) -> None:
    for _ in range(5):
        bad = client.post("/console/api/login", json={"email": liaison.email, "password": "guess"})
        assert bad.status_code == 401
    blocked = client.post(
        "/console/api/login", json={"email": liaison.email, "password": liaison.password}
    )
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    # The same address is blocked for other emails too (guessing across accounts).
    other = client.post("/console/api/login", json={"email": "admin@example.org", "password": "x"})
    assert other.status_code == 429
    assert client.get("/console/api/session").status_code == 401


def test_unknown_emails_get_the_same_answer_as_wrong_passwords(client: TestClient) -> None:
    response = client.post(
        "/console/api/login", json={"email": "ghost@example.org", "password": "x"}
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "wrong email or password"}
    assert client.post("/console/api/login", json={"email": "a"}).status_code == 422


def test_console_calls_to_the_api_need_the_csrf_token_to_change_anything(
    client: TestClient, liaison: NewLiaison
) -> None:
    ticket_id = ask_for_human(client, start(client))["handoff"]["id"]
    csrf = login(client, liaison)
    assert client.get("/api/handoffs").status_code == 200  # reads work with the cookie alone
    assert client.post(f"/api/handoffs/{ticket_id}/claim").status_code == 403
    wrong = client.post(f"/api/handoffs/{ticket_id}/claim", headers={"X-CSRF-Token": "x" * 43})
    assert wrong.status_code == 403
    assert wrong.json()["detail"] == "CSRF token missing or wrong"
    ok = client.post(f"/api/handoffs/{ticket_id}/claim", headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200
    assert ok.json()["claimed_by"] == liaison.id
    assert (
        client.get("/api/intakes/export.csv").status_code == 200
    )  # export links work from the page


def test_signing_out_ends_the_session(client: TestClient, liaison: NewLiaison) -> None:
    csrf = login(client, liaison)
    assert client.post("/console/api/logout").status_code == 403
    assert client.post("/console/api/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
    assert client.get("/console/api/session").status_code == 401
    assert client.get("/api/handoffs").status_code == 401


@pytest.mark.parametrize("action", ["deactivate", "garbage"])
def test_a_cookie_for_a_deactivated_account_or_garbage_authenticates_nothing(
    client: TestClient, runtime: Runtime, liaison: NewLiaison, action: str
) -> None:
    login(client, liaison)
    if action == "deactivate":
        with runtime.db.session() as s:
            row = s.get(Liaison, liaison.id)
            assert row is not None
            row.active = False
    else:
        client.cookies.clear()
        client.cookies.set("wil_console", "not-a-session")
    assert client.get("/api/handoffs").status_code == 401
    assert client.get("/console/api/session").status_code == 401
