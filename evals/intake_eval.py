"""Score intake extraction (per-field precision/recall/F1) and scripted dialogs, offline.

The dataset has two parts scored separately: `utterances`/`dialogs` are in-sample (the rules were
tuned on them, so they gate the build); `heldout_*` are fresh phrasings that guided the general
fixes once (scored before and after); `fresh_*` to `fresh5_*` were each written blind after the
previous fixes, scored once before tuning, then used to guide general fixes. Held-out sections are
reported for information only.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from assistant.intake import (
    IntakeState,
    continue_intake,
    default_field_extractor,
    detect_intake_start,
    start_intake,
)

DATASET = Path(__file__).parent / "datasets" / "intake.yaml"
RESULTS = Path(__file__).parent / "results" / "intake.json"
TODAY = date(2026, 11, 23)
TARGET_F1 = 0.95
SECTIONS = {
    "in_sample": ("utterances", "dialogs"),
    "heldout": ("heldout_utterances", "heldout_dialogs"),
    "fresh": ("fresh_utterances", "fresh_dialogs"),
    "fresh2": ("fresh2_utterances", "fresh2_dialogs"),
    "fresh3": ("fresh3_utterances", "fresh3_dialogs"),
    "fresh4": ("fresh4_utterances", "fresh4_dialogs"),
    "fresh5": ("fresh5_utterances", "fresh5_dialogs"),
}
LIAISON_CUE = ("liaison", "personne-ressource")


@dataclass
class FieldScore:
    """True positives, false positives and false negatives for one field."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def as_dict(self) -> dict[str, float]:
        """Return the counts with precision, recall and F1."""
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
        }


@dataclass
class DialogResult:
    """How one scripted dialog ended and what went wrong, if anything."""

    id: str
    completed: bool
    turns: int
    status: str
    problems: list[str] = field(default_factory=list)
    repeated_asks: list[str] = field(default_factory=list)


