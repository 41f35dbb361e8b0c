"""Generic handoff signals: phone shorthand, cue windows, and the process-verb guard."""

from __future__ import annotations

import pytest

from assistant.handoff import detect_handoff


def detect(text: str, locale: str = "en") -> str | None:
    return detect_handoff(text, locale, previous_user_texts=[], decline_streak=0)


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("can u connect me w someone from the office", "en"),
        ("is a coordinator around to answer me directly?", "en"),
        ("anyone there??", "en"),
        ("j'veux parler à un vrai", "fr"),
        ("y a-t-il un conseiller disponible", "fr"),
        ("est-ce que je peux jaser avec qqn du secretariat", "fr"),
        ("est-ce qu'un conseiller est dispo", "fr"),
    ],
)
def test_requests_in_new_wording_are_recognised(text: str, locale: str) -> None:
    assert detect(text, locale) == "requested"


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        ("they said im too old for this internship", {"discrimination"}),
        ("a coworker keeps following me to my car after shifts", {"harassment", "safety"}),
        ("mon boss me texte des affaires deplacees la nuit", {"harassment"}),
        ("jai peur de retourner au stage, mon collegue m'a poussé", {"safety", "harassment"}),
        ("i get panic attacks and need to work from home some days", {"accommodation"}),
        ("this is going nowhere", {"frustrated"}),
        ("t'es pas capable de me donner une vraie réponse?", {"frustrated"}),
    ],
)
def test_situations_in_new_wording_are_recognised(text: str, reasons: set[str]) -> None:
    assert detect(text) in reasons


@pytest.mark.parametrize(
    "text",
    [
        "can a real person be listed as the contact on our posting?",
        "est-ce qu'un humain lit les offres de stage avant publication?",
        "is anyone available to interview our student next week?",
        "y a-t-il un conseiller d'orientation dans chaque école?",
        "je veux parler de notre offre de stage dans l'infolettre",
        "the student kept texting us about the schedule, is that normal?",
        "les femmes peuvent-elles postuler au programme?",
    ],
)
def test_look_alikes_stay_with_the_assistant(text: str) -> None:
    assert detect(text) is None
