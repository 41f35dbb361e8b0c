"""Decide whether the best-ranked section answers the question, or whether to say "I don't know".

A question the guides do not answer still has a nearest section: "How do I issue a T4 for my
intern?" lands on the pay rules, "Does NAIT have a welding co-op?" on the co-op definition. The
decision looks at the question's evidence, not its wording: how strongly the top candidates match
(reranked score and its margin, dense similarity, keyword coverage, the nearest listed question),
whether the top section belongs to another institution or audience than the one in play, and how
much of the question the knowledge has no word for at all ("T4", "NAIT", "non-concurrence").

The weights are a logistic regression fitted on labelled examples (`answerability_fit`): the
answerable questions of the retrieval and answers evals, and the unanswerable ones in
`assistant/understanding/data/answerability/` (out of scope, and in scope but not covered, EN and
FR). They are stored in `data/answerability.json`; nothing here is hand-set.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.retrieval.rerank import SectionCandidate, context_features
from assistant.understanding.protocols import Decision, TurnSignals

DEFAULT_ANSWERABILITY = Path(__file__).resolve().parent / "data" / "answerability.json"

ANSWER = "answer"
DONT_KNOW = "dont_know"

# What the decision sees about one question and its reranked candidates.
ANSWERABILITY_FEATURES = (
    "top",
    "margin",
    "top_dense",
    "best_dense",
    "top_coverage",
    "top_bm25",
    "top_question",
    "best_question",
    "top_heading",
    "top_institution_other",
    "top_institution_match",
    "top_audience_other",
    "unknown",
    "unknown_any",
    "terms",
    "french",
)


def answerability_features(
    ranked: Sequence[SectionCandidate], signals: TurnSignals, unknown: float, terms: int
) -> dict[str, float]:
    """Describe a reranked candidate list (best first) for the answerability decision.

    Args:
        ranked: the candidates, best first, each with its reranked `score` and `evidence`.
        signals: the conversation's signals (audience, institutions) the reranker weighed.
        unknown: the share of the question's informative words the knowledge never uses.
        terms: how many informative words the question has.
    """
    if not ranked:
        return {name: 0.0 for name in ANSWERABILITY_FEATURES} | {"unknown": unknown}
    top = ranked[0]
    ev = top.evidence
    context = context_features(top, signals)
    return {
        "top": float(top.score),
        "margin": float(top.score - ranked[1].score) if len(ranked) > 1 else 0.0,
        "top_dense": ev.get("dense", 0.0),
        "best_dense": max(c.evidence.get("dense", 0.0) for c in ranked),
        "top_coverage": ev.get("coverage", 0.0),
        "top_bm25": ev.get("bm25", 0.0),
        "top_question": ev.get("question", 0.0),
        "best_question": max(c.evidence.get("question", 0.0) for c in ranked),
        "top_heading": ev.get("heading", 0.0),
        "top_institution_other": context["institution_other"],
        "top_institution_match": context["institution_match"],
        "top_audience_other": context["audience_other"],
        "unknown": unknown,
        "unknown_any": float(unknown > 0),
        "terms": float(min(terms, 20)) / 20.0,
        "french": float(signals.locale == "fr"),
    }


@dataclass(frozen=True)
class LinearAnswerability:
    """P(the best-ranked section answers) from fitted weights over standardised features; below
    `threshold` the assistant says it doesn't know and offers a person (and nearby sections)."""

    weights: Mapping[str, float]
    mean: Mapping[str, float]
    scale: Mapping[str, float]
    intercept: float = 0.0
    threshold: float = 0.5
    meta: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = DEFAULT_ANSWERABILITY) -> LinearAnswerability:
        """Read fitted weights written by `answerability_fit.save`."""
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinearAnswerability:
        """Build the decision from its stored form."""
        stored = ("weights", "mean", "scale", "intercept", "threshold")
        return cls(
            weights=dict(data["weights"]),
            mean=dict(data["mean"]),
            scale=dict(data["scale"]),
            intercept=float(data.get("intercept", 0.0)),
            threshold=float(data.get("threshold", 0.5)),
            meta={k: v for k, v in data.items() if k not in stored},
        )

    def probability(self, values: Mapping[str, float]) -> float:
        """Return the probability that the best-ranked section answers the question."""
        z = self.intercept + sum(
            self.weights.get(n, 0.0)
            * (values.get(n, 0.0) - self.mean.get(n, 0.0))
            / (self.scale.get(n) or 1.0)
            for n in ANSWERABILITY_FEATURES
        )
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def decide(self, question: str, features: Mapping[str, float]) -> Decision:
        """Return `answer` or `dont_know` with the probability that the top section answers."""
        del question  # the features already measured it
        p = self.probability(features)
        label = ANSWER if p >= self.threshold else DONT_KNOW
        return Decision(label, p if label == ANSWER else 1.0 - p, alternatives=((ANSWER, p),))
