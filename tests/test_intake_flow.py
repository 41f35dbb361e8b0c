"""Intake conversations as a person experiences them: openers, questions, corrections, endings."""

from __future__ import annotations

from datetime import date

from assistant.intake import (
    IntakeStep,
    continue_intake,
    detect_intake_start,
    is_delete_request,
    resume_prompt,
    start_intake,
)
from assistant.intake_dialogue import intake_summary

TODAY = date(2026, 11, 23)
DANA = (
    "I'm Dana from Prairie Robotics, 25 people in Calgary, 2 engineering co-op students "
    "next summer, dana@prairierobotics.ca"
)


def say(step: IntakeStep, text: str, locale: str = "en") -> IntakeStep:
    return continue_intake(step.state, text, locale=locale, today=TODAY)


def test_dana_opener_fills_every_field_it_gives() -> None:
    step = start_intake("employer", DANA, locale="en", today=TODAY)
    assert step.state.fields == {
        "contact_name": "Dana",
        "organization_name": "Prairie Robotics",
        "organization_size": "10-49",
        "location": "Calgary",
        "students_count": 2,
        "wil_type": "co_op",
        "start_term": "2027-summer",
        "contact_email": "dana@prairierobotics.ca",
        "programs_sought": ["engineering"],
    }
    assert step.outcome == "asking"
    assert step.state.asking == "industry"
    assert step.reply.endswith("What industry or sector are you in?")
    assert step.state.public()["missing"] == ["industry", "role_title", "paid", "consent_to_share"]


def test_french_opener_fills_fields_and_asks_in_french() -> None:
    step = start_intake(
        "employer",
        "Bonjour, je m'appelle Marie Tremblay de Boulangerie Lavoie, 6 employés à Airdrie. "
        "Nous cherchons un stagiaire en administration pour l'été prochain.",
        locale="fr",
        today=TODAY,
    )
    fields = step.state.fields
    assert fields["contact_name"] == "Marie Tremblay"
    assert fields["organization_name"] == "Boulangerie Lavoie"
    assert fields["organization_size"] == "1-9"
    assert fields["start_term"] == "2027-summer"
    assert fields["wil_type"] == "internship"
    assert step.state.asking == "contact_email"
    assert "adresse courriel" in step.reply


def test_one_field_at_a_time_in_order_with_reasons_for_personal_fields() -> None:
    step = start_intake("student", "je cherche un stage", locale="fr", today=TODAY)
    assert step.state.asking == "full_name"
    assert "Quel est votre nom complet?" in step.reply
    assert "personne-ressource" in step.reply  # why the name is asked
    asked: list[str | None] = [step.state.asking]
    for answer in (
        "Camille Roy",
        "camille@bowvalley.ca",
        "Bow Valley",
        "sciences infirmières",
        "deuxième année",
        "temps plein",
    ):
        step = say(step, answer, "fr")
        asked.append(step.state.asking)
    assert asked == [
        "full_name",
        "email",
        "institution",
        "program",
        "year_of_study",
        "enrollment_status",
        "residency_status",
    ]
    assert "financement" in step.reply and "permis de travail" in step.reply


def test_unparseable_answer_gets_a_specific_reask() -> None:
    step = start_intake("employer", DANA, locale="en", today=TODAY)
    step = say(step, "Technology")
    step = say(step, "Junior technician")
    step = say(step, "actually, how many do I need?")  # a question, not an answer
    assert step.outcome == "question"
    step = start_intake("employer", "We want to hire interns", locale="en", today=TODAY)
    step.state.asking = "students_count"
    step = say(step, "lots")
    assert step.outcome == "asking"
    assert step.state.asking == "students_count"
    assert step.reply.startswith("I didn't catch a number of students")


def test_corrections_overwrite_in_english_and_french() -> None:
    step = start_intake("employer", DANA, locale="en", today=TODAY)
    step = say(step, "actually 3 students")
    assert step.state.fields["students_count"] == 3
    assert step.state.asking == "industry"  # back to where it was
    step = say(step, "change the email to dana@prairie.ca")
    assert step.state.fields["contact_email"] == "dana@prairie.ca"
    step = say(step, "non, plutôt à l'automne", "fr")
    assert step.state.fields["start_term"] == "2027-fall"


