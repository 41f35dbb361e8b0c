"""Knowledge gaps: questions the assistant could not answer, grouped for the console."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from assistant.liaisons import NewLiaison
from assistant.runtime import Runtime
from assistant.store.models import KnowledgeGap
from tests.conftest import auth
from tests.handoff_support import say, start


def test_unanswered_questions_are_grouped_by_wording_and_counted(
    client: TestClient, liaison: NewLiaison
) -> None:
    # No knowledge index in this runtime: every question is declined and recorded as a gap.
    for text, locale in [
        ("Is there parking at SAIT for interns?", "en"),
        ("Where can interns park at SAIT?", "en"),
        ("parking at SAIT for interns", "en"),
        ("What is the dress code for interns at Bow Valley?", "en"),
        ("Y a-t-il du stationnement pour les stagiaires à SAIT?", "fr"),
    ]:
        say(client, start(client, locale), text)

    response = client.get("/api/knowledge-gaps", headers=auth(liaison.token))
    assert response.status_code == 200
    gaps = response.json()["gaps"]
    assert gaps[0]["count"] == 3
    assert gaps[0]["locale"] == "en"
    assert "SAIT" in gaps[0]["text"]
    assert len(gaps[0]["examples"]) == 2
    assert sorted((g["locale"], g["count"]) for g in gaps[1:]) == [("en", 1), ("fr", 1)]
    assert all(g["last_seen"] for g in gaps)

    french = client.get("/api/knowledge-gaps?locale=fr", headers=auth(liaison.token)).json()["gaps"]
    assert [g["locale"] for g in french] == ["fr"]


def test_the_biggest_groups_come_first_then_the_most_recent(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    now = datetime.now(UTC)
    rows = [
        ("Can an international student do a co-op?", 30),
        ("Can international students do co-op?", 20),
        ("How much does WCB cost for an intern?", 1),
        ("Is there a bonus for hiring Indigenous students?", 5),
    ]
    with runtime.db.session() as s:
        for text, minutes_ago in rows:
            s.add(
                KnowledgeGap(
                    text=text,
                    locale="en",
                    reason="declined",
                    created_at=now - timedelta(minutes=minutes_ago),
                )
            )
    gaps = client.get("/api/knowledge-gaps", headers=auth(liaison.token)).json()["gaps"]
    assert [g["count"] for g in gaps] == [2, 1, 1]
    assert "WCB" in gaps[1]["text"]
    assert client.get("/api/knowledge-gaps?limit=0", headers=auth(liaison.token)).status_code == 422
