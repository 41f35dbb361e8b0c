"""Phone-style intake replies a person would notice going wrong: ranges, Quebec French, signatures,
negated values, spaced emails and abbreviated months (gaps found by the blind `fresh5` batch)."""

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
    ("text", "locale"),
    [("we're 12 ppl", "en"), ("j'ai 12 employés", "fr"), ("about 12 staff give or take", "en")],
)
def test_a_casual_headcount_fills_the_size(text: str, locale: str) -> None:
    assert employer(text, asking="organization_size", locale=locale)["organization_size"] == "10-49"


@pytest.mark.parametrize(
    "text",
    [
        "looking for 2-3 students next summer",
        "2 or 3 interns",
        "deux à trois stagiaires",
        "2 to 3 students for the summer",
    ],
)
def test_a_range_of_students_counts_its_lower_bound(text: str) -> None:
    assert employer(text)["students_count"] == 2


@pytest.mark.parametrize(
    ("text", "count"),
    [("a couple of students", 2), ("a dozen students", 12), ("une dizaine de stagiaires", 10)],
)
def test_an_article_before_a_quantity_is_not_one_student(text: str, count: int) -> None:
    assert employer(text)["students_count"] == count


def test_a_decimal_comma_wage_keeps_its_cents() -> None:
    assert employer("17,50$", asking="hourly_wage", locale="fr")["hourly_wage"] == 17.5
    assert employer("17,50 $", asking="hourly_wage", locale="fr")["hourly_wage"] == 17.5


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("bonjour jm'appelle Hélène St-Pierre, j'ai une garderie", "Hélène St-Pierre"),
        ("allo chu Maxime Gagné-Roy, en 2e année au SAIT", "Maxime Gagné-Roy"),
        ("j'suis Anne Roy", "Anne Roy"),
    ],
)
def test_spoken_french_introductions_give_the_name(text: str, name: str) -> None:
    assert student(text, locale="fr")["full_name"] == name


@pytest.mark.parametrize("text", ["chu tanné", "chu prête", "chu pas certaine"])
def test_spoken_je_suis_before_an_adjective_is_no_name(text: str) -> None:
    assert "full_name" not in student(text, locale="fr")


def test_a_signature_gives_the_name_and_the_business() -> None:
    found = employer("Dev Patel, Kowalski Holdings. email dev.patel@kh.ca / ph (587)555-0123")
    assert found["contact_name"] == "Dev Patel"
    assert found["organization_name"] == "Kowalski Holdings"
    assert found["contact_phone"] == "+1 587-555-0123"


def test_a_business_opening_the_message_is_not_a_person() -> None:
    found = employer("Prairie Robotics, 25 people in Calgary")
    assert "contact_name" not in found


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("salut, c Stéphane Lévesque de Boisvert et fils a cochrane", "Boisvert et fils"),
        ("hey its mike from hartley and sons in airdrie", "Hartley and Sons"),
        ("We work at Hartley and Sons Ltd in Calgary", "Hartley and Sons Ltd"),
        ("Sam from Acme and co, 5 staff", "Acme and co"),
    ],
)
def test_family_and_partner_suffixes_stay_in_the_business_name(text: str, org: str) -> None:
    assert str(employer(text)["organization_name"]).casefold() == org.casefold()


@pytest.mark.parametrize(
    ("text", "industry"),
    [
        ("une garderie", "education"),
        ("we run a daycare", "education"),
        ("une boutique de vêtements", "retail"),
        ("we run a hardware store", "retail"),
        ("hvac / mechanical contracting", "construction"),
    ],
)
def test_everyday_sector_words(text: str, industry: str) -> None:
    assert employer(text, asking="industry")["industry"] == industry


@pytest.mark.parametrize(
    ("text", "asking", "field", "value"),
    [
        ("3rd yr @ uofc, intl student, ft", None, "residency_status", "international_student"),
        ("j'suis née icitte", "residency_status", "residency_status", "citizen"),
        ("chu pas certaine", "wil_type", "wil_type", "not_sure"),
        ("mtroyal", "institution", "institution", "mru"),
        ("research w a prof", "wil_type", "wil_type", "applied_research"),
        ("je voudrais faire de la recherche", "wil_type", "wil_type", "applied_research"),
    ],
)
def test_student_shorthand(text: str, asking: str | None, field: str, value: str) -> None:
    assert student(text, asking=asking, locale="fr")[field] == value


def test_an_abbreviated_program_is_kept_as_typed() -> None:
    found = student("2nd yr business admin at SAIT")
    assert str(found["program"]).casefold() == "business admin"


