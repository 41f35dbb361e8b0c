"""What a person sees when the guides don't hold the answer, and when a follow-up swaps the institution."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.engine_fixtures import index_pages
from tests.test_engine_api import say, start

if TYPE_CHECKING:
    from tests.engine_fixtures import AppFactory

# Institutions, term lengths, pay and funding, in both languages: the nearest sections an
# unanswerable question about co-op or payroll would otherwise be answered from.
PAGES = [
    "institutions/mru.md",
    "institutions/ucalgary.md",
    "institutions/sait.md",
    "playbook/timelines.md",
    "playbook/what-is-wil.md",
    "playbook/costs-and-pay.md",
    "playbook/funding.md",
]


@pytest.fixture(scope="module")
def knowledge_retriever(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real index of those pages (EN and FR), built once for this module."""
    pages = [f"{lang}/{page}" for lang in ("en", "fr") for page in PAGES]
    return index_pages(tmp_path_factory, pages, "answerability")


# Words a reply uses to offer a liaison, in each language.
PERSON = {"en": "talk to a person", "fr": "parler à quelqu'un"}


def _declines_with_a_person(body: dict[str, object], lang: str) -> None:
    reply = body["reply"]
    assert isinstance(reply, dict)
    assert reply["citations"] == [], reply["text"]
    assert PERSON[lang] in reply["text"].lower()


def test_an_unknown_in_scope_question_gets_i_dont_know_and_a_person(
    make_client: AppFactory,
) -> None:
    # About work-integrated learning, but at an institution the guides don't cover: the nearest
    # section (another institution's co-op, the co-op definition) must not be quoted as the answer.
    with make_client() as (client, _):
        cid, token = start(client)
        english = say(client, cid, token, "Does NAIT run a plumbing co-op program?")
        cid, token = start(client, locale="fr")
        french = say(client, cid, token, "Est-ce que NAIT offre un programme coop en plomberie?")
    _declines_with_a_person(english, "en")
    _declines_with_a_person(french, "fr")


def test_a_payroll_question_the_guides_dont_cover_is_not_answered_with_pay_rules(
    make_client: AppFactory,
) -> None:
    with make_client() as (client, _):
        cid, token = start(client)
        english = say(client, cid, token, "How do I fill in the T4 for my co-op student?")
        cid, token = start(client, locale="fr")
        french = say(client, cid, token, "Comment je remplis le T4 de mon stagiaire coop?")
    _declines_with_a_person(english, "en")
    _declines_with_a_person(french, "fr")


def test_and_at_mru_after_a_ucalgary_co_op_answer_answers_for_mru(
    make_client: AppFactory,
) -> None:
    with make_client() as (client, _):
        cid, token = start(client)
        first = say(client, cid, token, "how long are co-op terms at ucalgary?")
        mru = say(client, cid, token, "and at mru?")
    assert "four months" in first["reply"]["text"]
    cited = " | ".join(c["title"] for c in mru["reply"]["citations"])
    assert "Mount Royal" in cited, mru["reply"]["text"]
    assert "4 or 8 months" in mru["reply"]["text"]
