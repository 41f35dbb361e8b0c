"""Account administration as a secretariat admin does it: `wil-assistant liaison list | disable |
enable | reset | role`, checked through the CLI's output and what the API and console then accept.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner, Result

from assistant.handoff import texts
from assistant.liaisons import NewLiaison, create_liaison
from assistant.runtime import Runtime
from assistant.store.models import Liaison
from channels.cli import app
from channels.web import sse as sse_module
from channels.web.app import create_app
from tests.browser import LiveServer, live_server
from tests.conftest import auth
from tests.handoff_support import WEDNESDAY_10AM_CALGARY, ask_for_human, messages, set_clock, start
from tests.test_security_hardening import Stream

runner = CliRunner()


def cli(runtime: Runtime, *args: str) -> Result:
    """Run `wil-assistant <args> --data-dir <the runtime's data dir>`."""
    return runner.invoke(app, [*args, "--data-dir", str(runtime.settings.data_dir)])


def login(client: TestClient, email: str, password: str) -> int:
    """Sign in to the console; return the HTTP status (the session cookie stays in the client)."""
    return client.post(
        "/console/api/login", json={"email": email, "password": password}
    ).status_code


def one_line_error(result: Result, code: int, text: str) -> None:
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    err = result.stderr.strip()
    assert text in err and len(err.splitlines()) == 1, err
    assert "Traceback" not in result.output


def test_disable_locks_the_account_out_and_puts_its_tickets_back_in_the_queue(
    client: TestClient, runtime: Runtime, liaison: NewLiaison, admin: NewLiaison
) -> None:
    set_clock(runtime, WEDNESDAY_10AM_CALGARY)
    person = start(client)
    ticket_id = ask_for_human(client, person)["handoff"]["id"]
    claimed = client.post(f"/api/handoffs/{ticket_id}/claim", headers=auth(liaison.token))
    assert claimed.status_code == 200 and claimed.json()["status"] == "active"
    assert login(client, liaison.email, liaison.password) == 200
    assert client.get("/console/api/session").status_code == 200

    done = cli(runtime, "liaison", "disable", "Liaison@Example.org")
    assert done.exit_code == 0, done.output
    assert "Disabled Lee Liaison <liaison@example.org>" in done.stdout
    assert "1 console session ended" in done.stdout
    assert f"back in the waiting queue: {ticket_id[:8]}" in done.stdout

    # The console session, the API token and the password all stop working at once.
    assert client.get("/console/api/session").status_code == 401
    client.cookies.clear()
    assert client.get("/api/handoffs", headers=auth(liaison.token)).status_code == 401
    refused = client.post(
        "/console/api/login", json={"email": liaison.email, "password": liaison.password}
    )
    assert refused.status_code == 401
    assert refused.json()["detail"] == "wrong email or password"

    # The person is not left with nobody: the ticket waits for another liaison, who can take it.
    waiting = client.get("/api/handoffs?status=waiting", headers=auth(admin.token)).json()
    ticket = next(t for t in waiting["handoffs"] if t["id"] == ticket_id)
    assert ticket["claimed_by"] is None and ticket["status"] == "waiting"
    detail = client.get(f"/api/handoffs/{ticket_id}", headers=auth(admin.token)).json()
    assert any("Lee Liaison's account was disabled" in n["text"] for n in detail["notes"])
    told = texts.say(texts.REQUEUED, "en", name="Lee Liaison")
    assert told in [m["text"] for m in messages(client, person)]
    retaken = client.post(f"/api/handoffs/{ticket_id}/claim", headers=auth(admin.token))
    assert retaken.status_code == 200 and retaken.json()["claimed_by_name"] == "Ada Admin"

    # Disabling again is harmless; enabling restores the same credentials.
    again = cli(runtime, "liaison", "disable", liaison.email)
    assert again.exit_code == 0 and "already disabled" in again.stdout
    enabled = cli(runtime, "liaison", "enable", liaison.email)
    assert enabled.exit_code == 0 and "Enabled" in enabled.stdout
    assert client.get("/api/handoffs", headers=auth(liaison.token)).status_code == 200
    assert login(client, liaison.email, liaison.password) == 200


def test_reset_replaces_the_token_and_password_and_ends_console_sessions(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    assert login(client, liaison.email, liaison.password) == 200
    done = cli(runtime, "liaison", "reset", liaison.email)
    assert done.exit_code == 0, done.output
    lines = done.stdout.strip().splitlines()
    new_token = lines[-1].strip()
    new_password = next(line for line in lines if "password:" in line).split(": ", 1)[1]
    assert new_token.startswith("l_") and new_token != liaison.token
    assert new_password != liaison.password

    assert client.get("/console/api/session").status_code == 401
    client.cookies.clear()
    assert client.get("/api/handoffs", headers=auth(liaison.token)).status_code == 401
    assert client.get("/api/handoffs", headers=auth(new_token)).status_code == 200
    assert login(client, liaison.email, liaison.password) == 401
    assert login(client, liaison.email, new_password) == 200


def test_reset_can_replace_only_the_token_or_only_the_password(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    only_token = cli(runtime, "liaison", "reset", liaison.email, "--token")
    assert only_token.exit_code == 0, only_token.output
    assert "password:" not in only_token.stdout.lower()
    token = only_token.stdout.strip().splitlines()[-1]
    assert client.get("/api/handoffs", headers=auth(token)).status_code == 200
    assert login(client, liaison.email, liaison.password) == 200  # the password is unchanged

    only_password = cli(runtime, "liaison", "reset", liaison.email, "--password")
    assert only_password.exit_code == 0, only_password.output
    last = only_password.stdout.strip().splitlines()[-1]
    assert last.startswith("One-time console password: ")
    assert "l_" not in only_password.stdout
    client.cookies.clear()
    assert client.get("/api/handoffs", headers=auth(token)).status_code == 200  # token unchanged
    assert login(client, liaison.email, liaison.password) == 401
    assert login(client, liaison.email, last.split(": ", 1)[1]) == 200


def test_a_new_token_unlinks_telegram(runtime: Runtime, liaison: NewLiaison) -> None:
    with runtime.db.session() as s:
        row = s.get(Liaison, liaison.id)
        assert row is not None
        row.telegram_user_id = 4242
    assert "linked" in cli(runtime, "liaison", "list").stdout
    done = cli(runtime, "liaison", "reset", liaison.email, "--token")
    assert done.exit_code == 0 and "Telegram unlinked" in done.stdout
    listed = json.loads(cli(runtime, "liaison", "list", "--json").stdout)
    assert listed[0]["telegram_linked"] is False


def test_list_shows_the_accounts_and_never_a_secret(
    runtime: Runtime, liaison: NewLiaison, admin: NewLiaison
) -> None:
    cli(runtime, "liaison", "disable", liaison.email)
    with runtime.db.session() as s:
        hashes = [
            value
            for row in s.scalars(select(Liaison))
            for value in (row.password_hash, row.token_hash)
        ]
    table = cli(runtime, "liaison", "list")
    as_json = cli(runtime, "liaison", "list", "--json")
    assert table.exit_code == 0 and as_json.exit_code == 0, table.output + as_json.output
    header, *rows = table.stdout.strip().splitlines()
    assert header.split() == ["EMAIL", "NAME", "ROLE", "ACTIVE", "TELEGRAM", "CREATED", "(UTC)"]
    assert rows[0].split()[:5] == ["liaison@example.org", "Lee", "Liaison", "liaison", "no"]
    assert rows[1].split()[:5] == ["admin@example.org", "Ada", "Admin", "admin", "yes"]
    accounts = json.loads(as_json.stdout)
    assert [(a["email"], a["role"], a["active"]) for a in accounts] == [
        ("liaison@example.org", "liaison", False),
        ("admin@example.org", "admin", True),
    ]
    assert set(accounts[0]) == {
        "id",
        "email",
        "name",
        "role",
        "active",
        "telegram_linked",
        "created_at",
        "institution",
    }
    for output in (table.stdout, as_json.stdout):
        for secret in (*hashes, liaison.token, admin.token, liaison.password, admin.password):
            assert secret not in output
        assert "$argon2" not in output and "hash" not in output.lower()


def test_role_promotes_and_demotes_but_keeps_one_active_admin(
    client: TestClient, runtime: Runtime, liaison: NewLiaison, admin: NewLiaison
) -> None:
    # Deleting an intake is admin-only: 403 for a liaison, 404 (no such intake) for an admin.
    assert client.delete("/api/intakes/nope", headers=auth(liaison.token)).status_code == 403
    done = cli(runtime, "liaison", "role", liaison.email, "admin")
    assert done.exit_code == 0 and "is now admin (was liaison)" in done.stdout
    assert client.delete("/api/intakes/nope", headers=auth(liaison.token)).status_code == 404
    same = cli(runtime, "liaison", "role", liaison.email, "ADMIN")
    assert same.exit_code == 0 and "already admin" in same.stdout
    # With two admins, the first may step down; then the remaining one may not.
    assert cli(runtime, "liaison", "role", admin.email, "liaison").exit_code == 0
    refused = cli(runtime, "liaison", "role", liaison.email, "liaison")
    one_line_error(refused, 1, "last active admin")
    roles = {
        a["email"]: a["role"] for a in json.loads(cli(runtime, "liaison", "list", "--json").stdout)
    }
    assert roles == {"liaison@example.org": "admin", "admin@example.org": "liaison"}
    assert client.delete("/api/intakes/nope", headers=auth(admin.token)).status_code == 403


def test_the_last_active_admin_cannot_be_disabled(
    client: TestClient, runtime: Runtime, admin: NewLiaison
) -> None:
    refused = cli(runtime, "liaison", "disable", admin.email)
    one_line_error(refused, 1, "last active admin")
    assert client.get("/api/handoffs", headers=auth(admin.token)).status_code == 200
    # Once there is another active admin, it can.
    create_liaison(runtime.db, "second@example.org", "Sol Second", role="admin")
    assert cli(runtime, "liaison", "disable", admin.email).exit_code == 0
    assert client.get("/api/handoffs", headers=auth(admin.token)).status_code == 401


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("disable", "ghost@example.org"), 1, "no liaison account with email ghost@example.org"),
        (("enable", "ghost@example.org"), 1, "no liaison account"),
        (("reset", "ghost@example.org"), 1, "no liaison account"),
        (("role", "ghost@example.org", "admin"), 1, "no liaison account"),
        (
            ("role", "liaison@example.org", "boss"),
            2,
            "role must be 'liaison', 'admin' or 'institution'",
        ),
        (("disable", "not an email"), 1, "no liaison account"),
    ],
)
def test_mistakes_get_a_one_line_error(
    runtime: Runtime,
    liaison: NewLiaison,
    args: tuple[str, ...],
    code: int,
    message: str,
) -> None:
    one_line_error(cli(runtime, "liaison", *args), code, message)


def test_list_on_a_new_data_dir_says_how_to_start(runtime: Runtime) -> None:
    done = cli(runtime, "liaison", "list")
    assert done.exit_code == 0 and "liaison add" in done.stdout
    assert json.loads(cli(runtime, "liaison", "list", "--json").stdout) == []


@pytest.fixture
def server(runtime: Runtime) -> Iterator[LiveServer]:
    with live_server(create_app(runtime=runtime)) as srv:
        yield srv


@pytest.mark.slow
@pytest.mark.parametrize("command", ["disable", "reset"])
def test_open_event_streams_end_after_disable_or_reset(
    server: LiveServer,
    runtime: Runtime,
    liaison: NewLiaison,
    admin: NewLiaison,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    monkeypatch.setattr(sse_module, "REAUTH_S", 0.2)
    url = f"{server.url}/api/handoffs/events"
    with httpx.Client(base_url=server.url, timeout=10) as http:
        signed_in = http.post(
            "/console/api/login", json={"email": liaison.email, "password": liaison.password}
        )
        assert signed_in.status_code == 200
    console = Stream(url, {"Cookie": f"wil_console={signed_in.cookies['wil_console']}"})
    api = Stream(url, auth(liaison.token))
    bystander = Stream(url, auth(admin.token))
    try:
        assert (console.status, api.status, bystander.status) == (200, 200, 200)
        assert not api.ended(timeout=0.5)
        assert cli(runtime, "liaison", command, liaison.email).exit_code == 0
        assert console.ended(), f"the console stream outlived `liaison {command}`"
        assert api.ended(), f"the API token's stream outlived `liaison {command}`"
        assert not bystander.ended(timeout=0.5)
    finally:
        for stream in (console, api, bystander):
            stream.close()
