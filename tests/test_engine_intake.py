"""Intake turns over HTTP: a localised summary on the card, and a question in the opener answered first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.test_engine_api import say, start
from tests.test_engine_flow import EMPLOYER_ANSWERS

if TYPE_CHECKING:
    from tests.engine_fixtures import AppFactory

CONTRACT = {"id", "kind", "status", "fields", "missing", "asking"}


def test_confirming_card_lists_every_answer_with_readable_labels(make_client: AppFactory) -> None:
    with make_client() as (client, _):
        cid, token = start(client)
        body = say(client, cid, token, "We'd like to host a co-op student next summer")
        for _ in range(30):
            if body["intake"]["status"] == "confirming":
                break
            body = say(client, cid, token, EMPLOYER_ANSWERS[body["intake"]["asking"]])
    intake = body["intake"]
    assert intake["status"] == "confirming"
    assert set(intake) >= CONTRACT
    rows = {row["field"]: row for row in intake["summary"]}
    assert set(rows) == set(intake["fields"])
    assert rows["organization_name"]["value"] == "Prairie Robotics"
    assert rows["hourly_wage"]["value"] == "$22.00"
    assert rows["wil_type"] == {"field": "wil_type", "label": "Type of WIL", "value": "Co-op"}
    assert rows["start_term"]["value"] == "Summer 2027"
    assert rows["consent_to_share"]["value"] == "Yes"
    assert all(row["label"] and row["label"] != row["field"] for row in rows.values())


def test_french_card_labels_and_values_are_in_french(make_client: AppFactory) -> None:
    with make_client() as (client, _):
        cid, token = start(client, locale="fr")
        body = say(client, cid, token, "Nous voulons accueillir un stagiaire cet été")
        body = say(client, cid, token, "Robotique Prairie")
    rows = {row["field"]: row for row in body["intake"]["summary"]}
    assert rows["organization_name"]["value"] == "Robotique Prairie"
    assert rows["organization_name"]["label"] != "Organization name"
    assert body["intake"]["asking"] and body["mode"] == "intake"


def test_a_question_in_the_opener_is_answered_with_citations_before_the_first_field(
    make_client: AppFactory,
) -> None:
    with make_client() as (client, _):
        cid, token = start(client)
        body = say(
            client, cid, token, "We'd like to host a co-op student — do we have to pay them?"
        )
    reply = body["reply"]
    assert body["mode"] == "intake" and body["intake"]["kind"] == "employer"
    assert body["intake"]["asking"]
    assert reply["citations"], "the answer to the question must cite its passage"
    answer, _, rest = reply["text"].partition("\n\n")
    assert "[1]" in answer
    assert rest, "the intake's first question follows the answer"
    assert "paid" not in body["intake"]["fields"]  # the question is not taken as an answer


def test_an_employer_who_just_states_the_offer_starts_an_intake_with_it(
    make_client: AppFactory,
) -> None:
    """The issue's own example has no "we'd like": it was answered as a question about UCalgary."""
    with make_client() as (client, _):
        cid, token = start(client)
        body = say(
            client,
            cid,
            token,
            "I'm Dana from Prairie Robotics, 25 people in Calgary, 2 engineering co-op students "
            "next summer, dana@prairierobotics.ca",
        )
        fields = body["intake"]["fields"]
        assert body["mode"] == "intake" and body["intake"]["kind"] == "employer"
        assert fields["contact_name"] == "Dana"
        assert fields["organization_name"] == "Prairie Robotics"
        assert fields["contact_email"] == "dana@prairierobotics.ca"
        assert fields["students_count"] == 2 and fields["wil_type"] == "co_op"
        asked = body["intake"]["asking"]
        assert asked not in {"contact_name", "organization_name", "contact_email", "students_count"}

        french = say(
            client,
            *start(client, locale="fr"),
            "ici Marc de Toitures Caron, 2 stagiaires l'été prochain",
        )
        assert french["mode"] == "intake" and french["intake"]["fields"]["students_count"] == 2


def test_talking_about_students_already_hosted_is_not_an_intake(make_client: AppFactory) -> None:
    with make_client() as (client, _):
        cid, token = start(client)
        body = say(client, cid, token, "I'm Lee, we already have 2 co-op students next summer")
    assert body["mode"] != "intake"
