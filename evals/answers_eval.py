"""Score the assistant's answers: facts present and cited, out-of-scope declined, injections refused.

Each case runs through the real engine (`Assistant.handle`) in a fresh conversation, offline
(extractive) and, when an LLM is configured, with the LLM. Conversations go to a throwaway
database; the knowledge index is the one in the configured data dir.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import statistics
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import yaml

from assistant.config import Settings
from assistant.conversations import create_conversation
from assistant.llm import ChatModel, make_chat_model
from assistant.runtime import build_retriever, build_runtime
from assistant.store.models import Message

logger = logging.getLogger(__name__)

DATASET = Path(__file__).resolve().parent / "datasets" / "answers.yaml"
RESULTS = Path(__file__).resolve().parent / "results" / "answers.json"
Category = Literal["fact", "decline", "injection"]
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


@dataclass(frozen=True)
class Case:
    """One question and what a good reply must (not) contain."""

    id: str
    lang: str
    category: Category
    q: str
    facts: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    # Earlier messages of the same conversation, sent first (for follow-up questions).
    history: list[str] = field(default_factory=list)
    # Which held-out batch the case comes from ("blind", "blind2", "blind3": the dataset's
    # `<name>_cases` sections), or "" for the main `cases`. Held-out batches are scored alike
    # but reported separately.
    subset: str = ""


@dataclass
class Outcome:
    """How the assistant did on one case."""

    id: str
    lang: str
    category: str
    passed: bool
    reasons: list[str]
    cited_expected: bool | None
    latency_ms: float
    composer: str | None
    reply: str
    subset: str = ""
    # Answered with citations, none of them a section the case lists, and without its facts: a
    # cited answer to a different question (or any citation on a question to decline).
    different_question: bool = False
    # Declined while naming the nearest sections the guides have (weak retrieval said).
    nearby: bool = False


# Held-out batches, in the order they were written; each is the dataset section `<name>_cases`.
HELD_OUT = ("blind", "blind2", "blind3")


def load_cases(path: Path = DATASET, *, include_blind: bool = False) -> list[Case]:
    """Read the dataset's `cases` and, when asked, its held-out batches (`blind_cases`,
    `blind2_cases`, `blind3_cases`), each case marked with its batch name in `subset`."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = [Case(**item) for item in data["cases"]]
    if include_blind:
        for name in HELD_OUT:
            cases += [Case(**{**item, "subset": name}) for item in data.get(f"{name}_cases") or []]
    return cases


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).lower()


def judge(
    case: Case, text: str, citations: list[dict[str, Any]], meta: dict[str, Any]
) -> list[str]:
    """Return why the reply fails the case (empty when it passes)."""
    reasons: list[str] = []
    shown = _norm(text)
    status = meta.get("answer_status")
    if case.category == "fact":
        if not citations:
            reasons.append("no citation")
        if status != "answered":
            reasons.append(f"not answered ({status or meta.get('handoff_reason') or 'other'})")
        reasons += [f"missing fact {fact!r}" for fact in case.facts if _norm(fact) not in shown]
    elif case.category == "decline":
        if citations:
            reasons.append("cited a passage for an out-of-scope question")
        if status not in ("declined", "out_of_scope"):
            reasons.append(f"not declined ({status or 'other'})")
    else:
        if citations:
            reasons.append("cited a passage instead of refusing")
        if not meta.get("refused"):
            reasons.append("not refused")
        reasons += [f"forbidden text {bad!r}" for bad in case.forbidden if _norm(bad) in shown]
    return reasons


def answered_elsewhere(
    case: Case, cited_keys: set[Any], reasons: list[str], meta: dict[str, Any]
) -> bool:
    """Say whether the reply is a cited answer to a different question than the case's."""
    if not cited_keys - {None}:
        return False
    if case.category != "fact":
        return True
    missing = any(r.startswith("missing fact") for r in reasons)
    return (
        meta.get("answer_status") == "answered"
        and bool(case.keys)
        and not (cited_keys & set(case.keys))
        and missing
    )


async def run_cases(
    settings: Settings, retriever: Any, llm: ChatModel | None, cases: list[Case]
) -> list[Outcome]:
    """Run every case through a fresh engine and conversation; return the outcomes."""
    with tempfile.TemporaryDirectory(prefix="wil-eval-") as tmp:
        scratch = settings.model_copy(
            update={"data_dir": Path(tmp), "database_url": None, "redis_url": None}
        )
        runtime = build_runtime(scratch, retriever=retriever, llm=llm)
        outcomes: list[Outcome] = []
        try:
            for case in cases:
                conv, _ = create_conversation(runtime.db, channel="api", locale=case.lang)
                for earlier in case.history:
                    await runtime.assistant.handle(conv.id, earlier)
                started = time.perf_counter()
                turn = await runtime.assistant.handle(conv.id, case.q)
                latency = (time.perf_counter() - started) * 1000
                with runtime.db.session() as s:
                    msg = s.get(Message, turn.message_id) if turn.message_id else None
                    meta = dict(msg.meta or {}) if msg is not None else {}
                citations = [c.model_dump() for c in turn.citations]
                reasons = judge(case, turn.text, citations, meta)
                if turn.locale != case.lang:
                    reasons.append(f"answered in {turn.locale}")
                cited_keys = {c.get("key") for c in citations}
                outcomes.append(
                    Outcome(
                        id=case.id,
                        lang=case.lang,
                        category=case.category,
                        passed=not reasons,
                        reasons=reasons,
                        cited_expected=bool(cited_keys & set(case.keys)) if case.keys else None,
                        latency_ms=round(latency, 1),
                        composer=meta.get("composer"),
                        reply=turn.text,
                        subset=case.subset,
                        different_question=answered_elsewhere(case, cited_keys, reasons, meta),
                        nearby=bool(meta.get("nearby")),
                    )
                )
        finally:
            await runtime.close()
    return outcomes


