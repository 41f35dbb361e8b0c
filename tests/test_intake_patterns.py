"""General phrasing patterns: introductions, approximate counts, years, wages, places, statuses."""

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
    ("text", "name"),
    [
        ("Aisha Bello here, from Larkspur Catering", "Aisha Bello"),
        ("morning! it's Tran Vo here, we run a bakery", "Tran Vo"),
        ("this is devon from harbour print, we'd like an intern", "Devon"),
        ("bonjour, ici Hélène Côté de Fromagerie Côté", "Hélène Côté"),
        ("salut c'est Yannick Dubé, on cherche un stagiaire", "Yannick Dubé"),
        ("my name's omar haddad and we need 2 co-op students", "Omar Haddad"),
        ("je m'appelle léa fortin, on voudrait accueillir un stagiaire", "Léa Fortin"),
    ],
)
def test_self_introductions_give_the_contact_name(text: str, name: str) -> None:
    assert employer(text)["contact_name"] == name


@pytest.mark.parametrize(
    "text",
    [
        "No, it's unpaid",
        "c'est quoi un stage coop?",
        "I'm looking for two interns",
        "je suis en 3e année",
        "sure, it's Omar.Haddad@larkspur.ca",
        "this is a paid position",
    ],
)
def test_common_phrases_are_not_read_as_names(text: str) -> None:
    values = employer(text)
    assert "contact_name" not in values
    assert "full_name" not in student(text)


def test_organization_right_after_the_name_is_kept_even_in_lower_case() -> None:
    values = employer("hey this is devon from harbour print in canmore, we want one intern")
    assert values["organization_name"] == "Harbour Print"
    assert values["location"] == "Canmore"


def test_a_lower_case_student_name_after_im_needs_a_clear_end() -> None:
    assert student("hi im lee wong, 2nd year nursing at SAIT")["full_name"] == "Lee Wong"
    assert "full_name" not in student("im currently in business at SAIT")


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("on est une vingtaine", "10-49"),
        ("une trentaine d'employés", "10-49"),
        ("about 60 of us", "50-99"),
        ("we're a team of 4", "1-9"),
        ("une centaine de personnes", "100-499"),
    ],
)
def test_approximate_head_counts_fall_in_a_size_band(text: str, size: str) -> None:
    assert employer(text, asking="organization_size", locale="fr")["organization_size"] == size


@pytest.mark.parametrize(
    ("text", "count"),
    [("une couple", 2), ("a dozen", 12), ("just one", 1), ("un apprenti soudeur", 1)],
)
def test_student_counts_in_words(text: str, count: int) -> None:
    assert employer(text, asking="students_count")["students_count"] == count


def test_an_internship_alone_does_not_say_how_many_students() -> None:
    assert "students_count" not in employer("It's a paid internship in Banff")


@pytest.mark.parametrize(
    ("text", "wage"),
    [("25/hr", 25.0), ("19 an hour", 19.0), ("21,75 $/h", 21.75), ("20 de l'heure", 20.0)],
)
def test_hourly_wages_with_or_without_a_dollar_sign(text: str, wage: float) -> None:
    values = employer(f"yes, {text}", asking="paid")
    assert values["hourly_wage"] == wage
    assert values["paid"] is True


@pytest.mark.parametrize(
    ("text", "arrangement"),
    [
        ("remote, but in the office on mondays", "hybrid"),
        ("3 jours au bureau, le reste en télétravail", "hybrid"),
        ("two days on site", "hybrid"),
        ("fully remote", "remote"),
        ("sur place", "on_site"),
    ],
)
def test_mixed_office_and_home_is_hybrid(text: str, arrangement: str) -> None:
    values = employer(text, asking="work_arrangement", locale="fr")
    assert values["work_arrangement"] == arrangement


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("l'U de C ou le SAIT", ["ucalgary", "sait"]),
        ("Mont-Royal", ["mru"]),
        ("Mt Royal or Bow Valley", ["mru", "bow_valley"]),
        ("honestly it doesn't matter", []),
        ("ça nous est égal", []),
    ],
)
def test_institution_nicknames_and_no_preference(text: str, expected: list[str]) -> None:
    values = employer(text, asking="institutions_preferred", locale="fr")
    assert values["institutions_preferred"] == expected


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("I have a study permit", "international_student"),
        ("PR since 2022", "permanent_resident"),
        ("je suis réfugié", "protected_person"),
        ("j'ai un permis de travail", "other"),
    ],
)
def test_residency_phrasings(text: str, status: str) -> None:
    assert student(text, asking="residency_status")["residency_status"] == status


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("4th and final year", 4),
        ("dernière année de mon bac de 4 ans", 4),
        ("final year of a 2-year diploma", 2),
        ("first year of a 3 year program", 1),
    ],
)
def test_final_year_counts_only_with_the_program_length(text: str, year: int) -> None:
    assert student(text, asking="year_of_study")["year_of_study"] == year


