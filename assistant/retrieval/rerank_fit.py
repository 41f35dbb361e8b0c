"""Fit the reranker's weights on the retrieval examples, and score them by cross-validation.

Every example question's fused candidates are described by `rerank.features`; the sections the
example expects are its answers. A pairwise logistic regression learns which of two candidates
answers (standardised features, every answer paired with every other candidate of the same
question). A second, small logistic regression, fitted on cross-validated scores only, turns the
top score and its margin over the next into the probability that the best-ranked sections answer
(`CONFIDENT_WITHIN`); retrieval is trusted when that probability is at least one half.
k-fold cross-validation over questions (no question scored by weights fitted on it) gives the
honest recall, reported beside the in-sample one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import StandardScaler

from assistant.retrieval.rerank import (
    DEFAULT_WEIGHTS,
    FEATURES,
    LinearReranker,
    RetrievalSignals,
    SectionCandidate,
    features,
)
from assistant.retrieval.search import HybridRetriever

FOLDS = 5
# Regularisation of the logistic regressions (scikit-learn's default strength).
C = 1.0
# The confidence model predicts that an expected section is among this many best-ranked ones
# (the best one: "the best candidate answers the question").
CONFIDENT_WITHIN = 1
# Trust retrieval when the answer is more likely there than not.
THRESHOLD = 0.5


@dataclass
class Example:
    """One retrieval example with its candidates and the conversation signals it was asked with."""

    question: str
    lang: str
    expected: list[str]
    candidates: list[SectionCandidate]
    signals: RetrievalSignals
    heldout: bool = False

    def rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the feature rows and labels of the candidates."""
        x = np.array([features(c, self.signals) for c in self.candidates], dtype=float)
        y = np.array([c.key in self.expected for c in self.candidates], dtype=int)
        return x.reshape(len(self.candidates), len(FEATURES)), y


def collect(retriever: HybridRetriever, questions: Sequence[dict[str, Any]]) -> list[Example]:
    """Gather each example's candidates, with its audience as a remembered signal (not a filter)."""
    examples = []
    for q in questions:
        lang = "fr" if q["lang"] == "fr" else "en"
        base = RetrievalSignals(locale=lang, audience=q.get("audience"))
        signals = retriever.signals_for(q["q"], lang, base)
        candidates, _ = retriever.candidates(q["q"], lang)
        examples.append(
            Example(
                q["q"],
                lang,
                list(q["expected"]),
                candidates,
                signals,
                bool(q.get("heldout")),
            )
        )
    return examples


def fit(examples: Sequence[Example]) -> LinearReranker:
    """Fit the pairwise logistic regression on the examples' candidates (no confidence yet)."""
    rows = [e.rows() for e in examples if e.candidates]
    scaler = StandardScaler().fit(np.vstack([x for x, _ in rows]))
    pairs: list[np.ndarray] = []
    for x, y in rows:
        z = scaler.transform(x)
        for pos in np.flatnonzero(y):
            diffs = z[pos] - z[y == 0]
            pairs += [diffs, -diffs]
    x_pairs = np.vstack(pairs)
    # Each answer-minus-other block is labelled 1, its mirror (other-minus-answer) 0.
    labels = np.concatenate([np.full(len(p), 1 - i % 2) for i, p in enumerate(pairs)])
    model = LogisticRegression(C=C, fit_intercept=False, max_iter=3000).fit(x_pairs, labels)
    scale = [float(v) if v > 0 else 1.0 for v in scaler.scale_]
    return LinearReranker(
        weights={n: float(w) for n, w in zip(FEATURES, model.coef_[0], strict=True)},
        mean={n: float(m) for n, m in zip(FEATURES, scaler.mean_, strict=True)},
        scale=dict(zip(FEATURES, scale, strict=True)),
    )


@dataclass(frozen=True)
class Scored:
    """One example reranked: the rank of its first expected section, and the top two scores."""

    rank: int | None
    top: float
    margin: float


