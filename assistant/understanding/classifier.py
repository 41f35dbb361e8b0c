"""A small text classifier for the conversation's decisions, trained from examples in seconds.

Character n-grams (2-5, accents folded) carry French as well as English and survive phone typing;
word uni- and bigrams carry phrasing; the conversation's step is a one-hot feature, so "yes" after
a summary and "yes" to "is the position paid?" can mean different things. A logistic-loss linear model
(stochastic gradient descent: under a second to train on a few thousand examples) turns them into a
probability per label: the confidence every decision reports.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier

logger = logging.getLogger(__name__)

STEPS = ("idle", "asked_field", "confirming", "yes_no")
_SPACES = re.compile(r"\s+")
# Curly quotes and apostrophes become straight ones, so "c’est" and "c'est" are the same word.
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def normalise(text: str) -> str:
    """Return lower-case text without accents, with straight quotes and single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES).lower())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare).strip()


@dataclass
class TextClassifier:
    """Character + word TF-IDF and the step, into a logistic-loss linear model."""

    alpha: float = 1e-5
    step_weight: float = 1.0
    labels: tuple[str, ...] = ()
    # The one-hot context beside the text: the conversation's step for intents; for the field
    # decision, the form's kind and the field it just asked ("employer:role_title").
    step_values: tuple[str, ...] = STEPS
    _chars: TfidfVectorizer | None = field(default=None, repr=False)
    _words: TfidfVectorizer | None = field(default=None, repr=False)
    _model: SGDClassifier | None = field(default=None, repr=False)

    def _steps(self, steps: Sequence[str]) -> sparse.csr_matrix:
        rows = np.arange(len(steps))
        values = self.step_values
        cols = np.array([values.index(s) if s in values else 0 for s in steps])
        data = np.full(len(steps), self.step_weight)
        return sparse.csr_matrix((data, (rows, cols)), shape=(len(steps), len(values)))

    def _features(self, texts: Sequence[str], steps: Sequence[str]) -> sparse.csr_matrix:
        assert self._chars is not None and self._words is not None
        norm = [normalise(t) for t in texts]
        return sparse.hstack(
            [self._chars.transform(norm), self._words.transform(norm), self._steps(steps)]
        ).tocsr()

    def fit(
        self, texts: Sequence[str], steps: Sequence[str], labels: Sequence[str]
    ) -> TextClassifier:
        """Fit the vectorisers and the model on labelled texts."""
        norm = [normalise(t) for t in texts]
        self._chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1
        )
        self._words = TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            sublinear_tf=True,
            token_pattern=r"(?u)\b\w+\b|[?$%@/]",  # noqa: S106 - a regex, not a secret
        )
        self._chars.fit(norm)
        self._words.fit(norm)
        x = self._features(texts, steps)
        self._model = SGDClassifier(
            loss="log_loss", alpha=self.alpha, class_weight="balanced", max_iter=50, random_state=0
        )
        with warnings.catch_warnings():
            # 50 passes are plenty for these sizes; the last digits of the loss don't matter here.
            warnings.simplefilter("ignore", ConvergenceWarning)
            self._model.fit(x, list(labels))
        self.labels = tuple(str(label) for label in self._model.classes_)
        return self

    def predict_proba(self, texts: Sequence[str], steps: Sequence[str]) -> np.ndarray:
        """Return one probability row per text, columns in `self.labels` order."""
        if self._model is None:
            raise RuntimeError("the classifier is not trained")
        proba: np.ndarray = self._model.predict_proba(self._features(texts, steps))
        return proba

    def _compile(self) -> _Compiled:
        assert self._chars is not None and self._words is not None and self._model is not None
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            compiled = _Compiled(
                self._chars, self._words, self._model, self.step_weight, self.step_values
            )
            self.__dict__["_compiled"] = compiled
        return compiled

    def proba_one(self, text: str, step: str = "idle") -> np.ndarray:
        """Return the probability row for one text: `predict_proba`'s result, without its overhead.

        sklearn's per-call validation costs milliseconds; a turn asks two or three decisions about
        one short message, so the trained weights are applied directly (a test holds the two equal).
        """
        if self._model is None:
            raise RuntimeError("the classifier is not trained")
        return self._compile().proba(normalise(text), step)


def _char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """Return sklearn's `char_wb` n-grams of a text (each word padded with one space each side)."""
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            offset = 0
            grams.append(padded[offset : offset + n])
            while offset + n < size:
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:  # a short word is counted once
                break
    return grams


class _Compiled:
    """The trained vectorisers and model as plain arrays, for one text at a time."""

    def __init__(
        self,
        chars: TfidfVectorizer,
        words: TfidfVectorizer,
        model: SGDClassifier,
        step_weight: float,
        step_values: tuple[str, ...] = STEPS,
    ) -> None:
        self.char_vocab: dict[str, int] = chars.vocabulary_
        self.char_idf = chars.idf_
        self.char_range: tuple[int, int] = chars.ngram_range
        self.word_vocab: dict[str, int] = words.vocabulary_
        self.word_idf = words.idf_
        self.word_pattern = re.compile(str(words.token_pattern))
        self.word_range: tuple[int, int] = words.ngram_range
        self.n_chars = len(self.char_idf)
        self.n_words = len(self.word_idf)
        # (n_features, n_classes) so that a few rows are gathered per message.
        self.coef = np.ascontiguousarray(model.coef_.T)
        self.intercept = model.intercept_
        self.step_weight = step_weight
        self.step_values = step_values
        self.binary = len(model.classes_) == 2

    @staticmethod
    def _tfidf(
        grams: list[str], vocab: dict[str, int], idf: np.ndarray
    ) -> tuple[list[int], np.ndarray]:
        counts: dict[int, int] = {}
        for gram in grams:
            index = vocab.get(gram)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return [], np.zeros(0)
        index_list = list(counts)
        values = (1.0 + np.log(np.array([counts[i] for i in index_list], dtype=float))) * idf[
            index_list
        ]
        return index_list, values / np.linalg.norm(values)

    def _word_grams(self, text: str) -> list[str]:
        tokens = self.word_pattern.findall(text)
        low, high = self.word_range
        grams: list[str] = []
        for n in range(low, high + 1):
            grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return grams

    def proba(self, text: str, step: str) -> np.ndarray:
        char_idx, char_val = self._tfidf(
            _char_wb_ngrams(_SPACES.sub(" ", text), *self.char_range),
            self.char_vocab,
            self.char_idf,
        )
        word_idx, word_val = self._tfidf(self._word_grams(text), self.word_vocab, self.word_idf)
        values = self.step_values
        step_idx = self.n_chars + self.n_words + (values.index(step) if step in values else 0)
        scores = self.intercept.copy()
        if char_idx:
            scores += char_val @ self.coef[char_idx]
        if word_idx:
            scores += word_val @ self.coef[[self.n_chars + i for i in word_idx]]
        scores += self.step_weight * self.coef[step_idx]
        if self.binary:
            p = 1.0 / (1.0 + np.exp(-scores[0]))
            return np.array([1.0 - p, p])
        proba = 1.0 / (1.0 + np.exp(-scores))
        total = proba.sum()
        return proba / total if total > 0 else np.full(len(proba), 1.0 / len(proba))
