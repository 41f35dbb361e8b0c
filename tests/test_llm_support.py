"""The claim-support check on its own eval: sentences citing a real section, supported or not.

Every sentence of the eval (tests/fixtures/claims.yaml, English and French) must be judged right:
an invented amount, date, duration or name is refused, an honest paraphrase goes through.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.answering.llm_answer import instructions_text
from assistant.answering.support import ClaimChecker
from assistant.knowledge_lint import load_page
from tests.conftest import REPO_ROOT

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "claims.yaml").read_text(encoding="utf-8")
)


@dataclass
class Section:
    """A knowledge section, shaped like a retrieved passage."""

    key: str
    title: str
    section: str
    text: str
    lang: str
    url: str | None = None
    source: str = ""
    snippet: str = ""


def section(ref: str) -> Section:
    path, anchor = ref.split("#")
    page = load_page(REPO_ROOT / "knowledge" / path, REPO_ROOT / "knowledge")
    heading, text = page.sections[anchor]
    return Section(key=ref, title=page.title, section=heading, text=text, lang=path[:2])


@pytest.mark.parametrize("case", CASES, ids=[f"{c['passage']}:{c['sentence'][:30]}" for c in CASES])
def test_each_sentence_is_judged_as_a_reader_would(case: dict[str, Any]) -> None:
    passage = section(case["passage"])
    checker = ClaimChecker([passage], passage.lang, instructions_text(passage.lang))
    verdict = checker.check(case["sentence"])
    assert verdict.supported is case["supported"], verdict.reason


def test_the_eval_has_both_kinds_in_both_languages() -> None:
    kinds = {(c["passage"][:2], c["supported"]) for c in CASES}
    assert kinds == {("en", True), ("en", False), ("fr", True), ("fr", False)}
    assert len(CASES) >= 20


def test_a_sentence_citing_nothing_must_be_supported_by_some_passage() -> None:
    rates = section("en/playbook/funding.md#swpp-rates")
    checker = ClaimChecker([rates], "en")
    assert checker.check("SWPP normally covers 50% of a student's wages.").supported
    assert not checker.check("Apply today and get paid tomorrow.").supported
    assert checker.check("It also funds moon trips [9].").reason == "words"


def test_streamed_text_is_released_only_sentence_by_sentence_after_its_check() -> None:
    from assistant.answering.llm_answer import CheckedAnswer
    from assistant.privacy import Masker

    rates = section("en/playbook/funding.md#swpp-rates")
    masker = Masker()
    masker.mask("I'm Sarah Okafor")  # [NAME_1]
    gate = CheckedAnswer([rates], "en", masker=masker, instructions=instructions_text("en"))
    text = (
        "Hi [NAME_1]. SWPP normally covers 50% of a student's wages [1]. Every employer is "
        "guaranteed a $25,000 grant [1]. For under-represented groups it rises to 70% of wages, "
        "up to $7,000 [3]."
    )
    shown = [gate.feed(word + " ") for word in text.split()] + [gate.flush()]
    released = [s for s in shown if s]
    # Nothing shows before the first supported, cited sentence: the greeting (no claim in it)
    # waited for it; the invented grant never came out; the invalid [3] was removed.
    assert released[0] == "Hi Sarah Okafor. SWPP normally covers 50% of a student's wages [1]."
    assert "".join(released) == (
        "Hi Sarah Okafor. SWPP normally covers 50% of a student's wages [1]. For under-represented "
        "groups it rises to 70% of wages, up to $7,000."
    )
    assert gate.dropped == ["fact"] and gate.used == [1]


def test_a_fault_in_the_check_falls_back_instead_of_failing_the_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio

    from assistant.answering import llm_answer
    from assistant.errors import LLMError
    from assistant.llm import ChatMessage

    class Echo:
        async def complete(self, messages: list[ChatMessage]) -> str:
            return "SWPP normally covers 50% of a student's wages [1]."

    def broken(self: object, sentence: str) -> None:
        raise RuntimeError("bug in the check")

    monkeypatch.setattr(llm_answer.ClaimChecker, "check", broken)
    rates = section("en/playbook/funding.md#swpp-rates")
    with pytest.raises(LLMError):  # the answerer catches it and answers extractively
        asyncio.run(llm_answer.compose_with_llm(Echo(), "How much?", [rates], "en"))  # type: ignore[arg-type]
