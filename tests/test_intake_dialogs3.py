"""What blind dialogs set 3 found, as a person sees it: names that are also words, a form that does
not stall on one question, and changes said at the summary in free words (new wording, not the set's).
"""

from __future__ import annotations

from datetime import date

import pytest

from assistant.intake import continue_intake, start_intake
from assistant.intake.flow import IntakeStep

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("kind", "lang", "text", "field", "name"),
    [
        ("employer", "en", "hey, june whitford here, we'd like a co-op student", "contact_name",
         "June Whitford"),
        ("employer", "fr", "allo, sylvie printemps ici, on voudrait une stagiaire", "contact_name",
         "Sylvie Printemps"),
        ("student", "en", "hi im august fontaine, 1st year at sait, looking for a co-op",
         "full_name", "August Fontaine"),
        ("student", "en", "hey i'm mount o'hara-reid, 2nd year nursing, need a practicum",
         "full_name", "Mount O'Hara-Reid"),
        ("student", "fr", "salut! chu zoé calgary-tran, en 2e année au sait", "full_name",
         "Zoé Calgary-Tran"),
        ("employer", "fr", "salut, marc-andré lefebvre de arpentage nordet, on cherche un stagiaire",
         "contact_name", "Marc-André Lefebvre"),
    ],
)  # fmt: skip
def test_a_full_name_is_kept_even_when_one_word_is_a_month_place_or_school(
    kind: str, lang: str, text: str, field: str, name: str
) -> None:
    step = start_intake(kind, text, locale=lang, today=TODAY)  # type: ignore[arg-type]
    assert step.state.fields.get(field) == name


@pytest.mark.parametrize(
    "text",
    [
        "hi, i'm free next summer, looking for a co-op",
        "hey im sait nursing, looking for a placement",
        "bonjour, petite question de la part d'un étudiant, je cherche un stage",
    ],
)
def test_words_that_are_no_name_stay_out_of_the_name(text: str) -> None:
    step = start_intake("student", text, locale="en", today=TODAY)
    assert step.state.fields.get("full_name") is None


def test_a_month_in_a_name_is_no_start_term() -> None:
    step = start_intake(
        "employer", "hi, april moreau here, we want a co-op student next fall", locale="en",
        today=TODAY,
    )  # fmt: skip
    assert step.state.fields["contact_name"] == "April Moreau"
    assert step.state.fields["start_term"] == "2027-fall"


def test_an_organization_after_a_role_cue_keeps_its_words_out_of_the_offer() -> None:
    step = start_intake(
        "employer",
        "hi, i coordinate volunteers at hybrid arts collective. we'd take a student next summer",
        locale="en",
        today=TODAY,
    )
    assert step.state.fields["organization_name"] == "Hybrid Arts Collective"
    assert "work_arrangement" not in step.state.fields  # "hybrid" is the name, not the role


def test_the_form_moves_on_when_one_question_gets_no_answer_twice() -> None:
    step = start_intake("student", "hi, i want a co-op placement", locale="en", today=TODAY)
    assert step.state.asking == "full_name"
    asked = []
    for text in ("i'm a full time student", "i'm a permanent resident", "3rd year"):
        step = continue_intake(step.state, text, locale="en", today=TODAY)
        asked.append(step.state.asking)
    assert step.state.fields.get("enrollment_status") == "full_time"
    assert asked[-1] != "full_name"  # asked twice without an answer: the others go first


def _at_summary(kind: str, opener: str, answers: dict[str, str], lang: str = "en") -> IntakeStep:
    step = start_intake(kind, opener, locale=lang, today=TODAY)  # type: ignore[arg-type]
    for _ in range(25):
        if step.state.status == "confirming":
            return step
        asking = step.state.asking
        assert asking in answers, asking
        step = continue_intake(step.state, answers[asking], locale=lang, today=TODAY)
    raise AssertionError("the form never reached its summary")


EMPLOYER = {
    "organization_name": "Prairie Robotics",
    "contact_name": "Dana Smith",
    "contact_email": "dana@prairierobotics.ca",
    "organization_size": "25 people",
    "industry": "technology",
    "location": "Calgary",
    "wil_type": "co-op",
    "role_title": "Junior developer",
    "students_count": "2",
    "start_term": "next summer",
    "duration_months": "4 months",
    "paid": "yes",
    "hourly_wage": "$22/hr",
    "work_arrangement": "hybrid",
    "programs_sought": "computer science",
    "institutions_preferred": "ucalgary",
    "consent_to_share": "yes",
}


def test_a_season_set_against_another_at_the_summary_changes_the_start() -> None:
    step = _at_summary("employer", "hi, we'd like to host co-op students", EMPLOYER)
    step = continue_intake(
        step.state, "hmm make it fall not summer, we're swamped in july", locale="en", today=TODAY
    )
    assert step.state.fields["start_term"] == "2027-fall"
    assert step.state.status == "confirming"  # the summary is shown again before sending


def test_a_school_added_in_free_words_at_the_summary_is_added() -> None:
    opener = "hi, we'd like to host co-op students, ideally from ucalgary"
    step = _at_summary("employer", opener, EMPLOYER)
    assert step.state.fields["institutions_preferred"] == ["ucalgary"]
    step = continue_intake(
        step.state, "oh also throw mount royal in there", locale="en", today=TODAY
    )
    assert step.state.fields["institutions_preferred"] == ["ucalgary", "mru"]


def test_a_respelled_first_name_at_the_summary_keeps_the_surname() -> None:
    step = _at_summary("employer", "hi, we'd like to host co-op students", EMPLOYER)
    step = continue_intake(
        step.state, "oh my name is spelled Danah, with an h", locale="en", today=TODAY
    )
    assert step.state.fields["contact_name"] == "Danah Smith"
