"""The answers eval reports each held-out batch on its own and keeps its first (honest) score."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from channels.cli.eval_answers import format_report
from evals import answers_eval
from evals.answers_eval import DATASET, HELD_OUT, Outcome, load_cases


def test_every_held_out_batch_is_loaded_and_marked() -> None:
    cases = load_cases(DATASET, include_blind=True)
    names = {c.subset for c in cases}
    assert names >= {"", *HELD_OUT}
    assert all(c.id.startswith(c.subset) for c in cases if c.subset)
    blind3 = [c for c in cases if c.subset == "blind3"]
    assert len(blind3) >= 40
    assert {c.lang for c in blind3} == {"en", "fr"}
    assert {c.category for c in blind3} == {"fact", "decline", "injection"}


def _outcome(case_id: str, subset: str, passed: bool) -> Outcome:
    return Outcome(
        id=case_id,
        lang="en",
        category="fact",
        passed=passed,
        reasons=[] if passed else ["missing fact"],
        cited_expected=None,
        latency_ms=1.0,
        composer="extractive",
        reply="",
        subset=subset,
    )


def test_first_score_is_recorded_once_then_carried_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = tmp_path / "answers.yaml"
    dataset.write_text(
        "cases:\n  - {id: main-1, lang: en, category: fact, q: x}\n"
        "blind3_cases:\n  - {id: blind3-a, lang: en, category: fact, q: y}\n",
        encoding="utf-8",
    )
    output = tmp_path / "answers.json"
    passes = iter([False, True])

    async def fake_run(_settings: Any, _retriever: Any, _llm: Any, cases: list[Any]) -> list[Any]:
        outcome = next(passes)
        return [
            _outcome(c.id, c.subset, outcome if c.subset else True)
            for c in cases  # main passes; the held-out case fails first, then passes
        ]

    monkeypatch.setattr(answers_eval, "run_cases", fake_run)
    settings: Any = object()
    first = answers_eval.run_answers_eval(
        settings, modes=("offline",), dataset=dataset, output=output, retriever=None, llm=None
    )
    assert first["first_scores"]["blind3"]["overall"]["passed"] == 0
    assert first["first_scores"]["blind3"]["failed"] == ["blind3-a"]
    second = answers_eval.run_answers_eval(
        settings, modes=("offline",), dataset=dataset, output=output, retriever=None, llm=None
    )
    assert second["modes"]["offline"]["blind3"]["overall"]["passed"] == 1
    saved = json.loads(output.read_text(encoding="utf-8"))
    assert saved["first_scores"]["blind3"]["overall"]["passed"] == 0  # the honest figure stays
    text = format_report(second)
    assert "held-out blind3: 1/1" in text and "first score 0/1" in text
