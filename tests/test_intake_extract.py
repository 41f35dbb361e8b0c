"""Field extraction: terms, sizes, numbers in words, context-aware answers."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.intake import extract_fields, parse_term

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("next summer", TODAY, "2027-summer"),
        ("cet automne", date(2026, 9, 1), "2026-fall"),
        ("in January", TODAY, "2027-01"),
        ("l'hiver prochain", TODAY, "2027-winter"),
        ("Fall 2027", TODAY, "2027-fall"),
        ("2027-05", TODAY, "2027-05"),
    ],
)
def test_terms_resolve_against_the_given_date(text: str, today: date, expected: str) -> None:
    assert parse_term(text, today) == expected


def employer(text: str, asking: str | None = None, locale: str = "en") -> dict[str, object]:
    return extract_fields("employer", text, asking=asking, today=TODAY, locale=locale).values


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("6 employés", "1-9"),
        ("500 staff", "500+"),
        ("twenty-five", "10-49"),
        ("plus de 500", "500+"),
    ],
)
def test_sizes_from_head_counts(text: str, size: str) -> None:
    assert employer(text, "organization_size")["organization_size"] == size


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("three", 3),
        ("trois", 3),
        ("vingt-cinq", 25),
        ("a couple", 2),
        ("3", 3),
    ],
)
def test_number_words_answer_the_count(text: str, count: int) -> None:
    assert employer(text, "students_count")["students_count"] == count


def test_bare_number_answers_only_the_asked_field() -> None:
    assert employer("3", "students_count") == {"students_count": 3}
    assert employer("25", "organization_size") == {"organization_size": "10-49"}


def test_yes_answers_the_boolean_being_asked() -> None:
    assert employer("yes", "paid") == {"paid": True}
    assert employer("oui", "consent_to_share", "fr") == {"consent_to_share": True}


def test_name_answer_is_taken_as_is_and_capitalised() -> None:
    assert employer("dana smith", "contact_name") == {"contact_name": "Dana Smith"}


def test_free_text_answer_does_not_trip_other_vocabularies() -> None:
    assert employer("Software engineering intern", "role_title") == {
        "role_title": "Software engineering intern"
    }


def test_wil_type_words() -> None:
    assert employer("stage", "wil_type", "fr")["wil_type"] == "internship"
    assert employer("stage coop", "wil_type", "fr")["wil_type"] == "co_op"
    assert employer("alternance travail-études", "wil_type", "fr")["wil_type"] == "co_op"


def test_institution_nicknames_for_students() -> None:
    for text, inst in (
        ("U of C", "ucalgary"),
        ("Mount Royal", "mru"),
        ("BVC", "bow_valley"),
        ("StMU", "st_marys"),
        ("ACAD", "auarts"),
        ("NAIT", "other"),
    ):
        found = extract_fields("student", text, asking="institution", today=TODAY, locale="en")
        assert found.values["institution"] == inst


def test_year_of_study_in_words() -> None:
    for text in ("third year", "troisième année", "3rd", "3"):
        found = extract_fields("student", text, asking="year_of_study", today=TODAY, locale="en")
        assert found.values["year_of_study"] == 3


def test_unparseable_answer_reports_an_error_for_the_asked_field() -> None:
    found = extract_fields("employer", "lots", asking="students_count", today=TODAY, locale="en")
    assert found.values == {}
    assert "students_count" in found.errors
