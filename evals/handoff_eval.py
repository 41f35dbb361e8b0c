"""Score the handoff detector on a labelled dataset: precision, recall, reason accuracy, misses."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.handoff.detect import REASONS, detect_handoff

logger = logging.getLogger(__name__)

EVALS_DIR = Path(__file__).resolve().parent
DEFAULT_DATASET = EVALS_DIR / "datasets" / "handoff.yaml"
DEFAULT_RESULTS = EVALS_DIR / "results" / "handoff.json"
# Categories whose recall must be perfect: an explicit request or a sensitive situation never stays with the bot.
MUST_RECALL = ("explicit", "sensitive")
# Held-out rounds, scored apart from the in-sample cases and from each other (reported, not gated).
# heldout2 was never tuned on; heldout3 and heldout4 were each scored blind once, then used to
# generalise the rules (their later figures are not blind; see the comments in the dataset).
# heldout6 was written blind and scored once before the round-6 rule changes.
HELDOUT_ROUNDS = ("heldout2", "heldout3", "heldout4", "heldout5", "heldout6")


@dataclass(frozen=True)
class Case:
    """One labelled message."""

    text: str
    locale: str
    expect: str | None
    category: str
    accept: tuple[str, ...] = ()
    previous: tuple[str, ...] = ()
    decline_streak: int = 0
    note: str = ""
    split: str = "dev"


@dataclass
class Outcome:
    """What the detector said about one case."""

    text: str
    locale: str
    category: str
    expect: str | None
    got: str | None

    @property
    def ok(self) -> bool:
        """Return True when the handoff decision (not necessarily the reason) is right."""
        return (self.expect is None) == (self.got is None)


@dataclass
class HandoffReport:
    """Aggregate figures and the cases that went wrong."""

    cases: int
    french: int
    precision: float
    recall: float
    f1: float
    reason_accuracy: float
    recall_by_category: dict[str, float]
    recall_by_locale: dict[str, float]
    false_positives: list[dict[str, Any]] = field(default_factory=list)
    false_negatives: list[dict[str, Any]] = field(default_factory=list)
    wrong_reasons: list[dict[str, Any]] = field(default_factory=list)
    mean_ms: float = 0.0

    @property
    def meets_targets(self) -> bool:
        """Return True when recall is 1.0 on explicit and sensitive cases and precision >= 0.95."""
        must = all(self.recall_by_category.get(c, 1.0) == 1.0 for c in MUST_RECALL)
        return must and self.precision >= 0.95

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready report."""
        data = asdict(self)
        data["meets_targets"] = self.meets_targets
        return data


def load_cases(path: Path = DEFAULT_DATASET) -> list[Case]:
    """Read and check the dataset; raise ValueError naming the first bad case."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    cases = []
    for index, item in enumerate(raw.get("cases", [])):
        expect = item.get("expect")
        if expect is not None and expect not in REASONS:
            raise ValueError(f"case {index}: unknown reason {expect!r}")
        if item.get("locale") not in ("en", "fr") or not str(item.get("text", "")).strip():
            raise ValueError(f"case {index}: needs text and locale en|fr")
        cases.append(
            Case(
                text=str(item["text"]),
                locale=item["locale"],
                expect=expect,
                category=str(item.get("category", "negative" if expect is None else "other")),
                accept=tuple(item.get("accept", ())),
                previous=tuple(item.get("previous", ())),
                decline_streak=int(item.get("decline_streak", 0)),
                note=str(item.get("note", "")),
                split=str(item.get("split", "dev")),
            )
        )
    return cases


def load_blind_first_run(path: Path = DEFAULT_DATASET) -> dict[str, dict[str, Any]]:
    """Return each held-out round's recorded blind figures (dataset key `blind_first_run`)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    recorded = raw.get("blind_first_run") or {}
    if not isinstance(recorded, dict):
        raise ValueError("blind_first_run must map a held-out round to its figures")
    return {str(name): dict(figures) for name, figures in recorded.items()}


def _ratio(num: int, den: int) -> float:
    return round(num / den, 4) if den else 1.0


