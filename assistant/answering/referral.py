"""Say where to turn when the guides can't help: tax to the CRA or an accountant, a permit to IRCC
or a licensed adviser, one institution's programs to its co-op office.

The places and the questions that belong to each are data (`data/referrals.yaml`, EN and FR); a
small text classifier trained on them picks the place for a declined question, or none (then the
decline offers a liaison, as before).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from assistant.understanding.classifier import TextClassifier

REFERRALS_FILE = Path(__file__).resolve().parent / "data" / "referrals.yaml"
NONE = "none"
# Below this the decline names no place: a wrong place is worse than the liaison alone.
THRESHOLD = 0.5


@dataclass(frozen=True)
class Referrals:
    """The places (with their words in each language) and the classifier that picks one."""

    where: dict[str, dict[str, str]]
    model: TextClassifier

    def pick(self, question: str) -> str | None:
        """Return the referral that fits the question, or None."""
        proba = self.model.proba_one(question, "idle")
        best = max(range(len(proba)), key=lambda i: float(proba[i]))
        label = self.model.labels[best]
        return None if label == NONE or float(proba[best]) < THRESHOLD else label

    def sentence(self, question: str, locale: str) -> str:
        """Return the sentence naming where to turn, in the locale ("" when none fits)."""
        label = self.pick(question)
        if label is None:
            return ""
        texts = self.where.get(label, {})
        return texts.get("fr" if locale == "fr" else "en", "")


def load(path: Path = REFERRALS_FILE) -> Referrals:
    """Read the referrals and train their classifier."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    where: dict[str, dict[str, str]] = {}
    texts: list[str] = []
    labels: list[str] = []
    for name, entry in (data.get("referrals") or {}).items():
        if name != NONE:
            if not (entry.get("where") or {}).get("en") or not entry["where"].get("fr"):
                raise ValueError(f"{path.name}: referral {name!r} needs `where` in en and fr")
            where[name] = dict(entry["where"])
        for ex in entry.get("examples") or []:
            texts.append(str(ex["text"]))
            labels.append(str(name))
    model = TextClassifier().fit(texts, ["idle"] * len(texts), labels)
    return Referrals(where, model)


@cache
def default_referrals() -> Referrals:
    """Return the shipped referrals, trained once per process."""
    return load()
