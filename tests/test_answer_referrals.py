"""What a person reads when the guides can't help: where to turn instead (the CRA for tax, IRCC or a
licensed adviser for a permit, the institution for its own programs)."""

from __future__ import annotations

import asyncio

import pytest

from assistant.answering import Answerer


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