def test_a_program_length_is_not_the_year_of_study() -> None:
    assert "year_of_study" not in student("I'm in a 2-year program at Bow Valley")


def test_final_year_without_a_length_is_asked_as_a_number() -> None:
    step = start_intake("student", "I'm looking for a co-op", locale="en", today=TODAY)
    for answer in ("Ravi Singh", "ravi@example.ca", "SAIT", "Business"):
        step = continue_intake(step.state, answer, locale="en", today=TODAY)
    assert step.state.asking == "year_of_study"
    step = continue_intake(step.state, "my final year", locale="en", today=TODAY)
    assert step.state.asking == "year_of_study"
    assert "two-year diploma" in step.reply
    step = continue_intake(step.state, "2", locale="en", today=TODAY)
    assert step.state.fields["year_of_study"] == 2
    assert step.state.asking != "year_of_study"


def test_final_year_is_asked_in_french_too() -> None:
    step = start_intake(
        "student", "je cherche un stage, je suis finissante au SAIT", locale="fr", today=TODAY
    )
    for answer in ("Ines Dufour", "ines@example.ca", "Comptabilité"):
        step = continue_intake(step.state, answer, locale="fr", today=TODAY)
    assert step.state.asking == "year_of_study"
    assert "dernière année correspond" in step.reply


@pytest.mark.parametrize("text", ["idk whatever", "peu importe", "anything works"])
def test_an_open_answer_about_the_placement_kind_is_not_sure(text: str) -> None:
    assert employer(text, asking="wil_type")["wil_type"] == "not_sure"


@pytest.mark.parametrize(
    ("text", "industry"),
    [("we do renovations", "construction"), ("on fait de la toiture", "construction")],
)
def test_trade_work_maps_to_construction(text: str, industry: str) -> None:
    assert employer(text, asking="industry")["industry"] == industry


@pytest.mark.parametrize(
    ("text", "name", "org"),
    [
        (
            "Hi, Jo Bell on the line, from the Coop Alimentaire Sud",
            "Jo Bell",
            "Coop Alimentaire Sud",
        ),
        ("Bonsoir, Luc Poirier au bout du fil, du Groupe Alpin", "Luc Poirier", "Groupe Alpin"),
        ("Nadine Roy au téléphone, de la Ferme Roy", "Nadine Roy", "Ferme Roy"),
    ],
)
def test_a_caller_on_the_line_gives_name_and_organization(text: str, name: str, org: str) -> None:
    found = employer(text)
    assert (found["contact_name"], found["organization_name"]) == (name, org)


@pytest.mark.parametrize(
    ("text", "size"),
    [("We're around 30 and based in Olds", "10-49"), ("on est à peu près 7", "1-9")],
)
def test_an_estimated_headcount_still_gives_a_size(text: str, size: str) -> None:
    assert employer(text)["organization_size"] == size


@pytest.mark.parametrize(
    ("text", "term"),
    [("we could start by early may", "2027-05"), ("sometime in may", "2027-05")],
)
def test_may_after_a_time_word_is_the_month(text: str, term: str) -> None:
    assert employer(text)["start_term"] == term


@pytest.mark.parametrize("text", ["we may take two students", "that may be too early for us"])
def test_the_verb_may_is_not_a_month(text: str) -> None:
    assert "start_term" not in employer(text)


def test_french_permanent_residence_is_permanent_resident() -> None:
    found = student("j'ai la résidence permanente depuis 2023", asking="residency_status")
    assert found["residency_status"] == "permanent_resident"


def test_a_startup_is_a_kind_of_company_not_a_placement() -> None:
    assert employer("a fintech startup", asking="industry") == {"industry": "finance"}


def test_a_word_of_an_organization_name_is_not_a_program_sought() -> None:
    found = employer("Noor Ali ici, de la Clinique Santé Est, on veut un stagiaire en kinésiologie")
    assert found["organization_name"] == "Clinique Santé Est"
    assert found["programs_sought"] == ["health"]


@pytest.mark.parametrize("text", ["une seule", "un seul"])
def test_a_single_one_in_french_is_one(text: str) -> None:
    assert employer(text, asking="students_count", locale="fr")["students_count"] == 1


@pytest.mark.parametrize(
    "text",
    [
        "nous voulons deux stagiaires coop en génie",
        "un stagiaire co-op cet été",
        "a co op student for the summer",
    ],
)
def test_coop_students_are_co_op_not_internships(text: str) -> None:
    from assistant.intake import extract_fields

    values = extract_fields(
        "employer", text, asking=None, today=date(2026, 11, 23), locale="fr"
    ).values
    assert values.get("wil_type") == "co_op"
