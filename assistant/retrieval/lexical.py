"""BM25 keyword index with English/French stemming, stop words and accent folding."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from assistant.retrieval.synonyms import NAMES, SYNONYMS
from assistant.retrieval.text import fold_accents

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"[a-z0-9à-ÿœæ]+(?:[-'][a-z0-9à-ÿœæ]+)*", re.IGNORECASE)
_ELISION = re.compile(r"^(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu)['’]")
# Question and chat words that carry no topic (bm25s's English list has only 33 words).
_EXTRA_STOP_WORDS = """
    can could would should may might must shall i me my mine we our ours us you your yours
    it its he him his she her they them their this that these those there here
    do does did doing done how what which who whom whose where when why
    is are was were be been being am have has had having get gets got getting
    need needs want wants please tell know let like just really still already now
    up out so too very also any some anything something someone somebody anyone
    thing things stuff kind sort lot lots maybe actually hi hello hey thanks thank ok okay
    isn't aren't wasn't weren't don't doesn't didn't can't couldn't won't wouldn't
    shouldn't haven't hasn't hadn't i'm i've i'd i'll we're we've we'd we'll you're you've
    it's that's what's there's here's let's who's how's
    isnt arent wasnt werent dont doesnt didnt cant couldnt wouldnt shouldnt havent hasnt
    im ive whats thats theres hows
    about help
    est-ce puis peux peut dois doit faut fait faire quoi comment quel quelle quels quelles
    ou où je j me mon ma mes nous notre nos vous votre vos on y a à
    si ça fais fait font vais va