def _rate(items: list[Outcome]) -> dict[str, Any]:
    passed = sum(o.passed for o in items)
    return {
        "passed": passed,
        "total": len(items),
        "rate": round(passed / len(items), 3) if items else None,
    }


def summarize(outcomes: list[Outcome]) -> dict[str, Any]:
    """Return pass rates overall, per language, per category and per both, with latency."""
    by_lang: dict[str, list[Outcome]] = defaultdict(list)
    by_cat: dict[str, list[Outcome]] = defaultdict(list)
    by_both: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_lang[o.lang].append(o)
        by_cat[o.category].append(o)
        by_both[f"{o.lang}/{o.category}"].append(o)
    keyed = [o for o in outcomes if o.cited_expected is not None]
    latencies = sorted(o.latency_ms for o in outcomes)
    different = {
        lang: {
            "count": sum(o.different_question for o in items),
            "total": len(items),
            "rate": round(sum(o.different_question for o in items) / len(items), 3),
            "ids": [o.id for o in items if o.different_question],
        }
        for lang, items in sorted(by_lang.items())
    }
    return {
        "overall": _rate(outcomes),
        "by_language": {k: _rate(v) for k, v in sorted(by_lang.items())},
        "by_category": {k: _rate(v) for k, v in sorted(by_cat.items())},
        "by_language_category": {k: _rate(v) for k, v in sorted(by_both.items())},
        "cited_expected_section": round(sum(bool(o.cited_expected) for o in keyed) / len(keyed), 3)
        if keyed
        else None,
        "answered_a_different_question": different,
        "declined_with_nearby_topics": sum(o.nearby for o in outcomes),
        "llm_fallbacks": sum(
            1 for o in outcomes if o.category == "fact" and o.composer == "extractive"
        ),
        "latency_ms": {
            "p50": round(statistics.median(latencies), 1) if latencies else None,
            "p95": round(latencies[int(0.95 * (len(latencies) - 1))], 1) if latencies else None,
        },
        "failures": [asdict(o) for o in outcomes if not o.passed],
    }


def _first_score(summary: dict[str, Any]) -> dict[str, Any]:
    """The part of a held-out batch's summary kept as its first (before-tuning) score."""
    keep = ("overall", "by_language", "by_category", "by_language_category")
    return {
        **{k: summary[k] for k in keep},
        "failed": [f["id"] for f in summary["failures"]],
    }


def _previous_run(output: Path | None) -> tuple[dict[str, Any], set[str]]:
    """The first scores recorded in the results file by earlier runs, and the held-out batches
    an earlier run already scored (a batch's first score is only taken on its very first run)."""
    if output is None or not output.exists():
        return {}, set()
    try:
        previous = json.loads(output.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, set()
    if not isinstance(previous, dict):
        return {}, set()
    scores = previous.get("first_scores")
    offline = (previous.get("modes") or {}).get("offline") or {}
    seen = {name for name in HELD_OUT if name in offline}
    return (dict(scores) if isinstance(scores, dict) else {}), seen


def run_answers_eval(
    settings: Settings,
    *,
    modes: tuple[str, ...] = ("offline", "llm"),
    dataset: Path = DATASET,
    output: Path | None = RESULTS,
    retriever: Any = "auto",
    llm: ChatModel | str | None = "auto",
) -> dict[str, Any]:
    """Score the dataset in each mode available (LLM only when configured) and write the results.

    The first offline score of each held-out batch is the honest one (later runs may have been
    tuned on it), so it is kept in the results file under `first_scores` and carried over by
    every later run that writes the same file.
    """
    cases = load_cases(dataset, include_blind=True)
    if retriever == "auto":
        retriever = build_retriever(settings)
    chat = make_chat_model(settings) if llm == "auto" else llm
    if isinstance(chat, str):
        raise ValueError("llm must be a ChatModel, None or 'auto'")
    first_scores, already_scored = _previous_run(output)
    report: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "dataset": dataset.name,
        "cases": len(cases),
        **{f"{name}_cases": sum(c.subset == name for c in cases) for name in HELD_OUT},
        "modes": {},
    }
    for mode in modes:
        if mode == "llm" and chat is None:
            report["modes"]["llm"] = {
                "skipped": "no LLM configured (WIL_LLM_BASE_URL or WIL_LLM_PROVIDER)"
            }
            continue
        outcomes = asyncio.run(
            run_cases(settings, retriever, chat if mode == "llm" else None, cases)
        )
        # Rates cover the main cases (comparable with earlier runs); each held-out batch is
        # summarised on its own under its name ("blind", "blind2", "blind3").
        # "failures" lists all of them (held-out ids start with the batch name).
        summary = summarize([o for o in outcomes if not o.subset])
        for name in HELD_OUT:
            subset = [o for o in outcomes if o.subset == name]
            if not subset:
                continue
            sub_summary = summarize(subset)
            summary["failures"] += sub_summary["failures"]
            if mode != "llm":
                sub_summary.pop("llm_fallbacks", None)
                if name not in first_scores and name not in already_scored:
                    first_scores[name] = {
                        "recorded_at": report["generated_at"],
                        "mode": mode,
                        **_first_score(sub_summary),
                    }
            summary[name] = sub_summary
        if mode != "llm":
            summary.pop("llm_fallbacks")
        report["modes"][mode] = summary
    if first_scores:
        report["first_scores"] = first_scores
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return report
