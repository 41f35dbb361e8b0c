"""Repair patterns over HTTP, in English and French: confirm, deny, correct, digress, repeat, cancel.

Each test is a conversation through the API and asserts what the person would notice: the form
keeps going, the summary comes back after a change, nothing wrong is stored or submitted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.store.models import Intake
from tests.test_engine_api import say, start
from tests.test_engine_flow import EMPLOYER_ANSWERS

if TYPE_CHECKING:
    from tests.engine_fixtures import AppFactory

EMPLOYER_FR = {
    "organization_name": "Robotique Prairie",
    "contact_name": "Jo Tremblay",
    "contact_email": "jo@robotique.ca",
    "organization_size": "12 employés",
    "industry": "Technologie",
    "location": "Calgary",
    "wil_type": "stage coop",
    "role_title": "Développeur junior",
    "students_count": "un",
    "start_term": "automne 2027",
    "paid": "oui, 22 $ de l'heure",
    "consent_to_share": "oui",
}
OPENER = {"en": "We'd like to host a co-op student", "fr": "Nous voulons accueillir un stagiaire"}
ANSWERS = {"en": EMPLOYER_ANSWERS | {"start_term": "fall 2027"}, "fr": EMPLOYER_FR}


def to_summary(client: TestClient, cid: str, token: str, lang: str) -> dict[str, Any]:
    """Fill the employer form until its summary is shown; return that turn."""
    body = say(client, cid, token, OPENER[lang])
    for _ in range(30):
        if body["intake"]["status"] == "confirming":
            return body
        body = say(client, cid, token, ANSWERS[lang][body["intake"]["asking"]])
    raise AssertionError("the form never reached its summary")


def stored(client: TestClient, cid: str) -> list[Intake]:
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    with runtime.db.session() as s:
        return list(s.scalars(select(Intake).where(Intake.conversation_id == cid)))


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "yes, everything is correct"),
        ("en", "looks good, submit it"),
        ("fr", "Oui, tout est exact."),
        ("fr", "C'est correct, vous pouvez l'envoyer."),
    ],
)
def test_a_confirmation_in_ordinary_words_submits(
    make_client: AppFactory, lang: str, words: str
) -> None:
    with make_client() as (client, _):
        cid, token = start(client, locale=lang)
        summary = to_summary(client, cid, token, lang)
        # The summary is shown once: the card's rows, and a one-line text.
        assert "\n" not in summary["reply"]["text"].strip()
        assert summary["intake"]["review"] is True
        assert {r["field"] for r in summary["intake"]["summary"]} >= {"organization_name"}
        done = say(client, cid, token, words)
        rows = stored(client, cid)
    assert done["intake"]["status"] == "submitted", done["reply"]["text"]
    assert done["mode"] == "qa"
    assert [r.status for r in rows] == ["submitted"]


@pytest.mark.parametrize(
    ("lang", "change", "expected"),
    [
        ("en", "can we make it summer instead of fall? my classes end in april", "2027-summer"),
        (
            "fr",
            "on pourrait mettre l'été au lieu de l'automne? mes cours finissent en avril",
            "2027-summer",
        ),
    ],
)
def test_a_free_worded_correction_shows_the_updated_summary_before_submitting(
    make_client: AppFactory, lang: str, change: str, expected: str
) -> None:
    with make_client() as (client, _):
        cid, token = start(client, locale=lang)
        to_summary(client, cid, token, lang)
        changed = say(client, cid, token, change)
        assert changed["intake"]["status"] == "confirming", changed["reply"]["text"]
        card = {r["field"]: r["value"] for r in changed["intake"]["summary"]}
        assert changed["intake"]["fields"]["start_term"] == expected
        assert card["start_term"].lower() in ("summer 2027", "été 2027")
        assert not [r for r in stored(client, cid) if r.status == "submitted"]
        done = say(client, cid, token, "yes" if lang == "en" else "oui")
        rows = stored(client, cid)
    assert done["intake"]["status"] == "submitted"
    assert rows[0].fields["start_term"] == expected


@pytest.mark.parametrize(("lang", "no"), [("en", "no"), ("fr", "non")])
def test_a_no_at_the_summary_asks_what_to_change_and_submits_nothing(
    make_client: AppFactory, lang: str, no: str
) -> None:
    with make_client() as (client, _):
        cid, token = start(client, locale=lang)
        to_summary(client, cid, token, lang)
        body = say(client, cid, token, no)
        rows = stored(client, cid)
    assert body["intake"]["status"] == "confirming" and body["mode"] == "intake"
    assert "?" in body["reply"]["text"]
    assert body["intake"]["review"] is False  # the summary is not shown a second time
    assert [r.status for r in rows] == ["confirming"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_named_field_at_the_summary_is_kept_and_shown(make_client: AppFactory, lang: str) -> None:
    words = {
        "en": "Description: help with our social media and newsletters",
        "fr": "Description : aider avec nos réseaux sociaux et l'infolettre",
    }[lang]
    with make_client() as (client, _):
        cid, token = start(client, locale=lang)
        to_summary(client, cid, token, lang)
        body = say(client, cid, token, words)
    assert body["intake"]["status"] == "confirming"
    assert (
        "social" in body["intake"]["fields"]["role_description"]
        or "sociaux" in (body["intake"]["fields"]["role_description"])
    )
    assert "role_description" in {r["field"] for r in body["intake"]["summary"]}


@pytest.mark.parametrize(
    ("lang", "question", "needle"),
    [
        ("en", "How much does the SWPP wage subsidy pay?", "$5,000"),
        ("fr", "Est-ce que les étudiants internationaux sont admissibles?", ""),
    ],
)
def test_a_question_mid_form_is_answered_then_the_same_field_is_asked_again(
    make_client: AppFactory, lang: str, question: str, needle: str
) -> None:
    with make_client() as (client, _):
        cid, token = start(client, locale=lang)
        body = say(client, cid, token, OPENER[lang])
        asking = body["intake"]["asking"]
        midway = say(client, cid, token, question)
    assert midway["mode"] == "intake" and midway["intake"]["asking"] == asking
    assert needle in midway["reply"]["text"]
    assert midway["reply"]["citations"], "the digression is answered from the guides"
    assert midway["reply"]["text"].count("\n\n") >= 1  # the answer, then the question again
    assert asking not in midway["intake"]["fields"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_sending_the_same_answer_twice_keeps_the_form_going(
    make_client: AppFactory, lang: str
) -> None:
    with make_client() as (client, _):
        cid, token = start(client, locale=lang)
        body = say(client, cid, token, OPENER[lang])
        while body["intake"]["asking"] != "contact_email":
            body = say(client, cid, token, ANSWERS[lang][body["intake"]["asking"]])
        email = ANSWERS[lang]["contact_email"]
        first = say(client, cid, token, email)
        again = say(client, cid, token, email)
        again2 = say(client, cid, token, email)
    assert first["intake"]["fields"]["contact_email"] == email
    for turn in (again, again2):
        assert turn["mode"] == "intake" and turn["handoff"] is None
        assert turn["intake"]["fields"]["contact_email"] == email


@pytest.mark.parametrize(("lang", "yes"), [("en", "yes, submit"), ("fr", "oui, envoyer")])
def test_a_yes_is_never_stored_as_a_text_value(
    make_client: AppFactory, lang: str, yes: str
) -> None:
    with make_client() as (client, _):
        cid, token = start(client, locale=lang)
        body = say(client, cid, token, OPENER[lang])
        while body["intake"]["asking"] != "role_title":
            body = say(client, cid, token, ANSWERS[lang][body["intake"]["asking"]])
        body = say(client, cid, token, yes)
    assert "role_title" not in body["intake"]["fields"]
    assert body["intake"]["asking"] == "role_title"


@pytest.mark.parametrize(
    ("lang", "answer"), [("en", "Bowline Marketing"), ("fr", "Bowline Marketing")]
)
def test_an_answer_to_another_question_fills_nothing_it_does_not_name(
    make_client: AppFactory, lang: str, answer: str
) -> None:
    with make_client() as (client, _):
        cid, token = start(client, locale=lang)
        body = say(client, cid, token, OPENER[lang])
        while body["intake"]["asking"] != "contact_email":
            body = say(client, cid, token, ANSWERS[lang][body["intake"]["asking"]])
        before = dict(body["intake"]["fields"])
        body = say(client, cid, token, answer)
    assert body["intake"]["fields"] == before  # "marketing" did not become an industry
    assert body["intake"]["asking"] == "contact_email"


@pytest.mark.parametrize(("lang", "stop"), [("en", "never mind"), ("fr", "annule ça")])
def test_cancelling_mid_form_keeps_nothing(make_client: AppFactory, lang: str, stop: str) -> None:
    with make_client() as (client, _):
        cid, token = start(client, locale=lang)
        say(client, cid, token, OPENER[lang])
        body = say(client, cid, token, ANSWERS[lang]["organization_name"])
        body = say(client, cid, token, stop)
        rows = stored(client, cid)
    assert body["mode"] == "qa" and body["intake"]["status"] == "cancelled"
    assert rows == []


def test_each_value_keeps_the_message_it_came_from(make_client: AppFactory) -> None:
    with make_client() as (client, _):
        cid, token = start(client)
        say(client, cid, token, OPENER["en"])
        body = say(client, cid, token, "Prairie Robotics")
        rows = stored(client, cid)
    source = body["intake"]["sources"]["organization_name"]
    assert source["text"] == "Prairie Robotics" and source["by"] == "person"
    assert isinstance(source["message_id"], int)
    assert rows[0].sources["organization_name"]["message_id"] == source["message_id"]


@pytest.mark.parametrize(("lang", "change"), [("en", "make it 30"), ("fr", "mettez 30")])
def test_a_value_that_fits_two_fields_is_clarified_before_it_is_stored(
    make_client: AppFactory, lang: str, change: str
) -> None:
    with make_client() as (client, _):
        cid, token = start(client, locale=lang)
        summary = to_summary(client, cid, token, lang)
        before = dict(summary["intake"]["fields"])
        asked = say(client, cid, token, change)
        # "Did you mean Students or Hourly wage ($)?": nothing changes until the person says which.
        assert asked["intake"]["fields"] == before
        assert asked["reply"]["text"].endswith("?") and len(asked["reply"]["suggestions"]) == 2
        wage = next(s for s in asked["reply"]["suggestions"] if "$" in s)
        chosen = say(client, cid, token, wage)
    assert chosen["intake"]["status"] == "confirming"
    assert chosen["intake"]["fields"]["hourly_wage"] == 30
    assert chosen["intake"]["fields"]["students_count"] == before["students_count"]