"""
_EXTRA_STOP = frozenset(_EXTRA_STOP_WORDS.split())


def quiet_bm25s() -> None:
    """Undo bm25s's import-time DEBUG level on its logger: "Building index from tokens" reached
    every console that logs at the root (the chat command's, for one). Called wherever bm25s
    may be imported first."""
    logging.getLogger("bm25s").setLevel(logging.WARNING)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """Return folded English + French stop words."""
    from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH

    quiet_bm25s()

    words = set(STOPWORDS_EN) | set(STOPWORDS_FRENCH) | set(_EXTRA_STOP)
    return frozenset(fold_accents(w.lower()) for w in words) - {"ait", "wil"}


@lru_cache(maxsize=2)
def _stemmer(lang: str) -> Any:
    """Return a cached PyStemmer stemmer for 'en' or 'fr'."""
    import Stemmer

    return Stemmer.Stemmer("french" if lang == "fr" else "english")


def _words(text: str) -> list[str]:
    """Split text into lower-case words without elisions or stop words."""
    stop = _stop_words()
    words: list[str] = []
    for raw in _TOKEN.findall(text.lower().replace("’", "'")):
        word = _ELISION.sub("", raw)
        for part in (
            word.split("-") if "-" in word and not word.replace("-", "").isdigit() else [word]
        ):
            part = part.strip("'")
            if len(part) < 2 and not part.isdigit():
                continue
            if fold_accents(part) in stop:
                continue
            words.append(part)
    return words


def tokenize(text: str, lang: str) -> list[str]:
    """Lower-case, drop elisions and stop words, stem in `lang`, then fold accents."""
    return list(_tokenize_cached(text, lang))


@lru_cache(maxsize=16384)
def _tokenize_cached(text: str, lang: str) -> tuple[str, ...]:
    # Speed (issue 13): the passages and sentences a question retrieves were tokenised again for
    # every question; the same text always gives the same tokens, so each is done once.
    stems = _stemmer(lang).stemWords(_words(text))
    return tuple(fold_accents(s) for s in stems)


@lru_cache(maxsize=2)
def _synonym_stems(lang: str) -> dict[str, frozenset[str]]:
    """Map a query word's stem to the stems of its same-language synonyms."""
    out: dict[str, set[str]] = {}
    for word, alternatives in SYNONYMS.get(lang, {}).items():
        own = set(tokenize(word, lang))
        extra = {stem for alt in alternatives for stem in tokenize(alt, lang)} - own
        for stem in own:
            out.setdefault(stem, set()).update(extra)
    return {stem: frozenset(alts) for stem, alts in out.items()}


def query_terms(text: str, lang: str) -> list[set[str]]:
    """Return, per informative query word, its stems in the query's language and the other one."""
    words = list(dict.fromkeys(_words(text)))
    other = "en" if lang == "fr" else "fr"
    own = _stemmer(lang).stemWords(words)
    alt = _stemmer(other).stemWords(words)
    return [{fold_accents(a), fold_accents(b)} for a, b in zip(own, alt, strict=True)]


@lru_cache(maxsize=1)
def _name_stems() -> frozenset[str]:
    return frozenset(
        fold_accents(s) for lang in ("en", "fr") for s in _stemmer(lang).stemWords(NAMES)
    )


def is_name(stems: set[str]) -> bool:
    """Whether a query word (its stems) is a program or organization name."""
    return bool(stems & _name_stems())


def query_synonyms(terms: list[set[str]], lang: str) -> list[set[str]]:
    """Return, aligned with query_terms, the stems of each word's same-language synonyms."""
    table = _synonym_stems(lang)
    return [set().union(*(table.get(s, frozenset()) for s in stems)) - stems for stems in terms]


def query_tokens(text: str, lang: str) -> list[str]:
    """Tokenize a query with its language's stemmer and the other one, de-duplicated."""
    return list(dict.fromkeys(t for stems in query_terms(text, lang) for t in sorted(stems)))


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Return the indexes of the k highest scores, best first, ties by index: what a stable sort
    of the whole array gives, without sorting every chunk (speed, issue 13)."""
    if k <= 0 or not scores.size:
        return np.zeros(0, dtype=np.int64)
    if k >= scores.size:
        return np.argsort(-scores, kind="stable")
    kth = np.partition(scores, scores.size - k)[scores.size - k]
    pool = np.flatnonzero(scores >= kth)
    return pool[np.argsort(-scores[pool], kind="stable")][:k]


@dataclass
class LexicalHit:
    """A BM25 score with the share of the query's informative terms it matched."""

    index: int
    score: float
    coverage: float


class LexicalIndex:
    """In-memory bm25s index over chunk texts, each stemmed in its own language."""

    def __init__(self, texts: list[str], langs: list[str]) -> None:
        import bm25s

        quiet_bm25s()
        self.size = len(texts)
        token_lists = [tokenize(t, lang) for t, lang in zip(texts, langs, strict=True)]
        self._doc_tokens = [set(toks) for toks in token_lists]
        self._df: dict[str, int] = {}
        for toks in self._doc_tokens:
            for tok in toks:
                self._df[tok] = self._df.get(tok, 0) + 1
        self._bm25: Any = None
        if self.size:
            self._bm25 = bm25s.BM25()
            corpus = [toks or ["_empty_"] for toks in token_lists]
            self._bm25.index(corpus, show_progress=False)

    def idf(self, token: str) -> float:
        """Return a smoothed inverse document frequency (0 for unknown tokens)."""
        df = self._df.get(token, 0)
        if not df:
            return 0.0
        return float(np.log(1.0 + (self.size - df + 0.5) / (df + 0.5)))

    def scores(self, tokens: list[str]) -> np.ndarray:
        """Score every chunk for the query tokens (zeros when nothing matches)."""
        known = [t for t in tokens if t in self._df]
        if self._bm25 is None or not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def coverage(self, doc: int, terms: list[set[str]], name_weight: float = 1.0) -> float:
        """Return the IDF-weighted share of query words found in chunk `doc` (unknown words weigh most)."""
        if not terms:
            return 0.0
        max_idf = float(np.log(1.0 + (self.size + 0.5) / 0.5))
        have = self._doc_tokens[doc]
        total = matched = 0.0
        for stems in terms:
            known = [self.idf(s) for s in stems if s in self._df]
            weight = max(known) if known else max_idf
            if name_weight != 1.0 and is_name(stems):
                weight *= name_weight
            total += weight
            if stems & have:
                matched += weight
        return matched / total if total else 0.0

    def search(
        self,
        terms: list[set[str]],
        allowed: np.ndarray | None = None,
        k: int = 50,
        synonyms: list[set[str]] | None = None,
        synonym_weight: float = 0.5,
        synonym_max_df: float = 1.0,
        name_boost: float = 0.0,
    ) -> list[LexicalHit]:
        """Return the top-k chunks (optionally only where `allowed` is True) with positive score.

        Synonyms of a word count at `synonym_weight`, and only for words found in at most
        `synonym_max_df` of the chunks (a common word already matches well on its own).
        Program names ("Mitacs", "PSPE") count `1 + name_boost` times, in score and coverage.
        """
        tokens = list(dict.fromkeys(t for stems in terms for t in sorted(stems)))
        scores = self.scores(tokens)
        names = sorted({t for stems in terms if is_name(stems) for t in stems})
        if names and name_boost > 0:
            scores = scores + np.float32(name_boost) * self.scores(names)
        merged = terms
        if synonyms and self.size:
            limit = synonym_max_df * self.size
            extra = [
                syn if max((self._df.get(s, 0) for s in stems), default=0) <= limit else set()
                for stems, syn in zip(terms, synonyms, strict=True)
            ]
            syn_tokens = sorted({t for syn in extra for t in syn} - set(tokens))
            if syn_tokens:
                scores = scores + np.float32(synonym_weight) * self.scores(syn_tokens)
            merged = [stems | syn for stems, syn in zip(terms, extra, strict=True)]
        if allowed is not None:
            scores = np.where(allowed, scores, np.float32(0.0))
        order = _top(scores, k)
        return [
            LexicalHit(
                index=int(i),
                score=float(scores[i]),
                coverage=self.coverage(int(i), merged, 1.0 + name_boost),
            )
            for i in order
            if scores[i] > 0
        ]
