"""Round-5 generalisations: put-through requests, imperative callbacks, host reports of unwanted
contact, unwanted attention + discomfort, FR because-trait refusals, FR access needs, loud repeats.

The strings differ from the heldout5 cases on purpose: these pin the general rule, not one sentence.
"""

from __future__ import annotations

import pytest

from assistant.handoff import detect_handoff
from assistant.handoff.detect import is_repeat


def detect(text: str, previous: list[str] | None = None) -> str | None:
    return detect_handoff(text, "en", previous_user_texts=previous or [], decline_streak=0)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("could you transfer me over to an advisor", "requested"),
        ("just connect us thru to a coordinator plz", "requested"),
        ("patch me straight through to someone at the office", "requested"),
        ("rappelle-moi stp au 403 555 1234", "requested"),
        ("recontactez moi svp", "requested"),
        ("appelez moi au (403) 555-1234", "requested"),
        ("call me back at 403 555 1234 pls", "requested"),
        ("give me a call tomorrow", "requested"),
        (
            "our student told us a customer won't stop texting her at night, what should we do?",
            "harassment",
        ),
        (
            "une de nos stagiaires dit qu'un client arrete pas de lui ecrire sur facebook",
            "harassment",
        ),
        ("one of our co-op students says her supervisor touched her", "harassment"),
        (
            "mon gestionnaire n'arrete pas de m'appeler la fin de semaine, je suis mal a l'aise",
            "harassment",
        ),
        ("my manager keeps telling me i'm pretty", "harassment"),
        ("a coworker messages me late at night and it creeps me out", "harassment"),
        ("ils m'ont pas engagee parce que je porte le voile", "discrimination"),
        ("on m'a pas retenue parce que chu enceinte", "discrimination"),
        ("je me deplace en chaise roulante et l'edifice a pas de rampe", "accommodation"),
        ("chu en fauteuil motorise pis y a pas d'acces adapte", "accommodation"),
    ],
)
def test_round5_situations_hand_off(text: str, reason: str) -> None:
    assert detect(text) == reason


@pytest.mark.parametrize(
    "text",
    [
        "Vous pouvez me joindre au 403-555-0123",
        "appelez-moi Sam",
        "call me Sam",
        "Le conseiller me rappelle que la date limite est vendredi",
        "the student kept texting us about the schedule, is that normal?",
        "our supervisor keeps calling them about shifts",
        "my mom told me i'm pretty good at excel",
        "i feel uncomfortable asking my supervisor for a raise",
        "parce que j'ai un accent, dois-je suivre des cours de francais?",
        "stage au mont tremblant, c'est possible?",
        "send me a human resources template",
    ],
)
def test_round5_lookalikes_stay_with_the_assistant(text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("WHAT IS THE DEADLINE FOR THE GRANT???", ["what is the deadline for the grant"]),
        ("Comment je m'inscris au programme!!", ["comment je m'inscris au programme"]),
        ("where do i send the form", ["Where do I send the form?", "thanks"]),
    ],
)
def test_loud_or_bare_repeat_is_frustration(text: str, previous: list[str]) -> None:
    assert is_repeat(text, previous)
    assert detect(text, previous) == "frustrated"


@pytest.mark.parametrize(
    ("text", "previous"),
    [("ok thanks", ["OK THANKS"]), ("oui merci", ["oui merci"]), ("yes", ["YES"])],
)
def test_short_courtesies_said_twice_are_not_repeats(text: str, previous: list[str]) -> None:
    assert detect(text, previous) is None
