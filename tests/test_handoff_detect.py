"""When a person is handed to a liaison: explicit requests, sensitive situations, frustration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.handoff import detect_handoff
from evals.handoff_eval import DEFAULT_DATASET, load_cases, run_handoff_eval
from tests.handoff_support import say, start


def detect(
    text: str, locale: str = "en", previous: list[str] | None = None, streak: int = 0
) -> str | None:
    return detect_handoff(text, locale, previous_user_texts=previous or [], decline_streak=streak)


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("talk to a human", "en"),
        ("can I speak to someone", "en"),
        ("agent", "en"),
        ("Agent!", "en"),
        ("real person please", "en"),
        ("Could somebody from the secretariat call me back?", "en"),
        ("parler à quelqu'un", "fr"),
        ("un humain svp", "fr"),
        ("je veux parler à un conseiller", "fr"),
        ("Je veux parler a un conseiller", "fr"),  # typed without accents
        ("Pouvez-vous me mettre en contact avec quelqu'un?", "fr"),
    ],
)
def test_explicit_requests_in_either_language_go_to_a_liaison(text: str, locale: str) -> None:
    assert detect(text, locale) == "requested"


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        ("my supervisor keeps making comments about my accent", {"harassment", "discrimination"}),
        ("harcèlement", {"harassment"}),
        ("I don't feel safe at my placement", {"safety"}),
        ("I need an accommodation for my disability", {"accommodation"}),
        ("je veux porter plainte", {"complaint"}),
        ("Je ne me sens pas en sécurité à mon stage", {"safety"}),
        ("I want to talk to someone about harassment at my co-op", {"harassment"}),
    ],
)
def test_sensitive_situations_go_to_a_liaison_with_their_reason(
    text: str, reasons: set[str]
) -> None:
    assert detect(text) in reasons


@pytest.mark.parametrize(
    "text",
    [
        "What is the SWPP?",
        # Documented decision: a general question about a topic is answered from the knowledge base.
        "How do accommodations work for co-op students in general?",
        "What is the harassment policy for placements?",
        "Quelle est la politique sur le harcèlement en stage?",
        "What does a recruitment agency do?",
        "Our management team wants to host two interns",
        "Which reagents do lab interns handle?",
        "call me Sam",
        "Should I talk to my co-op advisor first?",
        "I don't need to talk to anyone, just tell me the deadline",
    ],
)
def test_questions_merely_about_a_topic_stay_with_the_assistant(text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize(
    ("text", "locale", "reasons"),
    [
        ("I use a wheelchair and my placement's office has no ramp", "en", {"accommodation"}),
        (
            "Je me déplace en fauteuil roulant et le bureau n'est pas accessible",
            "fr",
            {"accommodation"},
        ),
        ("I haven't been paid in three weeks", "en", {"complaint"}),
        ("Je n'ai pas été payée depuis 3 semaines", "fr", {"complaint"}),
        ("my boss yells at me", "en", {"harassment"}),
        ("On me fait des remarques sur mon voile", "fr", {"harassment", "discrimination"}),
        ("I got hurt at my placement", "en", {"safety"}),
        ("Mon superviseur me fait peur", "fr", {"safety"}),
        ("They don't hire people like me", "en", {"discrimination"}),
        ("J'aimerais qu'un conseiller me rappelle", "fr", {"requested"}),
        ("Une personne peut-elle me contacter demain?", "fr", {"requested"}),
        ("is there someone I could call?", "en", {"requested"}),
        ("I'd rather sort this out with a real coordinator than a chatbot", "en", {"requested"}),
        ("you keep giving me the same answer", "en", {"frustrated"}),
    ],
)
def test_situations_described_without_naming_them_still_reach_a_liaison(
    text: str, locale: str, reasons: set[str]
) -> None:
    assert detect(text, locale) in reasons


@pytest.mark.parametrize(
    "text",
    [
        # Documented decision: eligibility in general is answered from the knowledge base.
        "Can someone with a disability apply to co-op?",
        "Une personne handicapée peut-elle faire un stage coop?",
        "Who is the agent of record for the wage subsidy?",
        "What does a liaison do?",
        "We haven't paid the invoice yet",
        "Le conseiller me rappelle que la date limite est vendredi",
        "Is anyone available for a summer internship?",
    ],
)
def test_look_alikes_of_indirect_situations_stay_with_the_assistant(text: str) -> None:
    assert detect(text) is None


def test_asking_the_same_question_again_counts_as_frustration_but_repeated_yes_does_not() -> None:
    question = "How much is the wage subsidy for a co-op student?"
    assert (
        detect("how much is the wage subsidy for a co-op student", previous=[question])
        == "frustrated"
    )
    assert detect("yes", previous=["yes", "yes"]) is None
    assert detect("ça ne m'aide pas", "fr") == "frustrated"
    assert detect("this isn't helping") == "frustrated"


def test_two_declined_answers_in_a_row_hand_off_on_the_next_message() -> None:
    assert detect("And parking for interns?", streak=1) is None
    assert detect("And parking for interns?", streak=2) == "declined_twice"


def test_the_labelled_dataset_meets_its_targets() -> None:
    cases = load_cases(DEFAULT_DATASET)
    assert len(cases) >= 40
    assert sum(c.locale == "fr" for c in cases) * 2 >= len(cases)
    report = run_handoff_eval(DEFAULT_DATASET, results=None).in_sample
    assert report.recall_by_category["explicit"] == 1.0, report.false_negatives
    assert report.recall_by_category["sensitive"] == 1.0, report.false_negatives
    assert report.precision >= 0.95, report.false_positives


def test_the_eval_command_prints_precision_and_recall_and_writes_json(tmp_path: Path) -> None:
    from channels.cli import app

    out = tmp_path / "handoff.json"
    result = CliRunner().invoke(app, ["eval", "handoff", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "precision" in result.output and "recall" in result.output
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["in_sample"]["cases"] >= 40
    assert all(r["recall"] <= 1.0 for r in saved["heldout"].values())
    assert saved["meets_targets"] is True


def test_a_french_speaker_asking_for_a_counsellor_is_queued_and_told_in_french(
    client: TestClient,
) -> None:
    person = start(client, "fr")
    turn = say(client, person, "je veux parler à un conseiller")
    assert turn["mode"] == "handoff"
    assert turn["handoff"]["status"] == "waiting"
    assert "secrétariat" in turn["reply"]["text"]
