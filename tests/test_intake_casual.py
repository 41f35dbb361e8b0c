"""Casual phone-style answers: slang yes, numbers in words, abbreviations, typos, relative dates."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.intake import continue_intake, extract_fields, start_intake

TODAY = date(2026, 11, 23)


def employer(text: str, asking: str | None = None, locale: str = "en") -> dict[str, object]:
    return extract_fields("employer", text, asking=asking, today=TODAY, locale=locale).values


def student(text: str, asking: str | None = None, locale: str = "en") -> dict[str, object]:
    return extract_fields("student", text, asking=asking, today=TODAY, locale=locale).values


@pytest.mark.parametrize(
    "text",
    ["i'm on a work permit", "im currently a permanent resident", "chu résident permanent"],
)
def test_pronoun_forms_are_never_taken_for_a_name(text: str) -> None:
    assert "full_name" not in student(text, asking="residency_status")


def test_a_known_name_is_only_replaced_when_asked_or_corrected() -> None:
    step = start_intake("student", "Hi, my name is Priya Nair", locale="en", today=TODAY)
    assert step.state.fields["full_name"] == "Priya Nair"
    step.state.asking = "email"
    later = continue_intake(step.state, "Sam here, priya@example.ca", locale="en", today=TODAY)
    assert later.state.fields["full_name"] == "Priya Nair"
    fixed = continue_intake(later.state, "sorry, my name is Sam Nair", locale="en", today=TODAY)
    assert fixed.state.fields["full_name"] == "Sam Nair"


@pytest.mark.parametrize(
    ("text", "locale", "wage"),
    [
        ("sure, we offer nineteen bucks an hour", "en", 19.0),
        ("yes, twenty five an hour", "en", 25.0),
        ("oui, vingt-trois piasses de l'heure", "fr", 23.0),
        ("ouais 24 piasses de l'heure", "fr", 24.0),
    ],
)
def test_wages_in_words_and_slang(text: str, locale: str, wage: float) -> None:
    found = employer(text, asking="paid", locale=locale)
    assert found["hourly_wage"] == wage
    assert found["paid"] is True


@pytest.mark.parametrize(
    ("text", "bucket"),
    [
        ("soixante-dix employés", "50-99"),
        ("quatre-vingt-dix personnes", "50-99"),
        ("soixante et onze employés", "50-99"),
    ],
)
def test_french_compound_numbers_read_whole(text: str, bucket: str) -> None:
    assert employer(text, asking="organization_size", locale="fr") == {"organization_size": bucket}


@pytest.mark.parametrize(
    ("text", "locale"),
    [("yep", "en"), ("yea sure", "en"), ("bin oui", "fr"), ("ouin, ça me va", "fr")],
)
def test_casual_yes_where_a_boolean_is_asked(text: str, locale: str) -> None:
    assert employer(text, asking="consent_to_share", locale=locale) == {"consent_to_share": True}


def test_casual_yes_is_not_a_value_for_a_text_field() -> None:
    assert "consent_to_share" not in employer("yep", asking="role_title")


def test_full_and_part_time_abbreviations() -> None:
    assert student("pt", asking="enrollment_status") == {"enrollment_status": "part_time"}
    found = student("3rd yr engineering at sait, pt, international student")
    assert found["enrollment_status"] == "part_time"
    assert student("ft student at mru")["enrollment_status"] == "full_time"
    assert "enrollment_status" not in student("my pt appointment is friday")


@pytest.mark.parametrize(
    ("text", "bucket"),
    [("a bakery with 6 ppl", "1-9"), ("there's 30 of us", "10-49"), ("on est 40", "10-49")],
)
def test_people_counts_in_short_forms(text: str, bucket: str) -> None:
    assert employer(text)["organization_size"] == bucket


def test_month_range_gives_duration_and_start() -> None:
    found = employer("we'd take a student sept-dec")
    assert found["duration_months"] == 4
    assert found["start_term"] == "2027-09"
    found = employer("de mai à août", locale="fr")
    assert found["duration_months"] == 4


@pytest.mark.parametrize(
    ("text", "industry"),
    [
        ("we run a community food bank", "nonprofit"),
        ("un organisme de bienfaisance", "nonprofit"),
        ("a little coffee shop", "hospitality"),
        ("on a un bistro", "hospitality"),
    ],
)
def test_industry_descriptions_map_to_the_vocabulary(text: str, industry: str) -> None:
    assert employer(text, asking="industry")["industry"] == industry


def test_an_unmapped_sentence_is_not_stored_as_the_industry() -> None:
    found = extract_fields(
        "employer",
        "on est une petite gang qui repare des velos pis des trottinettes",
        asking="industry",
        today=TODAY,
        locale="fr",
    )
    assert "industry" not in found.values
    assert "industry" in found.errors
    assert employer("we make furniture", asking="industry")["industry"] == "Furniture"


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("sometime after the holidays", "2027-01"),
        ("next month works", "2026-12"),
        ("in three months", "2027-02"),
        ("d'ici quatre mois", "2027-03"),
    ],
)
def test_relative_dates(text: str, term: str) -> None:
    found = employer(text, asking="start_term")
    assert found["start_term"] == term
    assert "duration_months" not in found


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Salut, on est a Calgary. Le poste c'est commis d'entrepot.", "Commis d'entrepot"),
        ("Job title: IT technician. Pay is 20/hr", "IT technician"),
        ("we're hiring a junior data analyst for the fall", "Junior data analyst"),
    ],
)
def test_role_title_inside_a_long_message(text: str, role: str) -> None:
    assert str(employer(text)["role_title"]).casefold() == role.casefold()


def test_looking_for_students_is_not_a_role() -> None:
    assert "role_title" not in employer("looking for a practicum student this spring")


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        ("wil_type", "practicm", "field_placement"),
        ("wil_type", "apprenticeshp", "apprenticeship"),
        ("location", "cochrnae", "Cochrane"),
        ("start_term", "septembr", "2027-09"),
    ],
)
def test_one_typo_in_a_closed_vocabulary(field: str, text: str, value: str) -> None:
    assert employer(text, asking=field)[field] == value


def test_short_words_and_open_fields_are_not_respelled() -> None:
    assert employer("Calgry Robotics", asking="organization_name")["organization_name"] == (
        "Calgry Robotics"
    )
    assert employer("coopx", asking="wil_type") == {}
