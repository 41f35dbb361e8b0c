"""Off-topic answers, spoken name cues, rough head counts and everyday forms (fresh4 fixes)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from assistant.intake import continue_intake, extract_fields, start_intake

TODAY = date(2026, 11, 23)


def found(kind: str, text: str, asking: str | None = None, locale: str = "en") -> dict[str, Any]:
    return extract_fields(kind, text, asking=asking, today=TODAY, locale=locale).values


@pytest.mark.parametrize("text", ["Healthcare", "Calgary", "hybride", "born in canada lol"])
def test_a_name_question_rejects_other_fields_words(text: str) -> None:
    assert "contact_name" not in found("employer", text, "contact_name")
    assert "full_name" not in found("student", text, "full_name")


def test_real_names_still_pass_when_asked() -> None:
    assert found("student", "Ravi Singh", "full_name")["full_name"] == "Ravi Singh"
    assert found("employer", "marie de la cruz", "contact_name")["contact_name"]


def test_a_sector_given_for_the_name_fills_the_industry() -> None:
    assert found("employer", "Agriculture", "contact_name").get("industry") == "agriculture"


def test_residency_slang_is_not_a_name() -> None:
    values = found("student", "born here haha", "residency_status")
    assert values.get("residency_status") == "citizen" and "full_name" not in values


def test_a_job_title_is_no_industry_but_a_role() -> None:
    values = extract_fields(
        "employer", "Aide-plombier", asking="industry", today=TODAY, locale="fr"
    )
    assert "industry" not in values.values and "industry" in values.errors
    assert values.values.get("role_title") == "Aide-plombier"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("allo c Julie Bouchard de Mecanique Nord a Airdrie", "Julie Bouchard"),
        ("salut moi c Paul Girard, 3e annee a SAIT", "Paul Girard"),
        ("hey there, Omar Haddad from Foothills Robotics, we are a small team", "Omar Haddad"),
        ("Bonjour, Chantal Roy de Fromagerie Roy. On cherche un stagiaire", "Chantal Roy"),
    ],
)
def test_spoken_name_cues(text: str, name: str) -> None:
    assert found("employer", text, locale="fr")["contact_name"] == name


def test_nicknames_of_institutions_are_not_names() -> None:
    assert found("student", "U of C", "institution")["institution"] == "ucalgary"


@pytest.mark.parametrize(
    ("text", "asking", "band"),
    [
        ("we're 8 guys in the shop", None, "1-9"),
        ("on est genre 25", None, "10-49"),
        ("like 70ish", "organization_size", "50-99"),
        ("120ish people", None, "100-499"),
        ("une trentaine", "organization_size", "10-49"),
    ],
)
def test_rough_head_counts(text: str, asking: str | None, band: str) -> None:
    assert found("employer", text, asking)["organization_size"] == band


def test_one_apprentice_is_one_student() -> None:
    assert found("employer", "we need a plumbing apprentice in march")["students_count"] == 1


def test_everyday_forms() -> None:
    assert found("student", "nan", "consent_to_share", "fr")["consent_to_share"] is False
    assert found("student", "mi-temps", "enrollment_status", "fr")["enrollment_status"] == (
        "part_time"
    )
    assert found("employer", "18$ de lheure", "hourly_wage", "fr")["hourly_wage"] == 18.0
    assert found("employer", "l'apprentissage", "wil_type", "fr")["wil_type"] == "apprenticeship"
    assert found("employer", "apprentissage intégré au travail", locale="fr").get("wil_type") != (
        "apprenticeship"
    )


def test_spelled_out_emails_when_asked() -> None:
    values = found("student", "sam point lee arobase mru point ca", "email", "fr")
    assert values == {"email": "sam.lee@mru.ca"}
    assert found("employer", "jo dot wu at acme dot com", "contact_email")["contact_email"] == (
        "jo.wu@acme.com"
    )


def test_an_explicit_month_beats_the_new_year() -> None:
    assert found("employer", "after new year's, say march", "start_term")["start_term"] == (
        "2027-03"
    )


def test_a_capitalised_connector_stays_in_the_organization_name() -> None:
    step = start_intake("employer", "on voudrait un stagiaire", locale="fr", today=TODAY)
    assert step.state.asking == "organization_name"
    step = continue_intake(step.state, "Garage Chez Bob", locale="fr", today=TODAY)
    assert step.state.fields["organization_name"] == "Garage Chez Bob"


@pytest.mark.parametrize(
    ("text", "asking", "locale", "field", "value"),
    [
        ("hybride", "role_title", "fr", "work_arrangement", "hybrid"),
        ("en télétravail", "role_title", "fr", "work_arrangement", "remote"),
        ("remote", "role_title", "en", "work_arrangement", "remote"),
        ("co-op", "organization_name", "en", "wil_type", "co_op"),
    ],
)
def test_another_fields_answer_is_not_taken_as_free_text(
    text: str, asking: str, locale: str, field: str, value: str
) -> None:
    """Asked for the role, "hybride" was stored as the job title "Hybride"."""
    got = extract_fields("employer", text, asking=asking, today=TODAY, locale=locale)
    assert got.values == {field: value}
    assert asking in got.errors  # so the question is asked again


@pytest.mark.parametrize(
    ("text", "asking"),
    [
        ("Junior developer", "role_title"),
        ("Intern", "role_title"),
        ("Hybrid Solutions Inc", "organization_name"),
        ("The Remote Company", "organization_name"),
    ],
)
def test_free_text_that_merely_contains_such_words_is_kept(text: str, asking: str) -> None:
    assert found("employer", text, asking)[asking] == text
