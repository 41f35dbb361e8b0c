"""Rerank fused candidates with a linear model whose weights were fitted on the retrieval examples.

Each candidate section carries evidence (dense similarity, BM25 score and coverage, how closely the
question matches one the section answers, its rank after fusion) and the reranker adds what the
conversation knows (audience, institution). The weights come from `data/reranker.json`, written by
`wil-assistant eval retrieval` (a cross-validated logistic regression, see `rerank_fit`); nothing
here is hand-set. The model's probability that the top section answers the question is the
retrieval's confidence.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.understanding.protocols import TurnSignals

DEFAULT_WEIGHTS = Path(__file__).resolve().parent / "data" / "reranker.json"

# Evidence the retriever measures for each candidate (all in [0, 1] or small ranges).
EVIDENCE = (
    "fused",
    "fused_rank",
    "dense",
    "dense_gap",
    "bm25",
    "coverage",
    "question",
    "question_gap",
    "heading",
    "no_twin",
    "historic",
)
# What the conversation adds: who is asking and which institution they mean.
CONTEXT = ("audience_match", "audience_other", "institution_match", "institution_other")
FEATURES = EVIDENCE + CONTEXT


@dataclass(frozen=True)
class RetrievalSignals(TurnSignals):
    """Turn signals plus what retrieval weighs: the audience and the institutions in play.

    `audience` is `employer`, `student` or None (unknown); `institutions` are registry ids named
    by the question or remembered from the conversation.
    """

    audience: str | None = None
    institutions: tuple[str, ...] = ()


@dataclass
class SectionCandidate:
    """One fused candidate section (satisfies `understanding.protocols.Candidate`)."""

    key: str
    lang: str
    audience: str
    institution: str | None
    score: float
    evidence: dict[str, float] = field(default_factory=dict)
    probability: float = 0.0


def context_features(candidate: SectionCandidate, signals: TurnSignals) -> dict[str, float]:
    """Return the audience and institution features of a candidate for this conversation."""
    audience = signals.audience if isinstance(signals, RetrievalSignals) else None
    named = signals.institutions if isinstance(signals, RetrievalSignals) else ()
    own = candidate.audience
    inst = candidate.institution or ""
    return {
        "audience_match": float(bool(audience) and own == audience),
        "audience_other": float(bool(audience) and own not in ("all", audience)),
        "institution_match": float(bool(inst) and inst in named),
        "institution_other": float(bool(inst) and inst not in named),
    }


def features(candidate: SectionCandidate, signals: TurnSignals) -> list[float]:
    """Return the candidate's feature vector, in `FEATURES` order."""
    values = {**candidate.evidence, **context_features(candidate, signals)}
    return [float(values.get(name, 0.0)) for name in FEATURES]


@dataclass(frozen=True)
class LinearReranker:
    """Score candidates with fitted weights over standardised features (a pairwise logistic
    regression: which of two candidates answers), and say how sure the top one is.

    `confidence` holds a second fitted model, over the top score and its margin over the next
    one, giving the probability that the top section (or the next) answers; below `threshold`
    the retrieval is not trusted to answer.
    """

    weights: Mapping[str, float]
    mean: Mapping[str, float]
    scale: Mapping[str, float]
    confidence: Mapping[str, float] = field(default_factory=dict)
    threshold: float = 0.0
    meta: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = DEFAULT_WEIGHTS) -> LinearReranker:
        """Read fitted weights written by `rerank_fit.save`."""
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinearReranker:
        """Build a reranker from its stored form."""
        return cls(
            weights=dict(data["weights"]),
            mean=dict(data["mean"]),
            scale=dict(data["scale"]),
            confidence=dict(data.get("confidence") or {}),
            threshold=float(data.get("threshold", 0.0)),
            meta={
                k: v
                for k, v in data.items()
                if k not in ("weights", "mean", "scale", "confidence", "threshold")
            },
        )

    def score(self, values: Sequence[float]) -> float:
        """Return the candidate's ranking score (higher: more likely the answer)."""
        z = 0.0
        for name, value in zip(FEATURES, values, strict=True):
            scale = self.scale.get(name) or 1.0
            z += self.weights.get(name, 0.0) * (value - self.mean.get(name, 0.0)) / scale
        return z

    def sureness(self, scores: Sequence[float]) -> float:
        """Return the probability that the best-ranked sections answer, from the ranking scores
        (best first): the top score and its margin over the next one."""
        if not scores or not self.confidence:
            return 1.0
        top = scores[0]
        margin = top - scores[1] if len(scores) > 1 else 0.0
        c = self.confidence
        z = c.get("intercept", 0.0) + c.get("top", 0.0) * top + c.get("margin", 0.0) * margin
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def rerank(self, question: str, candidates: Sequence[Any], signals: TurnSignals) -> list[Any]:
        """Return the candidates best first, each with its ranking score as `score`; the top one
        carries the confidence in `probability`."""
        del question  # the evidence already measured it
        for cand in candidates:
            cand.score = self.score(features(cand, signals))
        ranked = sorted(candidates, key=lambda c: -c.score)
        if ranked:
            ranked[0].probability = self.sureness([c.score for c in ranked])
        return ranked