def evaluate(cases: list[Case]) -> HandoffReport:
    """Run the detector on every case and compute the figures."""
    outcomes: list[tuple[Case, Outcome]] = []
    started = time.perf_counter()
    for case in cases:
        got = detect_handoff(
            case.text,
            case.locale,
            previous_user_texts=list(case.previous),
            decline_streak=case.decline_streak,
        )
        outcomes.append((case, Outcome(case.text, case.locale, case.category, case.expect, got)))
    elapsed_ms = (time.perf_counter() - started) * 1000
    tp = sum(1 for c, o in outcomes if c.expect is not None and o.got is not None)
    fp = sum(1 for c, o in outcomes if c.expect is None and o.got is not None)
    fn = sum(1 for c, o in outcomes if c.expect is not None and o.got is None)
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0
    right_reason = sum(
        1 for c, o in outcomes if o.got is not None and (o.got == c.expect or o.got in c.accept)
    )

    def recall_where(pred: Any) -> float:
        chosen = [(c, o) for c, o in outcomes if c.expect is not None and pred(c)]
        return _ratio(sum(1 for _, o in chosen if o.got is not None), len(chosen))

    categories = sorted({c.category for c in cases if c.expect is not None})
    return HandoffReport(
        cases=len(cases),
        french=sum(1 for c in cases if c.locale == "fr"),
        precision=precision,
        recall=recall,
        f1=f1,
        reason_accuracy=_ratio(right_reason, tp),
        recall_by_category={
            cat: recall_where(lambda c, cat=cat: c.category == cat) for cat in categories
        },
        recall_by_locale={
            loc: recall_where(lambda c, loc=loc: c.locale == loc) for loc in ("en", "fr")
        },
        false_positives=[asdict(o) for c, o in outcomes if c.expect is None and o.got is not None],
        false_negatives=[asdict(o) for c, o in outcomes if c.expect is not None and o.got is None],
        wrong_reasons=[
            asdict(o)
            for c, o in outcomes
            if o.got is not None
            and c.expect is not None
            and o.got != c.expect
            and o.got not in c.accept
        ],
        mean_ms=round(elapsed_ms / max(len(cases), 1), 4),
    )


@dataclass
class EvalResult:
    """Figures on the cases the rules were developed on, and on the held-out cases."""

    in_sample: HandoffReport
    heldout: dict[str, HandoffReport] = field(default_factory=dict)
    # Recorded figures of each held-out round's one blind run (before rules were tuned on it).
    blind_first_run: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready result."""
        return {
            "in_sample": self.in_sample.to_dict(),
            "heldout": {name: report.to_dict() for name, report in self.heldout.items()},
            "blind_first_run": self.blind_first_run,
            "meets_targets": self.in_sample.meets_targets,
        }


def run_handoff_eval(
    dataset: Path = DEFAULT_DATASET, results: Path | None = DEFAULT_RESULTS
) -> EvalResult:
    """Evaluate the dataset (in-sample and held-out) and write the result as JSON when `results` is given."""
    cases = load_cases(dataset)
    rounds = {name: [c for c in cases if c.split == name] for name in HELDOUT_ROUNDS}
    result = EvalResult(
        in_sample=evaluate([c for c in cases if c.split not in HELDOUT_ROUNDS]),
        heldout={name: evaluate(chosen) for name, chosen in rounds.items() if chosen},
        blind_first_run=load_blind_first_run(dataset),
    )
    if results is not None:
        results.parent.mkdir(parents=True, exist_ok=True)
        results.write_text(
            json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        logger.info("handoff eval written to %s", results)
    return result


def format_report(result: EvalResult) -> str:
    """Return a plain-text summary for the terminal."""
    lines = []
    named = [("in-sample", result.in_sample)]
    named += [(f"held-out {name}", report) for name, report in result.heldout.items()]
    for name, report in named:
        by_cat = ", ".join(f"{k} {v:.2f}" for k, v in report.recall_by_category.items())
        lines += [
            f"{name}: {report.cases} messages ({report.french} French)",
            f"  precision {report.precision:.3f}  recall {report.recall:.3f}  F1 {report.f1:.3f}  "
            f"reason accuracy {report.reason_accuracy:.3f}",
            f"  recall by category: {by_cat}",
            f"  recall EN {report.recall_by_locale['en']:.2f} / FR {report.recall_by_locale['fr']:.2f}; "
            f"{report.mean_ms:.3f} ms per message",
        ]
        lines += [f"  missed ({o['expect']}): {o['text']}" for o in report.false_negatives]
        lines += [f"  false alarm ({o['got']}): {o['text']}" for o in report.false_positives]
        lines += [
            f"  wrong reason ({o['got']} for {o['expect']}): {o['text']}"
            for o in report.wrong_reasons
        ]
    for name, blind in result.blind_first_run.items():
        by_cat = ", ".join(f"{k} {v}" for k, v in blind.get("hits_by_category", {}).items())
        lines.append(
            f"held-out {name}, blind first run (recorded): precision {blind.get('precision')}  "
            f"recall {blind.get('recall')}  ({by_cat})"
        )
    verdict = "meets" if result.in_sample.meets_targets else "MISSES"
    lines.append(
        f"targets (in-sample recall 1.0 on explicit and sensitive, precision >= 0.95): {verdict}"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    print(format_report(run_handoff_eval()))
