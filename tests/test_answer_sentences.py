"""Offline answers as a person reads them: the answer first, short points, sources as citations.

Also the sentence splitter both composers rely on (abbreviations in English and French) and the
removal of notes about sources from answer text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from assistant.answering.provenance import strip_provenance
from assistant.answering.sentences import SentenceBuffer, split_sentences
from tests.test_engine_api import say, start

if TYPE_CHECKING:
    from tests.engine_fixtures import AppFactory


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "Students at St. Mary's University are covered. Ask Dr. Lee, e.g. by email. Apply.",
            "en",
            [
                "Students at St. Mary's University are covered.",
                "Ask Dr. Lee, e.g. by email.",
                "Apply.",
            ],
        ),
        (
            "Écrivez à M. Tremblay, p. ex. par courriel. Ensuite, postulez.",
            "fr",
            ["Écrivez à M. Tremblay, p. ex. par courriel.", "Ensuite, postulez."],
        ),
        (
            "No. Students must be enrolled [1]. It pays $5,000. [2] Apply now.",
            "en",
            ["No.", "Students must be enrolled [1].", "It pays $5,000. [2]", "Apply now."],
        ),
        (
            "The GPA must be 2.5 or more. Ask J. Smith.",
            "en",
            ["The GPA must be 2.5 or more.", "Ask J. Smith."],
        ),
    ],
)
def test_sentences_do_not_break_on_abbreviations(text: str, lang: str, expected: list[str]) -> None:
    assert split_sentences(text, lang) == expected


def test_a_streamed_sentence_is_handed_out_only_once_complete() -> None:
    buffer = SentenceBuffer("en")
    out: list[str] = []
    for word in [
        "SWPP",
        "covers",
        "half",
        "[1].",
        "It",
        "pays",
        "$5,000",
        "to",
        "St.",
        "Mary's.",
        "[2]",
        "[NAME_1]",
        "is",
        "done",
    ]:
        out += buffer.feed(word + " ")
    assert out == ["SWPP covers half [1].", "It pays $5,000 to St. Mary's. [2]"]
    assert buffer.flush() == ["[NAME_1] is done"]


@pytest.mark.parametrize(
    ("sentence", "lang", "kept"),
    [
        (
            "These rates come from ESDC's 2019 backgrounder and from Magnet, and delivery partner "
            "EMC confirmed them for May 2024 to March 2025.",
            "en",
            "",
        ),
        (
            "These rules come from calendar copies dated 2015 to 2024, so confirm current "
            "requirements with your faculty's co-op office.",
            "en",
            "Confirm current requirements with your faculty's co-op office.",
        ),
        (
            "According to Riipen's help pages, the employer pays nothing and the student earns "
            "$1,400 for each project.",
            "en",
            "The employer pays nothing and the student earns $1,400 for each project.",
        ),
        (
            "According to third-party reports of an announcement made on April 9, 2026, students "
            "no longer need a separate co-op work permit.",
            "en",
            "Students no longer need a separate co-op work permit.",
        ),
        (
            "The pilot produced more than 66 placements, according to the Future Skills Centre.",
            "en",
            "The pilot produced more than 66 placements.",
        ),
        (
            "Ces règles proviennent de versions de l'annuaire datées de 2015 à 2024 : confirmez "
            "les exigences actuelles auprès du bureau coop de votre faculté.",
            "fr",
            "Confirmez les exigences actuelles auprès du bureau coop de votre faculté.",
        ),
        (
            "Les stages non rémunérés ne sont pas permis (selon une source non officielle).",
            "fr",
            "Les stages non rémunérés ne sont pas permis.",
        ),
        (
            "Yes, according to a third-party immigration source: an optional internship counts "
            "toward the limit.",
            "en",
            "Yes, an optional internship counts toward the limit.",
        ),
        (
            "Recruit 4 to 6 months ahead; these two figures come from third-party sources, so use "
            "them only as a guide.",
            "en",
            "Recruit 4 to 6 months ahead; use them only as a guide.",
        ),
        # "selon" also means "depending on": a sentence's end keeps it.
        (
            "Les stages durent 4 ou 8 mois, selon le programme.",
            "fr",
            "Les stages durent 4 ou 8 mois, selon le programme.",
        ),
    ],
)
def test_notes_about_sources_leave_the_answer_text(sentence: str, lang: str, kept: str) -> None:
    assert strip_provenance(sentence, lang) == kept


def lead(text: str) -> str:
    """The reply's first line: the answer, before any list."""
    return text.split("\n")[0]


