"""Turn a scored blind set into training data (after its first score is stored, never before).

    python -m evals.blind_to_training evals/datasets/blind/set6 blind6

writes `assistant/understanding/data/intents/blind6.yaml` and `.../handoff/blind6.yaml` in the
training files' format. Small talk keeps its kind (greeting, thanks, goodbye) as the router's own
guess, since blind sets label only "small_talk".
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from assistant.understanding.examples import DATA_DIR
from assistant.understanding.models import LearnedIntentRouter, trained
from assistant.understanding.protocols import TurnSignals
from evals.understanding_eval import BLIND_INTENTS

_STEPS = {"idle": "idle", "asked_field": "asked_field", "confirming": "confirming"}


def _header(set_dir: Path, kind: str) -> str:
    return (
        f"# Blind {set_dir.name} (evals/datasets/blind/{set_dir.name}/{kind}.yaml), scored once "
        "before tuning, then added here.\n"
    )


def routing_examples(path: Path) -> list[dict[str, Any]]:
    """Return the routing set's utterances as intent training examples."""
    router = LearnedIntentRouter(trained("intents"))
    out: list[dict[str, Any]] = []
    for u in yaml.safe_load(path.read_text(encoding="utf-8"))["utterances"]:
        step = _STEPS[u["context"]]
        item: dict[str, Any] = {
            "step": step,
            "intent": BLIND_INTENTS.get(u["intent"], u["intent"]),
            "lang": u["lang"],
            "text": u["text"],
        }
        if item["intent"] == "small_talk":
            guess = router.route(u["text"], TurnSignals(step=step)).detail  # type: ignore[arg-type]
            item["detail"] = guess if guess in ("greeting", "thanks", "goodbye") else "greeting"
        out.append(item)
    return out


def handoff_examples(path: Path) -> list[dict[str, Any]]:
    """Return the handoff set's messages as handoff training examples."""
    return [
        {"text": m["text"], "lang": m["lang"], "reason": m["reason"] if m["handoff"] else "none"}
        for m in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    ]


def main(set_dir: Path, name: str, root: Path = DATA_DIR) -> None:
    """Write the set's routing and handoff files as training data named `name`."""
    for kind, decision, build in (
        ("routing", "intents", routing_examples),
        ("handoff", "handoff", handoff_examples),
    ):
        source = set_dir / f"{kind}.yaml"
        if not source.exists():
            continue
        body = yaml.safe_dump(
            {"examples": build(source)}, allow_unicode=True, sort_keys=False, width=200
        )
        (root / decision / f"{name}.yaml").write_text(
            _header(set_dir, kind) + body, encoding="utf-8"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
