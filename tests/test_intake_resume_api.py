"""Over HTTP, in English and French: a consent in free words is read, "continue my offer" takes a
form up where it stopped (at a form question, and once a liaison has resolved the ticket), and
asking for the other kind of form inside one keeps the one that is open."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.liaisons import NewLiaison
from tests.conftest import auth
from tests.handoff_support import Person, ask_for_human, say, start
from tests.test_engine_flow import EMPLOYER_ANSWERS
from tests.test_intake_repair_api import EMPLOYER_FR

OPENER = {"en": "We'd like to host a co-op student", "fr": "Nous voulons accueillir un stagiaire"}
ANSWERS = {"en": EMPLOYER_ANSWERS | {"start_term": "fall 2027"}, "fr": EMPLOYER_FR}
HUMAN = {"en": "I want to talk to a human", "fr": "Je veux parler à une personne"}


def until_asked(client: TestClient, person: Person, lang: str, field: str) -> dict[str, Any]:
    """Fill the employer form until `field` is asked; return that turn."""
    body = say(client, person, OPENER[lang])
    for _ in range(30):
        if body["intake"]["asking"] == field:
            return body
        body = say(client, person, ANSWERS[lang][body["intake"]["asking"]])
    raise AssertionError(f"{field} was never asked")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "go ahead and share it with the schools"),
        ("en", "you can share my details"),
        ("fr", "oui vous pouvez partager"),
        ("fr", "j'accepte"),
        ("fr", "J'autorise le partage de ces informations avec les établissements."),
    ],
)
def test_a_consent_in_free_words_reaches_the_summary(
    client: TestClient, lang: str, words: str
) -> None:
    person = start(client, locale=lang)
    until_asked(client, person, lang, "consent_to_share")
    body = say(client, person, words)
    assert body["intake"]["fields"].get("consent_to_share") is True, body["reply"]["text"]
    assert body["intake"]["status"] == "confirming"
    done = say(client, person, "yes" if lang == "en" else "oui")
    assert done["intake"]["status"] == "submitted"


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "ok good to know. it's paid, $22/hr"), ("fr", "100% à distance")]
)
def test_words_for_another_field_at_the_consent_question_are_no_consent(
    client: TestClient, lang: str, words: str
) -> None:
    person = start(client, locale=lang)
    until_asked(client, person, lang, "consent_to_share")
    body = say(client, person, words)
    assert "consent_to_share" not in body["intake"]["fields"]
    assert body["intake"]["asking"] == "consent_to_share"


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "continue my offer"), ("fr", "reprendre mon offre")]
)
def test_continue_my_offer_at_a_form_question_asks_it_again(
    client: TestClient, lang: str, words: str
) -> None:
    person = start(client, locale=lang)
    asked = until_asked(client, person, lang, "role_title")
    body = say(client, person, words)
    assert body["mode"] == "intake" and body["intake"]["asking"] == "role_title"
    assert "role_title" not in body["intake"]["fields"]  # the words are no job title
    assert body["intake"]["fields"] == asked["intake"]["fields"]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "wait i'm actually a student, i want to sign up for a co-op"),
        ("fr", "en fait je suis étudiante, je cherche un stage"),
    ],
)
def test_the_other_form_asked_for_inside_one_keeps_the_open_one(
    client: TestClient, lang: str, words: str
) -> None:
    person = start(client, locale=lang)
    asked = until_asked(client, person, lang, "role_title")
    body = say(client, person, words)
    assert body["intake"]["kind"] == "employer" and body["intake"]["asking"] == "role_title"
    assert body["intake"]["fields"] == asked["intake"]["fields"]
    assert ("cancel" if lang == "en" else "annuler") in body["reply"]["text"]


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "continue my profile"), ("fr", "reprendre mon profil")]
)
def test_continue_my_profile_at_a_student_question_asks_it_again(
    client: TestClient, lang: str, words: str
) -> None:
    person = start(client, locale=lang)
    opener = {
        "en": "hi, i'm a comp sci student at u of c looking for a co-op",
        "fr": "bonjour, je suis étudiante en informatique à l'u de c et je cherche un stage coop",
    }[lang]
    first = say(client, person, opener)
    assert first["intake"]["kind"] == "student"
    body = say(client, person, words)
    assert body["intake"]["kind"] == "student"
    assert body["intake"]["asking"] == first["intake"]["asking"]
    assert body["intake"]["fields"] == first["intake"]["fields"]


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "can we continue my offer?"), ("fr", "on peut reprendre mon offre de stage?")],
)
def test_continue_my_offer_after_a_resolved_handoff_resumes_the_draft(
    client: TestClient, liaison: NewLiaison, lang: str, words: str
) -> None:
    person = start(client, locale=lang)
    asked = until_asked(client, person, lang, "role_title")
    turn = ask_for_human(client, person, HUMAN[lang])
    r = client.post(f"/api/handoffs/{turn['handoff']['id']}/resolve", headers=auth(liaison.token))
    assert r.status_code == 200, r.text
    body = say(client, person, words)
    assert body["mode"] == "intake" and body["intake"]["asking"] == "role_title"
    assert body["intake"]["fields"] == asked["intake"]["fields"]
    on = say(client, person, ANSWERS[lang]["role_title"])
    assert "role_title" in on["intake"]["fields"]
