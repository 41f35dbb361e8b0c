"""Every knowledge section opens with one sentence that answers its heading, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.knowledge_lint import load_pages
from assistant.knowledge_writing import check_writing, first_sentence, lead_problems, lead_report

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


def test_every_knowledge_section_opens_with_a_direct_answer() -> None:
    problems = check_writing(load_pages(KNOWLEDGE))
    assert not problems, "sections that do not open with a direct answer:\n" + "\n".join(problems)


def test_the_lead_report_counts_every_section() -> None:
    passed, total = lead_report(load_pages(KNOWLEDGE))
    assert total > 250 and passed == total


@pytest.mark.parametrize(
    ("heading", "text", "lang"),
    [
        ("How much does SWPP pay?", "SWPP pays 50% of wages, up to $5,000.", "en"),
        ("When should I post?", "Post 3 to 6 months before the start date.", "en"),
        ("How long is a co-op term?", "A co-op term usually lasts four months.", "en"),
        ("When do placements start?", "Start dates are not confirmed here; ask the office.", "en"),
        ("Can I host an unpaid intern?", "No: in Alberta, unpaid internships are illegal.", "en"),
        ("Combien verse le PSPE?", "Le PSPE couvre 50 % du salaire, jusqu'à 5 000 $.", "fr"),
        ("Quand publier mon offre?", "Publiez-la de 3 à 6 mois avant le début du stage.", "fr"),
        ("Quand ont lieu les stages?", "Les dates ne sont pas confirmées ici.", "fr"),
        # "When" asking under what conditions is not asking for a date.
        ("When is a short project better?", "A short project fits a small, clear problem.", "en"),
    ],
)
def test_direct_answers_pass(heading: str, text: str, lang: str) -> None:
    assert lead_problems(heading, text, lang) == []


@pytest.mark.parametrize(
    ("heading", "text", "lang", "reason"),
    [
        (
            "What is WIL?",
            "Summary as of November 2026; confirm with the institution.",
            "en",
            "preamble",
        ),
        ("What is WIL?", "This section explains WIL. WIL links study and work.", "en", "preamble"),
        (
            "Qu'est-ce que l'AIT?",
            "Voici ce qu'il faut savoir. L'AIT relie études et travail.",
            "fr",
            "preamble",
        ),
        (
            "How much does SWPP pay?",
            "The subsidy depends on who you hire and when.",
            "en",
            "gives no amount",
        ),
        (
            "Combien de temps dure un stage?",
            "La durée dépend du programme.",
            "fr",
            "gives no amount",
        ),
        (
            "Who qualifies?",
            "According to Magnet, most employers qualify.",
            "en",
            "talks about sources",
        ),
        (
            "Qui est admissible?",
            "Selon Magnet, la plupart des employeurs le sont.",
            "fr",
            "talks about sources",
        ),
        ("Is it paid?", "- Yes, usually.\n- Sometimes not.", "en", "does not open with a sentence"),
        ("What is WIL?", " ".join(["word"] * 36) + ".", "en", "36 words (at most 35)"),
        ("Is SWPP still funded?", "Yes. It was renewed in 2025.", "en", "not only yes or no"),
        ("Qu'est-ce que l'AIT?", " ".join(["mot"] * 41) + ".", "fr", "41 words (at most 40)"),
    ],
)
def test_indirect_openings_are_reported(heading: str, text: str, lang: str, reason: str) -> None:
    problems = lead_problems(heading, text, lang)
    assert any(reason in p for p in problems), problems


def test_the_first_sentence_keeps_abbreviations_whole() -> None:
    text = "St. Mary's University places B.Ed. students every term. Ask its office."
    assert first_sentence(text, "en") == "St. Mary's University places B.Ed. students every term."


def test_a_problem_names_the_page_the_section_and_why(tmp_path: Path) -> None:
    page = tmp_path / "en" / "playbook" / "funding.md"
    page.parent.mkdir(parents=True)
    page.write_text(
        "---\nid: playbook-funding-en\npair: playbook-funding\ntitle: Funding\nlang: en\n"
        "audience: employer\nsource_url: https://example.org/f\nreviewed: 2026-11-23\n---\n\n"
        "# Funding\n\n## How much does SWPP pay? {#swpp-rates}\n\n"
        "SWPP pays 50% of wages, up to $5,000. These rates come from ESDC's 2019 backgrounder.\n",
        encoding="utf-8",
    )
    problems = check_writing(load_pages(tmp_path))
    assert problems == [
        "en/playbook/funding.md#swpp-rates ('How much does SWPP pay?'): a sentence talks about "
        'sources: "These rates come from ESDC\'s 2019 backgrounder."'
    ]
