"""The questions each section answers, embedded: its heading (written as a question) and the questions
people ask it (knowledge front matter `questions`). A question that means what one of them means
is strong evidence for that section, in whichever language either is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.retrieval.index import StoredChunk


def section_questions(chunks: Sequence[StoredChunk]) -> list[tuple[str, str]]:
    """Return (section key, question) for every section's heading and listed questions, once each."""
    seen: set[tuple[str, str]] = set()
    out: list[tuple[str, str]] = []
    for chunk in chunks:
        meta = chunk.metadata
        key = str(meta.get("key", chunk.chunk_id))
        texts = [str(meta.get("section") or ""), *str(meta.get("questions") or "").split("\n")]
        for text in texts:
            text = text.strip()
            if text and (key, text) not in seen:
                seen.add((key, text))
                out.append((key, text))
    return out


@dataclass(frozen=True)
class QuestionBank:
    """Section questions and their unit vectors, matched against a question's vector."""

    keys: list[str]
    texts: list[str]
    vectors: np.ndarray
    # Derived once (speed, issue 13): each section's rows grouped, for a vectorised best-of.
    _sections: list[str] = field(init=False, repr=False, compare=False)
    _position: dict[str, int] = field(init=False, repr=False, compare=False)
    _perm: np.ndarray = field(init=False, repr=False, compare=False)
    _starts: np.ndarray = field(init=False, repr=False, compare=False)
    _masks: dict[frozenset[str], np.ndarray] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sections = list(dict.fromkeys(self.keys))
        position = {key: i for i, key in enumerate(sections)}
        codes = np.array([position[key] for key in self.keys], dtype=np.int64)
        perm = np.argsort(codes, kind="stable")
        starts = np.searchsorted(codes[perm], np.arange(len(sections))) if sections else codes
        object.__setattr__(self, "_sections", sections)
        object.__setattr__(self, "_position", position)
        object.__setattr__(self, "_perm", perm)
        object.__setattr__(self, "_starts", starts)
        object.__setattr__(self, "_masks", {})

    def _best_array(self, vector: np.ndarray) -> np.ndarray:
        """Return each section's best cosine, in the order sections first appear in `keys`."""
        sims = self.vectors @ np.asarray(vector, dtype=np.float32)
        return np.maximum.reduceat(sims[self._perm], self._starts)

    def best(self, vector: np.ndarray) -> dict[str, float]:
        """Return each section's best cosine between `vector` and one of its questions."""
        if not self.keys:
            return {}
        return dict(zip(self._sections, self._best_array(vector).tolist(), strict=True))

    def best_allowed(
        self, vector: np.ndarray, allowed: frozenset[str], n: int
    ) -> tuple[Callable[[str], float], float, list[str]]:
        """Match `vector` against the sections in `allowed` only: return a lookup of a section's
        best cosine (0 for one left out or without questions), the best cosine of all, and the
        `n` best sections (ties in the order sections first appear)."""
        if not self.keys:
            return (lambda _key: 0.0), 0.0, []
        mask = self._masks.get(allowed)
        if mask is None:
            mask = np.array([key in allowed for key in self._sections], dtype=bool)
            if len(self._masks) < 256:  # one per filter in use; a bound, not a tuning
                self._masks[allowed] = mask
        best = self._best_array(vector)
        rows = np.flatnonzero(mask)
        top = float(best[rows].max()) if rows.size else 0.0
        chosen = rows[np.argsort(-best[rows], kind="stable")[:n]]
        position, sections = self._position, self._sections

        def lookup(key: str) -> float:
            at = position.get(key)
            return float(best[at]) if at is not None and mask[at] else 0.0

        return lookup, top, [sections[i] for i in chosen.tolist()]