@pytest.mark.parametrize(
    ("question", "locale", "expected_in_lead"),
    [
        ("How much does the SWPP wage subsidy pay?", "en", "$5,000"),
        ("What does a student earn on a Riipen Level UP project?", "en", "$1,400"),
        ("Combien de jours dure un micro-stage?", "fr", "2 à 10 jours"),
    ],
)
def test_the_first_sentence_answers_and_the_source_is_a_citation(
    make_client: AppFactory, question: str, locale: str, expected_in_lead: str
) -> None:
    with make_client() as (client, _):
        cid, token = start(client, locale=locale)
        reply = say(client, cid, token, question)["reply"]
    first = lead(reply["text"])
    assert expected_in_lead in first and first.endswith(("[1].", "[1]"))
    assert len(split_sentences(first, locale)) <= 2  # one sentence, or one and the one it leans on
    points = reply["text"].split("\n")[1:]
    assert len(points) <= 3 and all(p.startswith("- ") for p in points)
    # The page and section are the citation, not a preamble; no notes about sources in the text.
    assert not first.startswith(("From “", "D'après"))
    for chatter in ("come from", "backgrounder", "confirmed them", "According to", "proviennent"):
        assert chatter not in reply["text"]
    assert reply["citations"] and reply["citations"][0]["url"]


@pytest.mark.parametrize(
    ("question", "locale", "expected"),
    [
        (
            "I have a 2.4 GPA, can I do co-op? What do I need?",
            "en",
            "With a 2.4 GPA, you are below the minimum of",
        ),
        (
            "My GPA is 3.6, am I eligible for co-op?",
            "en",
            "With a 3.6 GPA, you meet the minimum of",
        ),
        (
            "J'ai une moyenne de 1,8, suis-je admissible à un stage coop?",
            "fr",
            "Avec une moyenne de 1,8, vous êtes sous le minimum de",
        ),
    ],
)
def test_a_stated_gpa_is_compared_with_the_rule(
    make_client: AppFactory, question: str, locale: str, expected: str
) -> None:
    with make_client() as (client, _):
        cid, token = start(client, locale=locale)
        reply = say(client, cid, token, question)["reply"]
    first = lead(reply["text"])
    assert first.startswith(expected) and first.endswith("[1].")
    # The rule itself follows, with the number it sets.
    rule = reply["text"].split("\n")[1]
    minimum = first.split(expected)[1].split()[0]
    assert minimum in rule and reply["citations"]


def test_a_stated_status_gets_the_sentence_about_it_first() -> None:
    from assistant.answering.personal import how_it_applies

    sentences = [
        "SWPP pays 50% of wages, up to $5,000.",
        "International students are not eligible for SWPP.",
    ]
    applied = how_it_applies("I'm an international student, can I get SWPP?", sentences, "en")
    assert applied is not None and applied.lead == sentences[1]
    fr = ["Le PSPE rembourse 50 %.", "Les étudiants étrangers ne sont pas admissibles au PSPE."]
    applied = how_it_applies("Je suis étudiante étrangère, ai-je droit au PSPE?", fr, "fr")
    assert applied is not None and applied.lead == fr[1]
    assert how_it_applies("Can I get SWPP?", sentences, "en") is None


def test_a_stated_age_gets_the_sentence_about_that_age_first() -> None:
    from assistant.answering.personal import how_it_applies

    en = [
        "Alberta's general minimum wage is $15.00 an hour.",
        "Students under 18 can be paid $13 an hour for their first 28 hours each school week.",
    ]
    applied = how_it_applies("my helper is 16, what do I pay?", en, "en")
    assert applied is not None and applied.lead == en[1]
    fr = [
        "Si votre stagiaire a 18 ans ou plus, prévoyez au moins 15,00 $ de l'heure.",
        "Les étudiants de moins de 18 ans peuvent être payés 13 $ de l'heure.",
    ]
    applied = how_it_applies("quel salaire pour un étudiant de 16 ans?", fr, "fr")
    assert applied is not None and applied.lead == fr[1]
    applied = how_it_applies("mon stagiaire a 22 ans, combien le payer?", fr, "fr")
    assert applied is not None and applied.lead == fr[0]
    # "What the government gives me" says nothing about being a government.
    assert (
        how_it_applies("how much will the government give me?", ["A government pays."], "en")
        is None
    )


def test_a_question_asking_for_a_figure_is_answered_by_a_sentence_giving_one() -> None:
    from assistant.answering.extractive import lead_and_points

    sentences = [
        "CEWIL Canada describes two models of co-op work terms.",
        "In Calgary, co-op programs include 2 to 5 work terms of four months each.",
    ]
    lead_text, points = lead_and_points(sentences, {0, 1}, {0: 2.0, 1: 1.5}, numeric=True)
    assert lead_text == sentences[1] and points == [sentences[0]]
    lead_text, _ = lead_and_points(sentences, {0, 1}, {0: 2.0, 1: 1.5}, numeric=False)
    assert lead_text == sentences[0]
