"""Round-6 generalisations (detect_cues.py): each phrasing family is detected, its neutral look-alike is not.

The strings differ from the heldout6 cases on purpose: these pin the general rule, not one sentence.
"""

from __future__ import annotations

import pytest

from assistant.handoff import detect_handoff
from assistant.handoff.detect import is_repeat
from evals.handoff_eval import DEFAULT_DATASET, run_handoff_eval


def detect(text: str, previous: list[str] | None = None) -> str | None:
    return detect_handoff(text, "en", previous_user_texts=previous or [], decline_streak=0)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # Booking a call or a meeting with someone at the secretariat.
        ("could we schedule a meeting with your team next week?", "requested"),
        ("i'd like to set up a phone call with a liaison", "requested"),
        ("can I book an appointment with someone from the secretariat", "requested"),
        ("est-ce que je peux fixer un rendez-vous avec un conseiller?", "requested"),
        ("j'aimerais avoir un appel avec quelqu'un de votre équipe", "requested"),
        # Slang hand-overs and the assistant's own people.
        ("can you link me up with a coordinator", "requested"),
        ("pls loop a human in", "requested"),
        ("let me speak with your supervisor", "requested"),
        ("lemme chat w ur staff", "requested"),
        ("je veux parler à ton boss", "requested"),
        # Quebec "me revenir" (get back to me) and "du vrai monde" (real people).
        ("est-ce qu'un conseiller pourrait me revenir demain?", "requested"),
        ("pouvez-vous me revenir là-dessus svp", "requested"),
        ("je veux parler à du vrai monde", "requested"),
        ("an actual human please", "requested"),
        # Advances after a refusal or from someone with a say over the person.
        ("my coworker keeps asking me out even though I said no", "harassment"),
        ("the owner hits on me and he's my boss", "harassment"),
        ("mon superviseur me drague encore", "harassment"),
        ("le client m'a fait des avances malgré mon refus", "harassment"),
        # Threats tied to a condition.
        ("she said she'll fail me unless I work the weekend for free", "harassment"),
        ("they're going to fire me if I don't keep quiet", "harassment"),
        ("il va me donner une mauvaise évaluation si je refuse de rester tard", "harassment"),
        # Misgendering.
        ("my team lead keeps misgendering me", "discrimination"),
        ("they refuse to use my pronouns at my placement", "discrimination"),
        ("mon patron refuse d'utiliser mon prénom", "discrimination"),
        # A hazard that is there now, or missing protection with pressure to carry on.
        ("there are exposed wires in the kitchen at my placement", "safety"),
        ("no harness on the roof and the foreman told us to keep going", "safety"),
        ("il y a une fuite de gaz au garage et on nous dit de continuer", "safety"),
        ("y'a de l'amiante dans le sous-sol de mon stage", "safety"),
        # French verbal abuse in any tense; a French grievance.
        ("mon boss m'a engueulée devant tout le monde", "harassment"),
        ("il m'a traité d'imbécile", "harassment"),
        ("je veux loger un grief contre mon employeur", "complaint"),
        # Asking for the n-th time, giving up.
        ("this is the third time I've asked", "frustrated"),
        ("how many times do I have to ask", "frustrated"),
        ("c'est la quatrième fois que je vous le demande", "frustrated"),
        ("combien de fois je dois te le répéter", "frustrated"),
        ("i'm done with this", "frustrated"),
        ("j'abandonne", "frustrated"),
    ],
)
def test_round6_families_hand_off(text: str, reason: str) -> None:
    assert detect(text) == reason


@pytest.mark.parametrize(
    "text",
    [
        # Meetings and hand-overs that are not about a liaison.
        "how do we schedule a meeting with the student's school?",
        "can we book a room for the info session?",
        "can you hook us up with a student for summer?",
        "can I get a meeting room at SAIT?",
        "should I talk to my supervisor about my schedule?",
        # Someone else's callback.
        "quand est-ce que l'employeur va me rappeler pour l'entrevue?",
        "my employer said they'd call me back about the start date",
        "will the university email us the agreement?",
        "le cégep va nous écrire pour confirmer",
        # "in person" says how, not whom; "a people person" is a trait.
        "we'd like to meet the students in person",
        "our intern is such a people person",
        # Hazards asked about in general, hypothetically, or as a supply question.
        "what happens if there's a gas leak on a placement site?",
        "do interns need a harness when working on roofs?",
        "quelles sont les règles sur l'amiante pour les stagiaires?",
        "we have no masks left for the students, where can we order some?",
        "est-ce que la subvention couvre les gants et les casques?",
        # A student's report as a possibility: a process question.
        "how should we respond if an intern complains about a coworker?",
        "que faire si un stagiaire signale du harcèlement?",
        "what's the process when a student discloses a disability?",
        # Not giving up on the conversation, not the n-th time asking the assistant.
        "I give up too easily, any tips for interview prep?",
        "je laisse tomber le stage d'été, on va prendre un stagiaire à l'automne",
        "c'est la première fois que je demande la subvention",
        "ça fait deux fois que je demande la subvention",
        "ca fait deux fois qu'on accueille un stagiaire",
        "this is the first time we host an intern",
        "we asked our student out for lunch on her last day",
        "again, thanks so much!",
    ],
)
def test_round6_look_alikes_stay(text: str) -> None:
    assert detect(text) is None


def test_again_marks_a_shorter_repeat() -> None:
    previous = ["What is the wage subsidy amount for a non-profit?"]
    assert is_repeat("again, what's the wage subsidy for a non-profit?", previous)
    assert (
        detect(
            "encore une fois: la date limite pour la session d'hiver?",
            ["C'est quoi la date limite pour la session d'hiver?"],
        )
        == "frustrated"
    )


def test_again_on_a_new_question_is_not_a_repeat() -> None:
    assert not is_repeat(
        "and what about the fall intake again?", ["when does the summer intake open?"]
    )
    assert detect("And how much for a non-profit?", ["How much is the wage subsidy?"]) is None


def test_heldout6_is_reported_apart_with_its_blind_run() -> None:
    result = run_handoff_eval(DEFAULT_DATASET, results=None)
    report = result.heldout["heldout6"]
    assert report.cases >= 60 and report.french * 2 >= report.cases
    blind = result.blind_first_run["heldout6"]
    assert blind["recall"] < 1.0 and set(blind["recall_by_category"]) == {
        "explicit",
        "sensitive",
        "frustrated",
    }
    assert "blind_first_run" in result.to_dict()
    for name in ("heldout2", "heldout3", "heldout4", "heldout5", "heldout6"):
        held = result.heldout[name]
        assert held.precision == 1.0 and held.recall == 1.0, name