def same(expected: Any, actual: Any) -> bool:
    """Compare values, ignoring case for text (free-text fields keep the person's casing)."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, str) and isinstance(actual, str):
        return expected.casefold() == actual.casefold()
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return float(expected) == float(actual) and not isinstance(actual, bool)
    return bool(expected == actual)


def score_utterances(
    items: list[dict[str, Any]], today: date
) -> tuple[dict[str, FieldScore], list[dict[str, Any]]]:
    """Run extraction on each utterance and count per-field matches."""
    scores: dict[str, FieldScore] = defaultdict(FieldScore)
    misses = []
    extractor = default_field_extractor()  # the runtime's reader: the learned target, the parsers
    for item in items:
        found = extractor.extract(
            item["kind"],
            item["text"],
            asked=item.get("asking"),
            known={},
            today=today,
            locale=item.get("lang", "en"),
        ).values
        expected = item.get("expect") or {}
        for name in set(found) | set(expected):
            if name in found and name in expected and same(expected[name], found[name]):
                scores[name].tp += 1
                continue
            if name in found:
                scores[name].fp += 1
            if name in expected:
                scores[name].fn += 1
            misses.append(
                {
                    "id": item["id"],
                    "field": name,
                    "expected": expected.get(name),
                    "found": found.get(name),
                }
            )
    return dict(scores), misses


def run_dialog(dialog: dict[str, Any], today: date) -> DialogResult:
    """Play a scripted dialog and check its final status, fields and per-turn outcomes."""
    locale, turns = dialog.get("lang", "en"), dialog["turns"]
    step = start_intake(dialog["kind"], turns[0], locale=locale, today=today)
    outcomes = [step.outcome]
    asking = [step.state.asking]
    repeated: list[str] = []
    for text in turns[1:]:
        if step.state.status in {"submitted", "cancelled"}:
            break
        before: IntakeState = step.state
        given = {k for k, v in before.fields.items() if v is not None}
        step = continue_intake(before, text, locale=locale, today=today)
        if (
            step.state.asking in given
            and step.outcome == "asking"
            and before.status != "confirming"
        ):
            repeated.append(str(step.state.asking))
        outcomes.append(step.outcome)
        asking.append(step.state.asking)
    problems = []
    if step.state.status != dialog["expect_status"]:
        problems.append(f"status {step.state.status} != {dialog['expect_status']}")
    if dialog.get("expect_outcome") and outcomes[-1] != dialog["expect_outcome"]:
        problems.append(f"last outcome {outcomes[-1]} != {dialog['expect_outcome']}")
    for index, outcome in (dialog.get("expect_outcomes") or {}).items():
        actual = outcomes[int(index)] if int(index) < len(outcomes) else None
        if actual != outcome:
            problems.append(f"turn {index} outcome {actual} != {outcome}")
    for index, name in (dialog.get("expect_asking") or {}).items():
        asked = asking[int(index)] if int(index) < len(asking) else None
        if asked != name:
            problems.append(f"turn {index} asked {asked} != {name}")
    for name, value in (dialog.get("expect_fields") or {}).items():
        if not same(value, step.state.fields.get(name)):
            problems.append(f"{name}: {step.state.fields.get(name)!r} != {value!r}")
    if len(outcomes) < len(turns):
        problems.append(f"ended after {len(outcomes)} of {len(turns)} turns")
    if step.outcome == "consent_refused" and not any(
        cue in s.casefold() for s in step.suggestions for cue in LIAISON_CUE
    ):
        problems.append("consent refused without offering a liaison")
    if dialog.get("after_close") and detect_intake_start(dialog["after_close"]):
        problems.append("the follow-up after closing restarted an intake")
    return DialogResult(
        id=dialog["id"],
        completed=not problems and not repeated,
        turns=len(outcomes),
        status=step.state.status,
        problems=problems,
        repeated_asks=repeated,
    )


def evaluate(
    utterances: list[dict[str, Any]], dialogs_data: list[dict[str, Any]], today: date
) -> dict[str, Any]:
    """Score one section: per-field extraction and scripted dialogs."""
    scores, misses = score_utterances(utterances, today)
    total = FieldScore(
        sum(s.tp for s in scores.values()),
        sum(s.fp for s in scores.values()),
        sum(s.fn for s in scores.values()),
    )
    dialogs = [run_dialog(d, today) for d in dialogs_data]
    done = [d for d in dialogs if d.completed]
    return {
        "utterances": len(utterances),
        "fields": {name: scores[name].as_dict() for name in sorted(scores)},
        "micro": total.as_dict(),
        "misses": misses,
        "dialogs": [d.__dict__ for d in dialogs],
        "dialog_completion_rate": round(len(done) / len(dialogs), 4) if dialogs else 1.0,
        "mean_turns_to_complete": round(sum(d.turns for d in done) / len(done), 2) if done else 0.0,
        "fields_asked_twice": sum(len(d.repeated_asks) for d in dialogs),
    }


def run(dataset: Path = DATASET, output: Path | None = RESULTS) -> dict[str, Any]:
    """Score the in-sample and held-out sections, write the JSON report if asked, and return it."""
    data = yaml.safe_load(dataset.read_text(encoding="utf-8"))
    today = data.get("today") or TODAY
    report: dict[str, Any] = {"today": today.isoformat()}
    for section, (utterance_key, dialog_key) in SECTIONS.items():
        if data.get(utterance_key) or data.get(dialog_key):
            report[section] = evaluate(
                data.get(utterance_key) or [], data.get(dialog_key) or [], today
            )
            # A blind batch's score before any rule was tuned on it stays beside the live one.
            before = (data.get("before_tuning") or {}).get(section)
            if before:
                report[section]["before_tuning"] = before
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return report


def meets_targets(section: dict[str, Any], min_f1: float = TARGET_F1) -> bool:
    """Say whether a section reaches the targets: micro F1, every dialog done, nothing asked twice."""
    return (
        section["micro"]["f1"] >= min_f1
        and section["dialog_completion_rate"] == 1.0
        and section["fields_asked_twice"] == 0
    )


def format_section(section: dict[str, Any]) -> str:
    """Render one section as a plain-text table."""
    lines = [f"{'field':<24}{'P':>8}{'R':>8}{'F1':>8}{'n':>6}"]
    for name, s in section["fields"].items():
        lines.append(
            f"{name:<24}{s['precision']:>8.3f}{s['recall']:>8.3f}{s['f1']:>8.3f}"
            f"{s['tp'] + s['fn']:>6}"
        )
    micro = section["micro"]
    lines.append(
        f"{'ALL (micro)':<24}{micro['precision']:>8.3f}{micro['recall']:>8.3f}"
        f"{micro['f1']:>8.3f}{micro['tp'] + micro['fn']:>6}"
    )
    lines.append("")
    for d in section["dialogs"]:
        mark = "ok " if d["completed"] else "FAIL"
        detail = "; ".join(d["problems"] + [f"asked again: {f}" for f in d["repeated_asks"]])
        lines.append(f"{mark} {d['id']:<5} {d['status']:<10} turns={d['turns']:<3} {detail}")
    lines.append(
        f"dialog completion: {section['dialog_completion_rate']:.0%}  "
        f"mean turns: {section['mean_turns_to_complete']}  "
        f"fields asked twice: {section['fields_asked_twice']}"
    )
    before = section.get("before_tuning")
    if before:
        passed = sum(1 for d in section["dialogs"] if d["completed"])
        lines.append(
            f"before tuning: micro F1 {before['f1']:.3f}, dialogs {before['dialogs_passed']}/"
            f"{before['dialogs']}  ->  now: micro F1 {section['micro']['f1']:.3f}, dialogs "
            f"{passed}/{len(section['dialogs'])}"
        )
    return "\n".join(lines)


def format_report(report: dict[str, Any]) -> str:
    """Render the in-sample section (the gate) and the held-out section (information)."""
    titles = {
        "in_sample": "IN-SAMPLE (rules tuned on these; gates the build)",
        "heldout": "HELD-OUT (fresh phrasings, since used to guide fixes; information only)",
        "fresh": "FRESH HELD-OUT (written after the fixes, tuned on since; information only)",
        "fresh2": "FRESH 2 HELD-OUT (second fresh batch, tuned on since; information only)",
        "fresh3": "FRESH 3 HELD-OUT (blind-written phone-style batch, tuned on since; information only)",
        "fresh4": "FRESH 4 HELD-OUT (second blind-written phone-style batch, tuned on since; information only)",
        "fresh5": "FRESH 5 HELD-OUT (third blind-written phone-style batch, scored before tuning; information only)",
    }
    parts = [
        f"== {titles[name]}: {report[name]['utterances']} utterances ==\n"
        + format_section(report[name])
        for name in SECTIONS
        if name in report
    ]
    return "\n\n".join(parts)


def main() -> None:
    """Run the intake eval and print the table."""
    print(format_report(run()))


if __name__ == "__main__":
    main()
