"""Drafts are never lost: a handoff mid-form keeps them, the form resumes after the ticket is
resolved, and liaisons list, complete and submit drafts over the API (who and when recorded)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.liaisons import NewLiaison
from assistant.runtime import Runtime
from assistant.store.models import Intake
from tests.conftest import auth
from tests.handoff_support import Person, ask_for_human, messages, say, start

OPENER = {"en": "We'd like to host a co-op student", "fr": "Nous voulons accueillir un stagiaire"}
ORG = {"en": "Prairie Robotics", "fr": "Robotique Prairie"}
NAME = "Jo Tremblay"
HUMAN = {"en": "I want to talk to a human", "fr": "Je veux parler à une personne"}
THANKS = {"en": "ok thanks", "fr": "d'accord merci"}
CONSENTED = (
    "We'd like to host 2 engineering co-op students next summer. I'm Dana from Prairie Robotics, "
    "25 people in Calgary, dana@prairierobotics.ca, paid $22 an hour, and yes you can share my "
    "details with the institutions"
)


def rows(runtime: Runtime, person: Person) -> list[Intake]:
    with runtime.db.session() as s:
        return list(s.scalars(select(Intake).where(Intake.conversation_id == person.id)))


def resolve(client: TestClient, liaison: NewLiaison, turn: dict[str, Any]) -> None:
    ticket = turn["handoff"]["id"]
    r = client.post(f"/api/handoffs/{ticket}/resolve", headers=auth(liaison.token))
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_handoff_mid_form_keeps_the_draft_and_the_form_resumes_once_resolved(
    client: TestClient, runtime: Runtime, liaison: NewLiaison, lang: str
) -> None:
    person = start(client, locale=lang)
    body = say(client, person, OPENER[lang])
    body = say(client, person, ORG[lang])
    asking = body["intake"]["asking"]
    assert asking and asking != "organization_name"
    turn = ask_for_human(client, person, HUMAN[lang])
    assert [r.fields.get("organization_name") for r in rows(runtime, person)] == [ORG[lang]]
    resolve(client, liaison, turn)

    again = say(client, person, THANKS[lang])  # nothing for the form: its question comes back
    assert again["mode"] == "intake" and again["intake"]["asking"] == asking
    assert again["intake"]["fields"]["organization_name"] == ORG[lang]
    assert asking not in again["intake"]["fields"]
    on = say(client, person, NAME if asking == "contact_name" else "jo@prairie.ca")
    assert on["mode"] == "intake"
    assert asking in on["intake"]["fields"], on["reply"]["text"]
    assert [r.status for r in rows(runtime, person)] == ["collecting"]


@pytest.mark.parametrize(
    ("lang", "button"), [("en", "Continue my request"), ("fr", "Reprendre ma demande")]
)
def test_the_resume_button_asks_the_pending_question_again(
    client: TestClient, runtime: Runtime, liaison: NewLiaison, lang: str, button: str
) -> None:
    person = start(client, locale=lang)
    say(client, person, OPENER[lang])
    asking = say(client, person, ORG[lang])["intake"]["asking"]
    resolve(client, liaison, ask_for_human(client, person, HUMAN[lang]))
    body = say(client, person, button)
    assert body["mode"] == "intake" and body["intake"]["asking"] == asking
    assert body["intake"]["fields"]["organization_name"] == ORG[lang]


def test_drafts_are_listed_with_one_status_vocabulary(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    person = start(client)
    say(client, person, OPENER["en"])
    say(client, person, ORG["en"])
    headers = auth(liaison.token)
    for word, expected in (("draft", 1), ("collecting", 1), ("confirming", 0), ("submitted", 0)):
        r = client.get(f"/api/intakes?status={word}", headers=headers)
        assert r.status_code == 200, r.text
        assert len(r.json()["intakes"]) == expected, word
    assert client.get("/api/intakes?status=cancelled", headers=headers).status_code == 422
    assert client.get("/api/intakes?status=draft").status_code == 401


def test_a_liaison_completes_and_submits_a_consented_draft(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    person = start(client)
    turn = say(client, person, CONSENTED)
    intake_id = turn["intake"]["id"]
    headers = auth(liaison.token)
    early = client.post(f"/api/intakes/{intake_id}/submit", headers=headers)
    assert early.status_code == 409 and "missing" in early.json()["detail"]

    bad = client.patch(
        f"/api/intakes/{intake_id}", json={"fields": {"students_count": "lots"}}, headers=headers
    )
    assert bad.status_code == 422 and "students_count" in bad.json()["detail"]
    unknown = client.patch(
        f"/api/intakes/{intake_id}", json={"fields": {"shoe_size": 9}}, headers=headers
    )
    assert unknown.status_code == 422

    r = client.patch(
        f"/api/intakes/{intake_id}",
        json={"fields": {"industry": "Technology", "role_title": "Junior technician"}},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    detail = {f["name"]: f for f in r.json()["fields"]}
    assert detail["industry"]["value"] == "technology"
    assert detail["industry"]["source"]["by"] == "liaison"
    assert detail["industry"]["source"]["liaison"] == "Lee Liaison"
    assert detail["organization_name"]["source"]["by"] == "person"
    assert r.json()["can_submit"] is True

    done = client.post(f"/api/intakes/{intake_id}/submit", headers=headers)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "submitted" and done.json()["submitted_by"] == "Lee Liaison"
    again = client.post(f"/api/intakes/{intake_id}/submit", headers=headers)
    assert again.status_code == 409
    stored = rows(runtime, person)
    assert stored[0].submitted_by == liaison.id and stored[0].routed_to
    told = [m["text"] for m in messages(client, person) if m["role"] == "assistant"][-1]
    assert intake_id[:8].upper() in told
    # The person's own conversation left the form with it.
    assert say(client, person, "thanks")["mode"] == "qa"


def test_a_draft_without_consent_cannot_be_submitted_for_the_person(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    person = start(client)
    intake_id = say(client, person, OPENER["en"])["intake"]["id"]
    r = client.post(f"/api/intakes/{intake_id}/submit", headers=auth(liaison.token))
    assert r.status_code == 409 and "consent" in r.json()["detail"]
    assert [x.status for x in rows(runtime, person)] == ["collecting"]


def test_a_telegram_person_is_told_when_a_liaison_submits_their_draft(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    from assistant.conversations import create_conversation
    from tests.handoff_support import in_app_loop

    pushed: list[tuple[str, dict[str, Any]]] = []

    async def sender(conversation_id: str, event: dict[str, Any]) -> None:
        pushed.append((conversation_id, event))

    runtime.outbound.register("telegram", sender)
    conv, _ = create_conversation(runtime.db, channel="telegram", channel_user_id="4242")
    turn = in_app_loop(client, lambda: runtime.assistant.handle(conv.id, CONSENTED))
    intake_id = str((turn.intake or {})["id"])
    headers = auth(liaison.token)
    fields = {"industry": "Technology", "role_title": "Junior technician"}
    assert client.patch(
        f"/api/intakes/{intake_id}", json={"fields": fields}, headers=headers
    ).is_success
    assert client.post(f"/api/intakes/{intake_id}/submit", headers=headers).is_success
    assert [cid for cid, _ in pushed] == [conv.id]
    assert intake_id[:8].upper() in pushed[0][1]["data"]["text"]


@pytest.mark.parametrize(
    ("lang", "detail", "stop"),
    [
        ("en", "Description: we build farm robots", "cancel"),
        ("fr", "Description : nous fabriquons des robots agricoles", "annuler"),
    ],
)
def test_what_the_person_tells_the_liaison_goes_into_the_form_and_withdrawing_resumes_it(
    client: TestClient, runtime: Runtime, lang: str, detail: str, stop: str
) -> None:
    person = start(client, locale=lang)
    say(client, person, OPENER[lang])
    asking = say(client, person, ORG[lang])["intake"]["asking"]
    ask_for_human(client, person, HUMAN[lang])
    ack = say(client, person, detail)
    assert ack["mode"] == "handoff"
    assert "robot" in rows(runtime, person)[0].fields["role_description"].lower()
    back = say(client, person, stop)  # nobody has taken the ticket yet: back to the form
    assert back["mode"] == "intake" and back["intake"]["asking"] == asking
    assert "robot" in back["intake"]["fields"]["role_description"].lower()


def test_a_yes_to_a_summary_a_liaison_has_changed_since_shows_the_new_one_first(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    person = start(client)
    body = say(client, person, CONSENTED)
    for answer in ("Technology", "Junior technician"):
        body = say(client, person, answer)
    assert body["intake"]["status"] == "confirming"
    intake_id = body["intake"]["id"]
    changed = {"fields": {"role_title": "Robotics technician"}}
    assert client.patch(
        f"/api/intakes/{intake_id}", json=changed, headers=auth(liaison.token)
    ).is_success
    again = say(client, person, "yes")
    assert again["intake"]["status"] == "confirming" and again["intake"]["review"] is True
    assert again["intake"]["fields"]["role_title"] == "Robotics technician"
    done = say(client, person, "yes")
    assert done["intake"]["status"] == "submitted"
    assert rows(runtime, person)[0].fields["role_title"] == "Robotics technician"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_asking_for_a_person_mid_form_offers_a_way_back_to_the_form(
    client: TestClient, runtime: Runtime, lang: str
) -> None:
    person = start(client, locale=lang)
    say(client, person, OPENER[lang])
    asking = say(client, person, ORG[lang])["intake"]["asking"]
    turn = ask_for_human(client, person, HUMAN[lang])
    chip = turn["reply"]["suggestions"][-1]
    assert chip in ("Continue my request", "Reprendre ma demande")
    back = say(client, person, chip)  # nobody has joined yet: the request is withdrawn
    assert back["mode"] == "intake" and back["intake"]["asking"] == asking
    assert back["handoff"]["status"] == "resolved"
