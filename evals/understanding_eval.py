"""Score the conversation's decisions: k-fold cross-validation, in-sample, and blind sets.

Cross-validated figures are the honest ones for the training data (no example is scored by a model
trained on it); in-sample figures are for regression only. Blind sets (evals/datasets/blind/) were
written by someone who had not seen the code, the rules or the data; their first score, taken
before any change made for them, is stored in evals/results/understanding_blind_first.json and
carried forward unchanged.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from assistant.intake.extractor import LearnedFieldExtractor
from assistant.routing import decide
from assistant.understanding.classifier import normalise
from assistant.understanding.examples import DATA_DIR, Example
from assistant.understanding.models import (
    LearnedHandoffDetector,
    LearnedIntentRouter,
    _training_set,
    train,
)
from assistant.understanding.protocols import TurnSignals

BLIND_DIR = Path(__file__).parent / "datasets" / "blind" / "set8"
RESULTS = Path(__file__).parent / "results"
BLIND_INTENTS = {
    "start_employer_offer": "start_employer",
    "start_student_profile": "start_student",
    "ask_for_person": "handoff",
    "delete_my_data": "delete_data",
    "answer_field": "answer",
}


def _rate(pairs: Sequence[tuple[str, bool]]) -> dict[str, Any]:
    by: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for lang, ok in pairs:
        for key in (lang, "all"):
            by[key][0] += int(ok)
            by[key][1] += 1
    return {k: {"accuracy": round(a / b, 4), "n": b} for k, (a, b) in sorted(by.items())}


def _predict(decision: str, model: Any, e: Example) -> str:
    if decision == "fields":
        kind, _, asked = e.step.partition(":")
        return LearnedFieldExtractor(model).target(kind, e.text, asked).label
    if decision == "intents":
        return LearnedIntentRouter(model).route(e.text, TurnSignals(step=e.step)).label  # type: ignore[arg-type]
    return LearnedHandoffDetector(model).detect(e.text, TurnSignals(step="asked_field")).label


def cross_validate(decision: str, folds: int = 5, root: Path = DATA_DIR) -> dict[str, Any]:
    """Return k-fold cross-validated and in-sample accuracy per language for one decision."""
    examples = _training_set(decision, root)
    labels = np.array([e.label for e in examples])
    cv: list[tuple[str, bool]] = []
    misses: list[dict[str, str]] = []
    splits = StratifiedKFold(folds, shuffle=True, random_state=0).split(
        np.zeros(len(labels)), labels
    )
    if decision == "fields":
        # The field examples repeat a message under several questions asked: every copy of a
        # message stays in one fold, so none is scored by a model that saw it under another.
        groups = np.array([normalise(e.text) for e in examples])
        grouped = StratifiedGroupKFold(folds, shuffle=True, random_state=0)
        splits = grouped.split(np.zeros(len(labels)), labels, groups)
    for train_idx, test_idx in splits:
        model = train(decision, [examples[i] for i in train_idx])
        for i in test_idx:
            got = _predict(decision, model, examples[i])
            ok = got == examples[i].label
            cv.append((examples[i].lang, ok))
            if not ok:
                misses.append({"text": examples[i].text, "want": examples[i].label, "got": got})
    started = time.perf_counter()
    full = train(decision, examples)
    train_s = time.perf_counter() - started
    insample = [(e.lang, _predict(decision, full, e) == e.label) for e in examples]
    return {
        "examples": len(examples),
        "folds": folds,
        "cross_validated": _rate(cv),
        "in_sample": _rate(insample),
        "train_seconds": round(train_s, 2),
        "cv_misses_sample": misses[:25],
    }


def held_out_sets(decision: str, root: Path = DATA_DIR) -> dict[str, Any]:
    """Leave each scored blind set out of training in turn and score the model on it.

    Blind sets are written by people who never saw the data, so a set left out measures wording
    the rest of the data was not built from: closer to a new user than random folds (whose
    neighbours are often paraphrases of each other). It is still optimistic: examples written after
    a set's first score were written knowing what it missed. The stored first scores are the honest
    figures. Handoff is also scored as "a person is brought in" (recall, precision).
    """
    examples = _training_set(decision, root)
    sets = sorted({e.source for e in examples if e.source.startswith("blind")})
    per_set: dict[str, Any] = {}
    hits = total = tp = fp = fn = 0
    for name in sets:
        held = [e for e in examples if e.source == name]
        model = train(decision, [e for e in examples if e.source != name])
        ok = 0
        for e in held:
            got = _predict(decision, model, e)
            ok += got == e.label
            if decision == "handoff":
                want, fired = e.label != "none", got != "none"
                tp += want and fired
                fp += fired and not want
                fn += want and not fired
        per_set[name.removesuffix(".yaml")] = {"accuracy": round(ok / len(held), 4), "n": len(held)}
        hits, total = hits + ok, total + len(held)
    out: dict[str, Any] = {"sets": per_set, "accuracy": round(hits / total, 4) if total else None}
    if decision == "handoff" and tp + fn:
        out["recall"] = round(tp / (tp + fn), 4)
        out["precision"] = round(tp / (tp + fp), 4) if tp + fp else 1.0
    return out


def score_blind_routing(router: Any, detector: Any, path: Path) -> dict[str, Any]:
    """Score the blind routing set with the router and detector as the engine combines them."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs: list[tuple[str, bool]] = []
    misses = []
    for u in raw["utterances"]:
        want = BLIND_INTENTS.get(u["intent"], u["intent"])
        step = {"idle": "idle", "asked_field": "asked_field", "confirming": "confirming"}[
            u["context"]
        ]
        signals = TurnSignals(locale=u["lang"], step=step)  # type: ignore[arg-type]
        # The engine's combination of the two decisions (assistant.routing.decide).
        decision, handoff = decide(router, detector, u["text"], signals)
        got = "handoff" if handoff is not None else decision.label
        ok = got == want
        pairs.append((u["lang"], ok))
        if not ok:
            misses.append(
                {"id": u["id"], "step": step, "text": u["text"], "want": want, "got": got}
            )
    return {"scores": _rate(pairs), "misses": misses}