def rank_of(reranker: LinearReranker, example: Example) -> Scored:
    """Rerank an example's candidates; return where its first expected section lands."""
    ranked = sorted(
        ((reranker.score(features(c, example.signals)), c.key) for c in example.candidates),
        key=lambda sk: -sk[0],
    )
    rank = next((i for i, (_, key) in enumerate(ranked, 1) if key in example.expected), None)
    top = ranked[0][0] if ranked else 0.0
    margin = top - ranked[1][0] if len(ranked) > 1 else 0.0
    return Scored(rank, top, margin)


def cross_validated(examples: Sequence[Example], folds: int = FOLDS) -> list[Scored]:
    """Return each example reranked by weights fitted on the other folds."""
    out: list[Scored] = [Scored(None, 0.0, 0.0)] * len(examples)
    groups = np.arange(len(examples))
    for train, test in GroupKFold(n_splits=folds).split(groups, groups=groups):
        model = fit([examples[i] for i in train])
        for i in test:
            out[i] = rank_of(model, examples[i])
    return out


def fit_confidence(cv: Sequence[Scored]) -> dict[str, float]:
    """Fit P(an expected section is within CONFIDENT_WITHIN) from cross-validated top scores."""
    x = np.array([[s.top, s.margin] for s in cv])
    y = np.array([s.rank is not None and s.rank <= CONFIDENT_WITHIN for s in cv], dtype=int)
    if len(set(y.tolist())) < 2:
        return {}
    model = LogisticRegression(C=C, max_iter=2000).fit(x, y)
    return {
        "intercept": float(model.intercept_[0]),
        "top": float(model.coef_[0][0]),
        "margin": float(model.coef_[0][1]),
    }


def fit_all(examples: Sequence[Example], folds: int = FOLDS) -> tuple[LinearReranker, list[Scored]]:
    """Return the reranker fitted on every example, with its confidence model fitted on the
    cross-validated scores, and those cross-validated scores."""
    cv = cross_validated(examples, folds)
    model = fit(examples)
    return (
        LinearReranker(
            weights=model.weights,
            mean=model.mean,
            scale=model.scale,
            confidence=fit_confidence(cv),
            threshold=THRESHOLD,
        ),
        cv,
    )


def recall(ranks: Sequence[int | None]) -> dict[str, float]:
    """Return recall@1, recall@5 and MRR (over the top 5) of ranks."""
    n = len(ranks) or 1
    return {
        "n": len(ranks),
        "recall@1": round(sum(r == 1 for r in ranks) / n, 4),
        "recall@5": round(sum(r is not None and r <= 5 for r in ranks) / n, 4),
        "mrr": round(sum(1.0 / r for r in ranks if r is not None and r <= 5) / n, 4),
    }


def data_hash(datasets: Sequence[Path], knowledge_version: str) -> str:
    """Hash what the weights are fitted on: the examples, the knowledge and the features."""
    digest = hashlib.sha256()
    for dataset in datasets:
        digest.update(dataset.read_bytes())
    digest.update(knowledge_version.encode())
    digest.update("|".join(FEATURES).encode())
    return digest.hexdigest()[:16]


def save(reranker: LinearReranker, path: Path = DEFAULT_WEIGHTS, **meta: Any) -> None:
    """Write the fitted weights (and what they were fitted on) as a small JSON file."""
    data = {
        **meta,
        "features": list(FEATURES),
        "threshold": round(reranker.threshold, 6),
        "confidence": {k: round(v, 6) for k, v in reranker.confidence.items()},
        "weights": {k: round(v, 6) for k, v in reranker.weights.items()},
        "mean": {k: round(v, 6) for k, v in reranker.mean.items()},
        "scale": {k: round(v, 6) for k, v in reranker.scale.items()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def stored_hash(path: Path = DEFAULT_WEIGHTS) -> str | None:
    """Return the data hash the stored weights were fitted on (None when there are none)."""
    if not path.exists():
        return None
    try:
        return str(json.loads(path.read_text(encoding="utf-8")).get("data_hash") or "") or None
    except (OSError, ValueError):
        return None
