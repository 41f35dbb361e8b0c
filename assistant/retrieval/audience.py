"""Who is asking, from the words of the message: cues per audience and language in
`data/audience.yaml` (data, not code). The conversation remembers the answer."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from assistant.text_input import fold_casual

CUES_FILE = Path(__file__).resolve().parent / "data" / "audience.yaml"
AUDIENCES = ("employer", "student")


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w']+", " ", fold_casual(text)).split())


class AudienceCues:
    """Count each audience's cues in a message; the audience with more of them is the asker's."""

    def __init__(self, cues: Mapping[str, Sequence[str]]) -> None:
        self._patterns: dict[str, re.Pattern[str]] = {}
        for audience, phrases in cues.items():
            folded = sorted({_fold(p) for p in phrases if _fold(p)}, key=len, reverse=True)
            if folded:
                alternatives = "|".join(re.escape(p) for p in folded)
                self._patterns[audience] = re.compile(rf"(?<![\w'])(?:{alternatives})(?![\w'])")

    @classmethod
    def load(cls, path: Path = CUES_FILE) -> AudienceCues:
        """Read the cues of every language from the data file."""
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls(
            {
                audience: [p for by_lang in (data.get(audience) or {}).values() for p in by_lang]
                for audience in AUDIENCES
            }
        )

    def infer(self, text: str) -> str | None:
        """Return `employer` or `student` when the message says which, else None."""
        folded = _fold(text)
        counts = {a: len(p.findall(folded)) for a, p in self._patterns.items()}
        best = max(counts.values(), default=0)
        winners = [a for a, n in counts.items() if n == best]
        return winners[0] if best and len(winners) == 1 else None
