"""Names typed with no cue and in lower case ("tom o'brien") never leave for the language model."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from assistant.privacy import Masker
from tests.fake_openai import FakeOpenAI
from tests.test_engine_api import say, start

if TYPE_CHECKING:
    from tests.engine_fixtures import AppFactory


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("can you send my application to tom o'brien at SAIT?", "tom o'brien"),
        ("Tom O'Brien supervises our co-op students", "Tom O'Brien"),
        ("je travaille avec marie-ève bouchard sur le projet", "marie-ève bouchard"),
        ("écrivez à jean-françois tremblay au sujet du stage", "jean-françois tremblay"),
    ],
)
def test_a_name_without_a_cue_is_masked_and_restored(text: str, name: str) -> None:
    masker = Masker()
    masked = masker.mask(text)
    assert name.lower() not in masked.lower()
    assert "[NAME_1]" in masked
    assert masker.restore(masked) == text


@pytest.mark.parametrize(
    "question",
    [
        "How much does the SWPP wage subsidy pay?",
        "Combien de jours dure un micro-stage?",
        "Do international students qualify for Mitacs Accelerate?",
        "Mon étudiant doit-il être inscrit à temps plein?",
    ],
)
def test_ordinary_questions_reach_the_model_unchanged(question: str) -> None:
    assert Masker().mask(question) == question


def test_text_kept_for_staff_can_keep_unusual_words() -> None:
    gap = "can interns bring a therapy llama to the office"
    assert Masker(unknown_names=False).mask(gap) == gap


def test_a_lower_case_name_never_reaches_the_llm(
    make_client: AppFactory, fake_llm: FakeOpenAI
) -> None:
    with make_client(llm=fake_llm) as (client, _):
        cid, token = start(client)
        reply = say(client, cid, token, "how much would SWPP pay if we hire tom o'brien?")["reply"]
    sent = "\n".join(fake_llm.prompts()).lower()
    assert fake_llm.requests and "o'brien" not in sent and "tom " not in sent
    assert reply["citations"]
