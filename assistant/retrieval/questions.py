"""The questions each section answers, embedded: its heading (written as a question) and the questions
people ask it (knowledge front matter `questions`). A question that means what one of them means
is strong evidence for that section, in whichever language either is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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

    def best(self, vector: np.ndarray) -> dict[str, float]:
        """Return each section's best cosine between `vector` and one of its questions."""
        if not self.keys:
            return {}
        sims = self.vectors @ np.asarray(vector, dtype=np.float32)
        best: dict[str, float] = {}
        for key, sim in zip(self.keys, sims.tolist(), strict=True):
            if sim > best.get(key, -1.0):
                best[key] = float(sim)
        return best