def test_cancel_and_annuler_stop_and_keep_nothing() -> None:
    step = start_intake("employer", DANA, locale="en", today=TODAY)
    done = say(step, "cancel")
    assert done.outcome == "cancelled"
    assert done.state.status == "cancelled" and done.state.fields == {}
    assert "Nothing" in done.reply
    fr = say(
        start_intake("student", "je cherche un stage coop", locale="fr", today=TODAY),
        "annuler",
        "fr",
    )
    assert fr.state.status == "cancelled" and "Rien" in fr.reply


def _employer_to_confirming(locale: str = "en") -> IntakeStep:
    step = start_intake("employer", DANA, locale=locale, today=TODAY)
    for answer in ("Technology", "Junior technician", "yes"):
        step = say(step, answer, locale)
    return step


def test_yes_at_confirming_submits_with_consent() -> None:
    step = say(_employer_to_confirming(), "yes")
    assert step.outcome == "confirming"
    assert step.state.status == "confirming"
    # The summary is the confirmation card (the turn's intake rows); the text says one line.
    assert "\n" not in step.reply and "Prairie Robotics" not in step.reply
    rows = {r["field"]: r["value"] for r in intake_summary("employer", step.state.fields, "en")}
    assert rows["organization_name"] == "Prairie Robotics"
    done = say(step, "yes")
    assert done.outcome == "submitted" and done.state.status == "submitted"
    assert "University of Calgary" in done.reply and "SAIT" in done.reply


def test_oui_submits_in_french() -> None:
    step = say(_employer_to_confirming("fr"), "oui", "fr")
    assert "Voici votre demande" in step.reply
    assert say(step, "oui", "fr").state.status == "submitted"


def test_anything_else_at_confirming_edits() -> None:
    step = say(_employer_to_confirming(), "yes")
    step = say(step, "the phone")
    assert step.state.asking == "contact_phone"
    step = say(step, "403 555 0177")
    assert step.state.status == "confirming"
    assert step.state.fields["contact_phone"] == "+1 403-555-0177"
    assert say(step, "no").outcome == "confirming"


def test_refusing_consent_sends_nothing_and_offers_a_liaison() -> None:
    step = say(_employer_to_confirming(), "no")
    assert step.outcome == "consent_refused"
    assert step.state.status == "cancelled"
    assert "nothing will be sent" in step.reply and "liaison" in step.reply


def test_question_in_the_middle_then_resume_asks_the_same_field() -> None:
    step = start_intake("employer", DANA, locale="en", today=TODAY)
    asked = step.state.asking
    step = say(step, "how much is the SWPP subsidy?")
    assert step.outcome == "question"
    assert step.state.asking == asked
    assert step.state.fields.get("industry") is None
    assert resume_prompt(step.state, "en").endswith("What industry or sector are you in?")
    assert resume_prompt(step.state, "fr").startswith("Revenons à votre demande")


def test_detects_who_is_starting_an_intake() -> None:
    assert detect_intake_start("we'd like to host a co-op student") == "employer"
    assert detect_intake_start("Nous aimerions accueillir un stagiaire") == "employer"
    assert detect_intake_start("je cherche un stage") == "student"
    assert detect_intake_start("I'm looking for a co-op placement") == "student"
    assert detect_intake_start("how much is the SWPP subsidy?") is None


def test_delete_requests_are_recognised() -> None:
    assert is_delete_request("Please delete my data")
    assert is_delete_request("Supprimez mes données, svp")
    assert not is_delete_request("delete the phone number field")


def test_llm_values_fill_gaps_but_never_replace_valid_rule_values() -> None:
    def llm(kind: str, text: str, asking: str | None, locale: str) -> dict[str, object]:
        return {"students_count": 99, "industry": "Technology", "location": "Mars??"}

    step = start_intake("employer", DANA, locale="en", today=TODAY, llm_extract=llm)
    assert step.state.fields["students_count"] == 2
    assert step.state.fields["industry"] == "technology"
    assert step.state.fields["location"] == "Calgary"


def test_student_confirming_includes_eligibility_guidance_with_sources() -> None:
    step = start_intake(
        "student",
        "I'm an international student in computer science at the U of C looking for a co-op",
        locale="en",
        today=TODAY,
    )
    for answer in ("Wei Zhang", "wei@ucalgary.ca", "third year", "full-time", "next summer", "yes"):
        step = say(step, answer)
    assert step.outcome == "confirming"
    keys = [g.source_key for g in step.guidance]
    assert "students-eligibility#international" in keys
    assert "Mitacs" in step.reply and "24 hours" in step.reply
