"""Questions mid-intake are answered, not recorded; answers typed with a "?" still count."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.intake import IntakeStep, continue_intake, extract_fields, start_intake
from assistant.intake.questions import is_answer_like

TODAY = date(2026, 11, 23)


def employer(text: str, asking: str | None = None, locale: str = "en") -> dict[str, object]:
    return extract_fields("employer", text, asking=asking, today=TODAY, locale=locale).values


def student(text: str, asking: str | None = None, locale: str = "en") -> dict[str, object]:
    return extract_fields("student", text, asking=asking, today=TODAY, locale=locale).values


def student_at(field: str, locale: str = "en") -> IntakeStep:
    """Return a student intake that has just asked `field`."""
    answers = ["Rosa Diaz", "rosa@example.ca", "SAIT", "Accounting", "2", "part time", "citizen"]
    step = start_intake("student", "I want a co-op", locale=locale, today=TODAY)
    for answer in answers:
        if step.state.asking == field:
            return step
        step = continue_intake(step.state, answer, locale=locale, today=TODAY)
    assert step.state.asking == field
    return step


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("must I be enrolled part-time to apply?", "en"),
        ("can full-time students take a co-op", "en"),
        ("est-ce qu'on peut faire un coop à temps partiel?", "fr"),
        ("faut-il être inscrit à temps plein", "fr"),
    ],
)
def test_a_question_naming_a_value_is_answered_not_recorded(text: str, locale: str) -> None:
    before = student_at("enrollment_status", locale)
    step = continue_intake(before.state, text, locale=locale, today=TODAY)
    assert step.outcome == "question"
    assert step.state.asking == "enrollment_status"
    assert "enrollment_status" not in step.state.fields


@pytest.mark.parametrize(
    ("text", "locale", "value"),
    [("part time?", "en", "part_time"), ("plein temps?", "fr", "full_time")],
)
def test_a_bare_value_with_a_question_mark_is_an_answer(text: str, locale: str, value: str) -> None:
    before = student_at("enrollment_status", locale)
    step = continue_intake(before.state, text, locale=locale, today=TODAY)
    assert step.outcome == "asking"
    assert step.state.fields["enrollment_status"] == value


@pytest.mark.parametrize(
    ("text", "locale", "count"),
    [("would 4 be ok?", "en", 4), ("is five enough?", "en", 5), ("trois, ça va?", "fr", 3)],
)
def test_checking_that_a_value_is_acceptable_is_an_answer(
    text: str, locale: str, count: int
) -> None:
    assert employer(text, asking="students_count", locale=locale)["students_count"] == count


def test_the_answer_before_a_question_is_kept_and_the_next_field_resumed() -> None:
    before = student_at("institution")
    step = continue_intake(
        before.state, "Bow Valley. Do I have to be in second year?", locale="en", today=TODAY
    )
    assert step.outcome == "question"
    assert step.state.fields["institution"] == "bow_valley"
    assert "year_of_study" not in step.state.fields
    assert step.state.asking == "program"


@pytest.mark.parametrize(
    "text", ["is being a refugee an issue?", "do we need to pay them?", "c'est quoi un coop?"]
)
def test_real_questions_are_not_answer_like(text: str) -> None:
    assert not is_answer_like(text)


def test_a_question_about_pay_does_not_say_the_placement_is_paid() -> None:
    assert employer("le stage doit-il être payé?", asking="paid", locale="fr") == {}
    assert employer("does it have to be a paid internship?", asking="paid") == {}


def test_a_correction_phrased_as_can_we_is_still_a_correction() -> None:
    assert employer("can we make it 4 students instead", asking="paid")["students_count"] == 4


def test_an_opener_keeps_its_statements_and_drops_its_question() -> None:
    found = employer("We want two interns next summer. Do they need to be full-time students?")
    assert found["students_count"] == 2
    assert found["start_term"] == "2027-summer"
    assert student("I'm in 3rd year, do I need to be full time?")["year_of_study"] == 3
    assert "enrollment_status" not in student("I'm in 3rd year, do I need to be full time?")


def test_an_unclear_detail_from_the_opener_waits_for_its_turn() -> None:
    step = start_intake(
        "student",
        "hi I'm Lea Wong, in my final year of kinesiology at Ambrose, looking for a practicum",
        locale="en",
        today=TODAY,
    )
    assert step.state.asking == "email"
    step = continue_intake(step.state, "lea.wong@example.ca", locale="en", today=TODAY)
    assert step.state.asking == "year_of_study"
    assert "two-year diploma" in step.reply
    step = continue_intake(step.state, "3", locale="en", today=TODAY)
    assert step.state.fields["year_of_study"] == 3
