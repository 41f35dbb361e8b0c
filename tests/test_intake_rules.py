"""Field registry, routing and eligibility pre-screen."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.intake import EMPLOYER_FIELDS, STUDENT_FIELDS, prescreen, route_intake
from assistant.intake.schemas import EmployerIntake, FieldSpec
from assistant.intake.validators import InvalidValue, ParseContext

CTX = ParseContext(today=date(2026, 11, 23), locale="en")

# One good (raw -> canonical) and one bad raw value for every field in the registry.
EXAMPLES: dict[str, tuple[object, object, object]] = {
    "organization_name": ("we're Prairie Robotics", "Prairie Robotics", "@@"),
    "contact_name": ("dana smith", "Dana Smith", "12345"),
    "contact_email": ("Dana@Prairie.ca", "dana@prairie.ca", "dana at prairie"),
    "contact_phone": ("(403) 555-0199", "+1 403-555-0199", "555-01"),
    "organization_size": ("6 employés", "1-9", "a lot"),
    "industry": ("oil and gas", "energy", "7"),
    "location": ("YYC", "Calgary", "42"),
    "work_arrangement": ("télétravail", "remote", "sometimes"),
    "wil_type": ("stage coop", "co_op", "a job"),
    "role_title": ("a junior developer", "Junior developer", "7"),
    "role_description": ("build robots", "Build robots", "!"),
    "students_count": ("three", 3, "60"),
    "start_term": ("next summer", "2027-summer", "someday"),
    "duration_months": ("8 mois", 8, "forever"),
    "paid": ("non rémunéré", False, "maybe"),
    "hourly_wage": ("$22.50", 22.5, "$5"),
    "programs_sought": ("mechanical engineering", ["engineering"], "!"),
    "institutions_preferred": ("SAIT or MRU", ["sait", "mru"], "Hogwarts"),
    "consent_to_share": ("oui", True, "perhaps"),
    "full_name": ("élodie bernier", "Élodie Bernier", "x@y.ca"),
    "email": ("sam@mtroyal.ca", "sam@mtroyal.ca", "sam@"),
    "institution": ("Mount Royal", "mru", "the moon"),
    "program": ("nursing", "Nursing", "!"),
    "year_of_study": ("troisième année", 3, "year 9"),
    "enrollment_status": ("temps plein", "full_time", "sometimes"),
    "residency_status": ("permanent resident", "permanent_resident", "purple"),
    "preferred_term": ("cet automne", "2027-fall", "soon-ish"),
    "interests": ("robotics and AI", "Robotics and AI", "?"),
}

ALL_SPECS: list[FieldSpec] = [*EMPLOYER_FIELDS.values(), *STUDENT_FIELDS.values()]


def test_every_registry_field_has_examples() -> None:
    assert {spec.name for spec in ALL_SPECS} <= set(EXAMPLES)


@pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda s: s.name)
def test_each_validator_accepts_good_rejects_bad_and_is_stable(spec: FieldSpec) -> None:
    good, canonical, bad = EXAMPLES[spec.name]
    assert spec.validate(good, CTX) == canonical
    assert spec.validate(canonical, CTX) == canonical  # canonical values survive a reload
    with pytest.raises(InvalidValue):
        spec.validate(bad, CTX)


@pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda s: s.name)
def test_each_field_speaks_both_languages(spec: FieldSpec) -> None:
    for which in ("question", "reask"):
        english, french = spec.text(which, "en"), spec.text(which, "fr")
        assert "?" in english and "?" in french and english != french
    assert spec.text("label", "en") and spec.text("label", "fr")


def test_draft_model_normalises_raw_values() -> None:
    draft = EmployerIntake.model_validate(
        {"organization_size": "25", "start_term": "next summer", "paid": "oui"},
        context={"today": date(2026, 11, 23)},
    )
    assert (draft.organization_size, draft.start_term, draft.paid) == ("10-49", "2027-summer", True)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"programs_sought": ["engineering"]}, ["ucalgary", "sait"]),
        ({"programs_sought": ["business"]}, ["mru", "ucalgary", "bow_valley"]),
        ({"programs_sought": ["arts_design"]}, ["auarts"]),
        ({"programs_sought": ["education"], "institutions_preferred": ["mru"]}, ["mru"]),
        ({"wil_type": "apprenticeship"}, ["sait"]),
    ],
)
def test_employer_routing(fields: dict[str, object], expected: list[str]) -> None:
    assert route_intake("employer", fields) == expected


def test_student_routes_to_their_institution() -> None:
    assert route_intake("student", {"institution": "mru"}) == ["mru"]
    assert route_intake("student", {"institution": "other"}) == []


def test_prescreen_for_an_international_student_is_guidance_with_sources() -> None:
    guidance = prescreen(
        {
            "residency_status": "international_student",
            "institution": "mru",
            "enrollment_status": "full_time",
        },
        "en",
    )
    keys = [g.source_key for g in guidance]
    assert keys == [
        "students-eligibility#international",
        "playbook-international-students#hour-limits",
        "institution-mru#eligibility",
    ]
    text = " ".join(g.text for g in guidance)
    assert "Mitacs" in text and "24 hours" in text and "SWPP" in text


def test_prescreen_for_citizens_and_part_time_in_french() -> None:
    guidance = prescreen({"residency_status": "citizen", "enrollment_status": "part_time"}, "fr")
    assert [g.source_key for g in guidance] == [
        "students-eligibility#residency-funding",
        "students-eligibility#enrollment",
    ]
    assert "PSPE" in guidance[0].text