@pytest.mark.parametrize(
    ("text", "term"),
    [("sept 2027", "2027-09"), ("sept. 2027", "2027-09"), ("starting sept", "2027-09"),
     ("dec 2027", "2027-12"), ("in dec", "2026-12")],
)  # fmt: skip
def test_abbreviated_months_before_a_year_or_after_a_time_word(text: str, term: str) -> None:
    assert employer(text)["start_term"] == term


@pytest.mark.parametrize("text", ["en sept jours on a fini", "on est sept"])
def test_sept_as_seven_is_no_month(text: str) -> None:
    assert "start_term" not in employer(text, locale="fr")


def test_an_email_typed_with_spaces_around_the_at_sign() -> None:
    assert student("annesophie.bc @ hotmail.com", asking="email")["email"] == (
        "annesophie.bc@hotmail.com"
    )
    assert employer("my email is bob @ acme.ca")["contact_email"] == "bob@acme.ca"
    # "@" as "at" for a school is no email address.
    assert "email" not in student("nursing @ mtroyal.ca")


@pytest.mark.parametrize(
    ("kind", "text", "asking", "field", "value"),
    [
        ("student", "oups, je voulais dire l'automne, pas l'hiver", "enrollment_status",
         "preferred_term", "2027-fall"),
        ("employer", "not in the summer, in the fall", "start_term", "start_term", "2027-fall"),
        ("student", "i'm not a citizen, i have PR", "residency_status", "residency_status",
         "permanent_resident"),
        ("student", "mount royal, en fait non, bow valley", "institution", "institution",
         "bow_valley"),
    ],
)  # fmt: skip
def test_a_negated_or_corrected_value_is_not_the_one_kept(
    kind: str, text: str, asking: str, field: str, value: str
) -> None:
    found = extract_fields(kind, text, asking=asking, today=TODAY, locale="fr").values
    assert found[field] == value


def test_a_capitalised_pas_in_a_name_negates_nothing() -> None:
    found = employer("Ici Hélène Dubé, de la Garderie Les Petits Pas à Airdrie", locale="fr")
    assert found["location"] == "Airdrie"


def test_a_program_after_intern_for_is_the_program_sought() -> None:
    assert employer("want 1 intern for marketing next summer")["programs_sought"] == ["business"]


ANSWERS = {
    "organization_name": "Rockyview HVAC Ltd.",
    "contact_name": "sam o'reilly",
    "contact_email": "sam AT rockyviewhvac DOT ca",
    "organization_size": "we're 12 ppl",
    "industry": "hvac / mechanical contracting",
    "location": "calgary ne",
    "role_title": "hvac helper",
    "start_term": "sept",
    "paid": "ya $20/hr",
    "consent_to_share": "yes",
}


def test_a_field_already_given_is_never_asked_again() -> None:
    step = start_intake(
        "employer", "hi, we want to take on a co-op student", locale="en", today=TODAY
    )
    opener = set(step.state.fields)
    corrected = False
    while step.state.status == "collecting":
        asking = step.state.asking
        assert asking is not None and asking not in opener
        if asking == "start_term" and not corrected:
            # A correction of another field while the start is asked: the start is asked again
            # (never answered), nothing already given is.
            corrected = True
            step = continue_intake(step.state, "actually 2-3 students", locale="en", today=TODAY)
            assert step.state.fields["students_count"] == 2
            assert step.state.asking == "start_term"
            continue
        step = continue_intake(step.state, ANSWERS[asking], locale="en", today=TODAY)
    asked = step.state.asked
    assert len(asked) == len(set(asked)) + 1  # only the start, re-asked after the correction
    assert step.state.status == "confirming"
    done = continue_intake(step.state, "yes", locale="en", today=TODAY)
    assert done.state.status == "submitted"
    assert done.state.fields["industry"] == "construction"
    assert done.state.fields["contact_email"] == "sam@rockyviewhvac.ca"


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("i'm tired", "en"),
        ("I'm so confused", "en"),
        ("je suis perdue", "fr"),
        ("je suis un peu fatiguée", "fr"),
        ("ok", "en"),
    ],
)
def test_how_a_person_feels_is_neither_their_name_nor_their_business(
    text: str, locale: str
) -> None:
    """Asked for the organization, "i'm tired" once gave Contact "Tired", Organization "I'm"."""
    got = employer(text, asking="organization_name", locale=locale)
    assert "organization_name" not in got
    assert "contact_name" not in got
    assert "contact_name" not in employer(text, asking="contact_name", locale=locale)


def test_a_real_business_and_name_still_go_through_after_the_guard() -> None:
    assert employer("I'm Dana from Prairie Robotics")["contact_name"] == "Dana"
    assert employer("we're called Well Done Catering", asking="organization_name") == {
        "organization_name": "Well Done Catering"
    }