def score_blind_handoff(router: Any, detector: Any, path: Path) -> dict[str, Any]:
    """Score the blind handoff set: recall and precision of 'a person is brought in'."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    tp = fp = fn = tn = 0
    misses = []
    by_lang: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for m in raw["messages"]:
        step = "asked_field" if m.get("context") == "in_form" else "idle"
        signals = TurnSignals(
            locale=m["lang"],
            step=step,  # type: ignore[arg-type]
            previous_user_texts=tuple(m.get("previous") or ()),
        )
        # The engine's combination of the two decisions (assistant.routing.decide).
        _, handoff = decide(router, detector, m["text"], signals)
        fired = handoff is not None
        reason = handoff.label if handoff is not None else "none"
        want = bool(m["handoff"])
        if fired and want:
            tp += 1
            by_lang[m["lang"]][0] += 1
        elif fired:
            fp += 1
            by_lang[m["lang"]][1] += 1
        elif want:
            fn += 1
            by_lang[m["lang"]][2] += 1
        else:
            tn += 1
        if fired != want:
            misses.append(
                {"id": m["id"], "text": m["text"], "want": m.get("reason"), "got": reason}
            )
    recall = tp / (tp + fn) if tp + fn else 1.0
    precision = tp / (tp + fp) if tp + fp else 1.0
    return {
        "n": tp + fp + fn + tn,
        "recall": round(recall, 4),
        "precision": round(precision, 4),
        "by_lang": {k: {"tp": v[0], "fp": v[1], "fn": v[2]} for k, v in sorted(by_lang.items())},
        "misses": misses,
    }


def run_understanding_eval(folds: int = 5, blind_dir: Path = BLIND_DIR) -> dict[str, Any]:
    """Cross-validate the three decisions and score the blind sets present."""
    report: dict[str, Any] = {
        "intents": cross_validate("intents", folds),
        "handoff": cross_validate("handoff", folds),
        "fields": cross_validate("fields", folds),
    }
    for decision in ("intents", "handoff"):
        report[decision]["held_out_blind_sets"] = held_out_sets(decision)
    router = LearnedIntentRouter(train("intents", _training_set("intents", DATA_DIR)))
    detector = LearnedHandoffDetector(train("handoff", _training_set("handoff", DATA_DIR)))
    blind: dict[str, Any] = {}
    if (blind_dir / "routing.yaml").exists():
        blind["routing"] = score_blind_routing(router, detector, blind_dir / "routing.yaml")
    if (blind_dir / "handoff.yaml").exists():
        blind["handoff"] = score_blind_handoff(router, detector, blind_dir / "handoff.yaml")
    report["blind_live"] = blind
    first = RESULTS / "understanding_blind_first.json"
    if first.exists():
        report["blind_first_run"] = json.loads(first.read_text(encoding="utf-8"))
    return report


__all__ = ["cross_validate", "format_report", "run_understanding_eval"]


def format_report(report: dict[str, Any]) -> str:
    """Render the report as the lines `wil-assistant eval understanding` prints."""
    lines = []
    for decision in ("intents", "handoff", "fields"):
        if decision not in report:
            continue
        r = report[decision]
        cv, ins = r["cross_validated"], r["in_sample"]
        lines.append(
            f"{decision}: {r['examples']} examples, {r['folds']}-fold cross-validated accuracy "
            f"EN {cv['en']['accuracy']:.3f} / FR {cv['fr']['accuracy']:.3f} / all "
            f"{cv['all']['accuracy']:.3f}; in-sample (regression only) {ins['all']['accuracy']:.3f}; "
            f"trained in {r['train_seconds']} s"
        )
        held = r.get("held_out_blind_sets") or {}
        if held.get("accuracy") is not None:
            line = (
                f"  {decision}, each blind set left out of training in turn: accuracy "
                f"{held['accuracy']:.3f} over {len(held['sets'])} sets"
            )
            if "recall" in held:
                line += f" (a person brought in: recall {held['recall']:.3f}, precision {held['precision']:.3f})"
            lines.append(line)
    for name, blind in (report.get("blind_live") or {}).items():
        if name == "routing":
            s = blind["scores"]
            lines.append(
                f"blind set routing (live): EN {s['en']['accuracy']:.3f} / FR "
                f"{s['fr']['accuracy']:.3f} / all {s['all']['accuracy']:.3f}"
            )
        else:
            lines.append(
                f"blind set handoff (live): recall {blind['recall']:.3f}, "
                f"precision {blind['precision']:.3f} on {blind['n']}"
            )
    for name, first in (report.get("blind_first_run") or {}).items():
        r, h = first["routing_accuracy"], first["handoff"]
        line = (
            f"blind {name}, first score before tuning: routing EN {r['en']['accuracy']:.3f} / FR "
            f"{r['fr']['accuracy']:.3f} (n={r['all']['n']}); handoff recall {h['recall']:.3f} at "
            f"precision {h['precision']:.3f} (n={h['n']})"
        )
        if "previous_rules_same_sets" in first:
            old = first["previous_rules_same_sets"]
            line += (
                f"; the rules before scored routing {old['routing_accuracy']['all']:.3f}, handoff "
                f"recall {old['handoff']['recall']:.3f} at precision {old['handoff']['precision']:.3f}"
            )
        lines.append(line)
    return "\n".join(lines)
