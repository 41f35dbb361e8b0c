"""Conversation flows: intake with a question in the middle, submission, deletion, handoff, state in the DB."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.events import LIAISON_TOPIC
from assistant.runtime import Runtime
from assistant.store.models import Conversation, Intake, Message
from tests.test_engine_api import say, start

if TYPE_CHECKING:
    from tests.engine_fixtures import AppFactory


EMPLOYER_ANSWERS = {
    "organization_name": "Prairie Robotics",
    "contact_name": "Jo Tremblay",
    "contact_email": "jo@prairierobotics.ca",
    "contact_phone": "skip",
    "organization_size": "12 people",
    "industry": "Software",
    "location": "Calgary",
    "work_arrangement": "hybrid",
    "wil_type": "co-op",
    "role_title": "Junior developer",
    "role_description": "skip",
    "students_count": "one",
    "start_term": "summer 2027",
    "duration_months": "4 months",
    "paid": "yes, $22 an hour",
    "hourly_wage": "$22",
    "programs_sought": "computer science",
    "institutions_preferred": "skip",
    "consent_to_share": "yes",
}
STUDENT_ANSWERS = {
    "full_name": "Amira Haddad",
    "email": "amira@example.com",
    "institution": "SAIT",
    "program": "software development",
    "year_of_study": "2",
    "enrollment_status": "full-time",
    "residency_status": "international student",
    "wil_type": "co-op",
    "preferred_term": "fall 2027",
    "interests": "skip",
    "consent_to_share": "yes",
}


def fill(
    client: TestClient, cid: str, token: str, body: dict[str, Any], answers: dict[str, str]
) -> dict[str, Any]:
    """Answer each question the intake asks until it asks for confirmation, then confirm."""
    for _ in range(30):
        intake = body["intake"]
        assert body["mode"] == "intake", body
        if intake["status"] == "confirming":
            return say(client, cid, token, "yes, submit it")
        body = say(client, cid, token, answers[intake["asking"]])
    raise AssertionError("intake never reached confirmation")


def test_employer_intake_with_a_question_midway_is_stored_routed_and_announced(
    make_client: AppFactory,
) -> None:
    with make_client() as (client, runtime):
        announced: list[tuple[str, dict[str, Any]]] = []

        async def listener(kind: str, payload: dict[str, Any]) -> None:
            announced.append((kind, payload))

        runtime.notifier.add_listener(listener)
        cid, token = start(client)
        body = say(client, cid, token, "We'd like to host a co-op student next summer")
        assert body["mode"] == "intake" and body["intake"]["asking"]
        asking = body["intake"]["asking"]
        midway = say(client, cid, token, "How much does the SWPP wage subsidy pay?")
        assert "$5,000" in midway["reply"]["text"] and midway["reply"]["citations"]
        assert midway["mode"] == "intake" and midway["intake"]["asking"] == asking
        done = fill(client, cid, token, midway, EMPLOYER_ANSWERS)
        with runtime.db.session() as s:
            rows = list(s.scalars(select(Intake).where(Intake.conversation_id == cid)))
            conv = s.get(Conversation, cid)
            assert conv is not None
            mode, state = conv.mode, dict(conv.state)
    assert done["mode"] == "qa" and done["intake"]["status"] == "submitted"
    assert done["intake"]["id"][:8].upper() in done["reply"]["text"]
    assert any("person" in s.lower() for s in done["reply"]["suggestions"])
    assert len(rows) == 1 and rows[0].status == "submitted" and rows[0].routed_to
    assert rows[0].fields["organization_name"] == "Prairie Robotics"
    assert rows[0].submitted_at is not None
    assert [kind for kind, _ in announced] == ["intake_submitted"]
    assert announced[0][1]["id"] == rows[0].id
    assert mode == "qa" and "intake" not in state


def test_student_submission_gets_prescreen_guidance_with_citations(make_client: AppFactory) -> None:
    with make_client() as (client, _):
        cid, token = start(client)
        body = say(client, cid, token, "I'm looking for a co-op placement")
        assert body["intake"]["kind"] == "student"
        done = fill(client, cid, token, body, STUDENT_ANSWERS)
    assert done["intake"]["status"] == "submitted"
    assert done["reply"]["citations"], "guidance must cite the knowledge it comes from"
    assert "[1]" in done["reply"]["text"]


def test_french_intake_cancel_keeps_nothing(make_client: AppFactory) -> None:
    with make_client() as (client, runtime):
        cid, token = start(client, locale="fr")
        body = say(client, cid, token, "Nous voulons accueillir un stagiaire cet été")
        assert body["mode"] == "intake" and body["reply"]["locale"] == "fr"
        say(client, cid, token, "Robotique Prairie")
        cancelled = say(client, cid, token, "annuler")
        with runtime.db.session() as s:
            rows = list(s.scalars(select(Intake).where(Intake.conversation_id == cid)))
    assert cancelled["mode"] == "qa" and cancelled["reply"]["locale"] == "fr"
    assert rows == []


def test_person_can_delete_what_they_gave(make_client: AppFactory) -> None:
    with make_client() as (client, runtime):
        cid, token = start(client)
        body = say(client, cid, token, "I'm looking for a co-op placement")
        say(client, cid, token, "Amira Haddad")
        ask = say(client, cid, token, "Please delete my data")
        assert "delete" in ask["reply"]["text"].lower() and ask["reply"]["suggestions"]
        kept = say(client, cid, token, "no")
        assert "kept" in kept["reply"]["text"].lower()
        say(client, cid, token, "delete my data")
        done = say(client, cid, token, "yes")
        with runtime.db.session() as s:
            intakes = list(s.scalars(select(Intake).where(Intake.conversation_id == cid)))
            texts = list(s.scalars(select(Message.text).where(Message.conversation_id == cid)))
    assert body["mode"] == "intake"
    assert "deleted" in done["reply"]["text"] and "1 form" in done["reply"]["text"]
    assert done["mode"] == "qa" and done["intake"] is None
    assert intakes == []
    assert not any("Amira" in t for t in texts)
    assert texts == [done["reply"]["text"]]


def test_asking_for_a_person_opens_a_ticket_and_the_bot_steps_back(make_client: AppFactory) -> None:
    with make_client() as (client, runtime):
        cid, token = start(client)
        opened = say(client, cid, token, "I'd like to talk to a real person please")
        assert opened["mode"] == "handoff"
        assert opened["handoff"]["id"] and opened["handoff"]["status"] == "waiting"
        assert opened["reply"]["text"]
        waiting = say(client, cid, token, "my email is jo@prairie.ca")
        assert waiting["mode"] == "handoff" and waiting["reply"]["text"]
        assert waiting["handoff"]["id"] == opened["handoff"]["id"]
        with runtime.db.session() as s:
            conv = s.get(Conversation, cid)
            assert conv is not None and conv.mode == "handoff"


def test_offer_after_two_declines_opens_a_ticket_on_yes(make_client: AppFactory) -> None:
    with make_client() as (client, _):
        cid, token = start(client, locale="fr")
        say(client, cid, token, "Quelle est la météo demain?")
        second = say(client, cid, token, "Quels sont les meilleurs restaurants?")
        assert "agent de liaison" in second["reply"]["text"]
        yes = say(client, cid, token, "oui")
    assert yes["mode"] == "handoff" and yes["handoff"]["status"] == "waiting"
    assert yes["reply"]["locale"] == "fr"


async def test_any_worker_serves_any_turn_and_submissions_reach_the_liaison_topic(
    runtime: Runtime, knowledge_retriever: Any
) -> None:
    """Two engines over one database continue the same intake; the submission is published."""
    import asyncio

    from assistant.conversations import create_conversation
    from assistant.engine import Assistant

    def worker() -> Assistant:
        return Assistant(
            settings=runtime.settings, db=runtime.db, bus=runtime.bus, retriever=knowledge_retriever
        )

    workers = [worker(), worker()]
    live = asyncio.Event()
    events = runtime.bus.subscribe(LIAISON_TOPIC, live)
    waiting = asyncio.ensure_future(events.__anext__())
    await asyncio.wait_for(live.wait(), timeout=15)  # subscribed before anything is published
    conv, _ = create_conversation(runtime.db, channel="api")
    turn = await workers[0].handle(conv.id, "I'm looking for a co-op placement")
    for i in range(30):
        intake = turn.intake
        if intake is None or intake["status"] == "submitted":
            break
        engine = workers[i % 2]
        if intake["status"] == "confirming":
            turn = await engine.handle(conv.id, "yes, submit it")
        else:
            turn = await engine.handle(conv.id, STUDENT_ANSWERS[intake["asking"]])
    assert turn.intake is not None and turn.intake["status"] == "submitted"
    event = await asyncio.wait_for(waiting, timeout=15)
    assert event["type"] == "intake_submitted" and event["data"]["id"] == turn.intake["id"]
    await events.aclose()  # type: ignore[attr-defined]
