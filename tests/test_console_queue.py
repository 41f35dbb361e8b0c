"""Queue rows a liaison can scan: who the person is and what they said last."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from assistant.display import zone_periods
from assistant.liaisons import NewLiaison
from assistant.runtime import Runtime
from assistant.store.models import Intake
from tests.conftest import auth
from tests.handoff_support import ask_for_human, say, start


def test_queue_rows_name_the_person_and_show_the_latest_message(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    known, unknown = start(client), start(client)
    for person in (known, unknown):
        say(client, person, "where do I start with hosting a student?")
        ask_for_human(client, person)
    say(client, known, "Our posting closes Friday, can someone call me?")
    with runtime.db.session() as s:
        s.add(
            Intake(
                kind="employer",
                status="collecting",
                conversation_id=known.id,
                fields={
                    "organization_name": "Prairie Robotics",
                    "contact_name": "Dana Lee",
                    "contact_email": "dana@prairierobotics.ca",
                },
            )
        )
    assert client.get("/api/console/queue").status_code == 401
    rows = client.get("/api/console/queue", headers=auth(liaison.token)).json()["handoffs"]
    by_conv = {r["conversation_id"]: r for r in rows}
    assert by_conv[known.id]["person"] == {
        "name": "Dana Lee",
        "organization": "Prairie Robotics",
        "email": "dana@prairierobotics.ca",
        "kind": "employer",
    }
    assert by_conv[known.id]["latest"]["text"] == "Our posting closes Friday, can someone call me?"
    assert by_conv[unknown.id]["person"]["name"] is None
    assert by_conv[unknown.id]["latest"]["text"] != by_conv[known.id]["latest"]["text"]
    waiting = client.get(
        "/api/console/queue", params={"status": "waiting"}, headers=auth(liaison.token)
    ).json()["handoffs"]
    assert {r["conversation_id"] for r in waiting} == {known.id, unknown.id}
    assert (
        client.get(
            "/api/console/queue", params={"status": "lost"}, headers=auth(liaison.token)
        ).status_code
        == 422
    )


def test_console_session_carries_the_pinned_zone(client: TestClient, liaison: NewLiaison) -> None:
    r = client.post(
        "/console/api/login", json={"email": liaison.email, "password": liaison.password}
    )
    zone = r.json()["zone"]
    assert zone["name"] == "America/Edmonton"
    periods = {tuple(p) for p in zone["periods"]}
    # After Alberta's 2026 change: UTC-6 all year, "CST" in the pinned tzdata.
    start_2026_11 = int(datetime(2026, 11, 1, 8, tzinfo=UTC).timestamp() * 1000)
    assert (start_2026_11, -360, "CST") in set(
        map(tuple, zone_periods("America/Edmonton", 2026, 2027))
    )
    assert periods
