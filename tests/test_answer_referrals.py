"""What a person reads when the guides can't help: where to turn instead (the CRA for tax, IRCC or a
licensed adviser for a permit, the institution for its own programs), and a follow-up answered with
what the last reply did not already say."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from assistant.answering import Answerer
from assistant.answering.extractive import compose_extractive


@pytest.mark.parametrize(
    ("question", "locale", "place"),
    [
        ("How do I file the GST return for my sole proprietorship?", "en", "Canada Revenue Agency"),
        ("Combien d'impôt provincial vais-je payer sur 60 000 $?", "fr", "Agence du revenu"),
        (
            "my study permit expires soon and my PGWP is not approved, can I keep working?",
            "en",
            "IRCC",
        ),
        ("Mon permis d'études expire, est-ce que je peux continuer à travailler?", "fr", "IRCC"),
        (
            "How many clinical hours does the Bow Valley practical nurse diploma need?",
            "en",
            "co-op or career office",
        ),
    ],
)
def test_a_decline_names_where_to_turn(question: str, locale: str, place: str) -> None:
    answer = asyncio.run(Answerer(None).answer(question, locale))
    assert answer.status != "answered"
    assert place in answer.text


def test_a_decline_with_no_better_place_offers_a_liaison_only() -> None:
    answer = asyncio.run(Answerer(None).answer("What's the weather tomorrow in Calgary?", "en"))
    assert "liaison" in answer.text
    for place in ("Revenue Agency", "IRCC", "co-op or career office", "delivery partner"):
        assert place not in answer.text


@dataclass
class _Passage:
    key: str = "playbook-funding#swpp-rates"
    title: str = "Funding"
    section: str = "How much does the SWPP wage subsidy pay?"
    text: str = (
        "SWPP normally covers 50% of a student's wages, up to $5,000 per placement. "
        "For students from under-represented groups, the subsidy rises to 70% of wages, up to $7,000. "
        "Those groups are first-year students, women in STEM and Indigenous students."
    )
    lang: str = "en"
    url: str | None = None
    source: str = "ESDC"
    snippet: str = ""


def test_a_follow_up_is_not_answered_with_the_reply_it_follows() -> None:
    first = "SWPP normally covers 50% of a student's wages, up to $5,000 per placement [1]."
    again = compose_extractive(
        "How much does SWPP pay? and if she's a woman in STEM?",
        [_Passage()],
        "en",
        focus="and if she's a woman in STEM?",
        said=first,
    )
    lead = again.text.split("\n")[0]
    assert "50% of a student's wages" not in lead
    assert "70%" in again.text or "women in STEM" in again.text
