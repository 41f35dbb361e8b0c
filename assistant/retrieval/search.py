"""Hybrid retrieval: dense + BM25 fused by reciprocal rank, bilingual twin mapping, relevance signal."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel

from assistant.retrieval.answerability import (
    DEFAULT_ANSWERABILITY,
    LinearAnswerability,
    answerability_features,
)
from assistant.retrieval.corpus import CorpusTables, audiences
from assistant.retrieval.fusion import RankedList, fuse
from assistant.retrieval.glossary import expand_query, pseudo_translation
from assistant.retrieval.index import KnowledgeIndex, StoredChunk
from assistant.retrieval.institutions import InstitutionRegistry
from assistant.retrieval.intents import (
    FUNDING_WORDS,
    asks_definition,
    asks_funding,
    asks_past,
    expand_intent,
)
from assistant.retrieval.lexical import query_synonyms, query_terms, query_tokens, tokenize
from assistant.retrieval.questions import QuestionBank, section_questions
from assistant.retrieval.rerank import (
    DEFAULT_WEIGHTS,
    LinearReranker,
    RetrievalSignals,
    SectionCandidate,
)
from assistant.retrieval.text import split_sentences
from assistant.understanding.protocols import Reranker, TurnSignals

logger = logging.getLogger(__name__)


class Passage(BaseModel):
    """One retrieved section, ready to quote and cite."""

    chunk_id: str
    key: str
    page_id: str
    pair: str
    title: str
    section: str
    text: str
    lang: str
    audience: str
    institution: str | None = None
    url: str | None = None
    source: str
    score: float
    snippet: str
    dense_rank: int | None = None
    bm25_rank: int | None = None


class RetrievalResult(BaseModel):
    """Ranked passages plus whether anything relevant was found."""

    passages: list[Passage]
    relevant: bool
    best_dense: float
    reason: str | None = None
    # The fitted probability that the top section answers the question (None: no fitted
    # decision), and whether it reaches the fitted threshold; below it the assistant says it
    # doesn't know and names the nearby sections.
    confidence: float | None = None
    confident: bool = True


@dataclass
class RetrievalTuning:
    """Fusion weights and relevance thresholds (calibrated by evals/retrieval_eval.py).

    'score' fusion adds weighted min-max-normalised scores: unlike RRF, a confident dense hit is
    not outvoted by sections that are merely mid-ranked in a flat BM25 list.
    """

    fusion: str = "score"
    fusion_fr: str = "score"
    rrf_k: int = 60
    dense_weight: float = 1.5
    dense_weight_fr: float = 0.3
    bm25_weight: float = 1.0
    bm25_weight_fr: float = 3.0
    expanded_weight: float = 0.3
    fallback_weight: float = 1.0
    dense_threshold: float = 0.40
    dense_threshold_fr: float = 0.58
    lexical_strong_coverage: float = 0.75
    lexical_coverage: float = 0.55
    lexical_dense_margin: float = 0.10
    candidates: int = 40
    synonym_weight: float = 0.3
    synonym_max_df: float = 1.0
    name_boost: float = 1.0
    # BM25 over the query plus its intent's words ("under 18" for "is 17", "weekly" for
    # "how often"): ranks only, relevance still comes from the question's own words.
    intent_weight: float = 1.0
    # BM25 over the wage subsidy's own words, for a general ask for money (see intents.py).
    funding_weight: float = 1.0
    # When the dense and keyword rankings put the same section first, the question is about it
    # even if casual wording keeps the dense similarity a little under the threshold (French
    # questions meet an English-trained embedder): this much under it still counts, with at
    # least this keyword coverage. 0 turns the rule off (English: its threshold is already low).
    agreement_margin: float = 0.0
    agreement_margin_fr: float = 0.16
    agreement_coverage: float = 0.35
    # Headings are the questions their sections answer: a heading made of the question's own
    # words ("c'est quoi un stage coop" -> "Qu'est-ce qu'un stage coop?") is ranked on its own list,
    # scored by how much of the question it holds times how much of it the question accounts for.
    # Only for questions asking what something is ("what is", "c'est quoi"): their words are the
    # subject's name, which other sections use in passing too.
    heading_weight: float = 1.0
    heading_weight_fr: float = 1.5
    heading_min_score: float = 0.0
    # Fused candidates handed to the reranker (plus the best question matches).
    rerank_pool: int = 20


# Stems of the words headings use to ask what something means ("What does ... mean?", "Que
# veut dire ...?", "Que signifie ...?"): the question's form, not its subject.
_FORM_STEMS = frozenset({"mean", "veut", "dir", "signif", "signifi"})
_BRACKETS = re.compile(r"\([^)]*\)")


def _norm_lang(lang: str | None) -> str:
    """Map a language tag ('fr-CA', 'FR', None) to 'en' or 'fr'."""
    return "fr" if (lang or "").lower().startswith("fr") else "en"


def _snippet(text: str, tokens: set[str], lang: str, limit: int = 200) -> str:
    """Pick the sentence that best matches the query, trimmed to about `limit` characters."""
    sentences = split_sentences(re.sub(r"\s+", " ", text)) or [text]
    best = (
        max(sentences, key=lambda s: len(tokens & set(tokenize(s, lang))))
        if tokens
        else sentences[0]
    )
    start = sentences.index(best)
    out = best
    for nxt in sentences[start + 1 :]:
        if len(out) >= limit:
            break
        out = f"{out} {nxt}"
    if len(out) > limit:
        cut = out.rfind(" ", 0, limit)
        out = out[: cut if cut > limit // 2 else limit].rstrip(",;:") + "…"
    return out


class HybridRetriever:
    """Search the knowledge index by meaning and keywords, in the user's language."""

    def __init__(
        self,
        index: KnowledgeIndex,
        tuning: RetrievalTuning | None = None,
        reranker: Reranker | Literal["fitted"] | None = "fitted",
        answerability: LinearAnswerability | Literal["fitted"] | None = "fitted",
    ) -> None:
        """Search `index`; `reranker` orders fused candidates ("fitted": the weights stored by
        `wil-assistant eval retrieval`, None: the fused order). A section in another language,
        one institution's section for a question naming none, a section about rules that have
        since changed: the reranker weighs these with fitted weights, not hand-set factors."""
        self.index = index
        self.tuning = tuning or RetrievalTuning()
        if reranker == "fitted":
            # The weights ship with the code; without them (a fresh fit) the fused order stands.
            reranker = LinearReranker.load() if DEFAULT_WEIGHTS.exists() else None
        self.reranker: Reranker | None = reranker
        if answerability == "fitted":
            # Fitted with the reranker it ships beside; without a reranker its features mean
            # something else, so the reranker's own confidence (if any) stands.
            fitted = reranker is not None and DEFAULT_ANSWERABILITY.exists()
            answerability = LinearAnswerability.load() if fitted else None
        self.answerability: LinearAnswerability | None = answerability
        self._registry_for: list[StoredChunk] | None = None
        self._registry = InstitutionRegistry([])
        self._bank_for: list[StoredChunk] | None = None
        self._bank = QuestionBank([], [], np.zeros((0, 1), dtype=np.float32))
        self._tables_lock = threading.Lock()
        self._tables: CorpusTables | None = None
        self._headings_for: list[StoredChunk] | None = None
        self._headings: dict[str, dict[str, tuple[set[str], set[str]]]] = {}
        self._heading_postings: dict[str, dict[str, list[str]]] = {}
        self._heading_positions: dict[str, dict[str, int]] = {}
        self._defining: set[str] = set()

    def tables(self) -> CorpusTables:
        """Return the lookup tables over the index's chunks (rebuilt after a write)."""
        chunks = self.index.chunks()
        tables = self._tables
        if tables is None or tables.chunks is not chunks:
            with self._tables_lock:
                tables = self._tables
                if tables is None or tables.chunks is not chunks:
                    tables = self._tables = CorpusTables(chunks, self.index.vectors())
        return tables

    def _heading_tokens(self) -> tuple[dict[str, dict[str, tuple[set[str], set[str]]]], set[str]]:
        """Return, cached per index state, each language's heading stems by section key, twice
        (all of them, and the core: no wording of the question form like "mean", no alias in
        brackets like "(SWPP)"), and the keys of sections whose heading asks what something is
        ("What is SWPP?")."""
        chunks = self.index.chunks()
        if self._headings_for is not chunks:
            headings: dict[str, dict[str, tuple[set[str], set[str]]]] = {}
            defining: set[str] = set()
            for c in chunks:
                lang = str(c.metadata.get("lang", ""))
                key = str(c.metadata.get("key", c.chunk_id))
                section = str(c.metadata.get("section", ""))
                if asks_definition(section):
                    defining.add(key)
                if section:
                    full = set(tokenize(section, lang)) - _FORM_STEMS
                    core = set(tokenize(_BRACKETS.sub(" ", section), lang)) - _FORM_STEMS
                    headings.setdefault(lang, {})[key] = (full, core or full)
            # Which headings hold each stem, in heading order: a question reads only those.
            postings: dict[str, dict[str, list[str]]] = {}
            for lang, by_key in headings.items():
                for key, (full, _) in by_key.items():
                    for stem in full:
                        postings.setdefault(lang, {}).setdefault(stem, []).append(key)
            self._heading_postings = postings
            self._heading_positions = {
                code: {key: i for i, key in enumerate(by_key)} for code, by_key in headings.items()
            }
            self._headings, self._defining, self._headings_for = headings, defining, chunks
        return self._headings, self._defining

    def _heading_ranking(self, text: str, lang: str) -> list[tuple[str, float]]:
        """Rank sections whose heading (in the query's language) matches the question's words."""
        terms = query_terms(text, lang)
        if not terms:
            return []
        lexical = self.index.lexical()

        def weight(stems: set[str]) -> float:
            return max((lexical.idf(s) for s in stems), default=0.0) or 1.0

        total = sum(weight(stems) for stems in terms)
        asked = set().union(*terms)
        hits: list[tuple[str, float]] = []
        headings, defining = self._heading_tokens()
        by_key = headings.get(lang, {})
        postings = self._heading_postings.get(lang, {})
        matched = {key for stem in asked for key in postings.get(stem, ())}
        # In heading order, as a walk over every heading would meet them (ties keep that order).
        for key in sorted(matched, key=self._heading_positions.get(lang, {}).__getitem__):
            heading, core = by_key[key]
            recall = sum(weight(stems) for stems in terms if stems & heading) / total
            precision = max(
                sum(weight({tok}) for tok in part if tok in asked)
                / sum(weight({tok}) for tok in part)
                for part in (heading, core)
            )
            # A heading that itself asks "what is ...?" defines its subject.
            hits.append((key, recall * precision * (1.0 if key in defining else 0.5)))
        return sorted(hits, key=lambda h: -h[1])[: self.tuning.candidates]

    # ----- filters -------------------------------------------------------------------
    def _where(self, audience: str | None, institution: str | None) -> dict[str, Any] | None:
        """Build the Chroma filter for audience and institution."""
        clauses: list[dict[str, Any]] = []
        auds = audiences(audience)
        if auds:
            clauses.append({"audience": {"$in": auds}})
        if institution:
            clauses.append({"institution": {"$in": ["", institution.lower()]}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    # ----- single-method rankings (chunk ids, best first) ------------------------------
    def _dense_ranking(
        self, vector: np.ndarray, audience: str | None, institution: str | None
    ) -> list[tuple[str, float]]:
        """Return (chunk id, cosine) from Chroma, best first."""
        return self.index.query_vector(
            vector, self.tuning.candidates, self._where(audience, institution)
        )

    def _bm25_ranking(
        self,
        text: str,
        lang: str,
        audience: str | None,
        institution: str | None,
        without_lang: str | None = None,
    ) -> tuple[list[tuple[str, float, float]], list[str]]:
        """Return (chunk id, score, coverage) best first, and the query tokens.

        With `without_lang`, only sections that have no version in that language are ranked.
        """
        tables = self.tables()
        chunks = tables.chunks
        lexical = self.index.lexical()
        terms = query_terms(text, lang)
        mask = tables.mask(audience, institution, without_lang)
        t = self.tuning
        hits = lexical.search(
            terms,
            mask,
            t.candidates,
            synonyms=query_synonyms(terms, lang) if t.synonym_weight > 0 else None,
            synonym_weight=t.synonym_weight,
            synonym_max_df=t.synonym_max_df,
            name_boost=t.name_boost,
        )
        return [(chunks[h.index].chunk_id, h.score, h.coverage) for h in hits], query_tokens(
            text, lang
        )

    # ----- assembling passages ----------------------------------------------------------
    def _by_id(self) -> dict[str, StoredChunk]:
        """Map chunk ids to stored chunks."""
        return self.tables().by_id

    def _ranked(
        self, hits: list[tuple[str, float]], by_id: dict[str, StoredChunk], weight: float
    ) -> RankedList:
        """Turn (chunk id, score) hits, best first, into a section ranking with best scores."""
        best: dict[str, float] = {}
        for cid, score in hits:
            chunk = by_id.get(cid)
            if chunk is not None:
                best.setdefault(str(chunk.metadata.get("key", cid)), score)
        return RankedList(list(best), list(best.values()), weight)

    def _pick_chunk(
        self, key: str, lang: str, order: dict[str, int], by_key: dict[str, list[StoredChunk]]
    ) -> tuple[StoredChunk, bool]:
        """Choose the chunk to show for a key: preferred language first, then best ranked."""
        candidates = by_key[key]
        preferred = [c for c in candidates if c.metadata.get("lang") == lang]
        pool = preferred or candidates
        best = min(
            pool, key=lambda c: (order.get(c.chunk_id, 10**6), int(c.metadata.get("part", 0)))
        )
        return best, bool(preferred)

    def _passages(
        self,
        scored: list[tuple[str, float]],
        lang: str,
        order: dict[str, int],
        ranks: tuple[dict[str, int], dict[str, int]],
        tokens: list[str],
        k: int,
    ) -> list[Passage]:
        """Build passages for the top keys."""
        by_key = self.tables().by_key
        token_set = set(tokens)
        out: list[Passage] = []
        for key, score in scored[:k]:
            chunk, _ = self._pick_chunk(key, lang, order, by_key)
            m = chunk.metadata
            out.append(
                Passage(
                    chunk_id=chunk.chunk_id,
                    key=key,
                    page_id=str(m.get("page_id", "")),
                    pair=str(m.get("pair", "")),
                    title=str(m.get("title", "")),
                    section=str(m.get("section", "")),
                    text=chunk.text,
                    lang=str(m.get("lang", "")),
                    audience=str(m.get("audience", "all")),
                    institution=str(m.get("institution") or "") or None,
                    url=str(m.get("source_url") or "") or None,
                    source=str(m.get("source", "")),
                    score=round(float(score), 6),
                    snippet=_snippet(chunk.text, token_set, str(m.get("lang", lang))),
                    dense_rank=ranks[0].get(key),
                    bm25_rank=ranks[1].get(key),
                )
            )
        return out

    def _single(
        self, ranking: list[str], lang: str, tokens: list[str], k: int, dense: bool
    ) -> list[Passage]:
        """Turn one method's chunk ranking into passages (preferred-language twin when one exists)."""
        by_id = self._by_id()
        keys = self._ranked([(cid, 0.0) for cid in ranking], by_id, 1.0).keys
        order = {cid: i for i, cid in enumerate(ranking)}
        key_rank = {key: i + 1 for i, key in enumerate(keys)}
        scored = [(key, 1.0 / (self.tuning.rrf_k + key_rank[key])) for key in keys]
        ranks: tuple[dict[str, int], dict[str, int]] = (key_rank, {}) if dense else ({}, key_rank)
        return self._passages(scored, lang, order, ranks, tokens, k)

    def _relevance(
        self, best_dense: float, coverage: float, lang: str, agree: bool = False
    ) -> tuple[bool, str | None]:
        """Decide whether anything relevant was found from dense similarity and keyword coverage.

        `agree` says the dense and keyword rankings put the same section first.
        """
        t = self.tuning
        threshold = t.dense_threshold_fr if lang == "fr" else t.dense_threshold
        if best_dense >= threshold:
            return True, None
        if coverage >= t.lexical_strong_coverage:
            return True, None
        if coverage >= t.lexical_coverage and best_dense >= threshold - t.lexical_dense_margin:
            return True, None
        margin = t.agreement_margin_fr if lang == "fr" else t.agreement_margin
        if (
            agree
            and margin > 0
            and coverage >= t.agreement_coverage
            and best_dense >= threshold - margin
        ):
            return True, None
        return False, (
            f"best dense similarity {best_dense:.2f} < {threshold:.2f} "
            f"and weak keyword match (coverage {coverage:.2f})"
        )

    # ----- public API -------------------------------------------------------------------
    def dense_search(
        self,
        query: str,
        lang: str,
        audience: str | None = None,
        institution: str | None = None,
        k: int = 5,
    ) -> list[Passage]:
        """Rank sections by embedding similarity alone."""
        lang = _norm_lang(lang)
        hits = self._dense_ranking(self.index.embedder.embed_query(query), audience, institution)
        return self._single(
            [cid for cid, _ in hits], lang, query_tokens(query, lang), k, dense=True
        )

    def bm25_search(
        self,
        query: str,
        lang: str,
        audience: str | None = None,
        institution: str | None = None,
        k: int = 5,
    ) -> list[Passage]:
        """Rank sections by BM25 keyword score alone."""
        lang = _norm_lang(lang)
        hits, tokens = self._bm25_ranking(query, lang, audience, institution)
        return self._single([cid for cid, _, _ in hits], lang, tokens, k, dense=False)

    def institutions(self) -> InstitutionRegistry:
        """Return the institution registry read from the indexed institution pages (cached)."""
        chunks = self.index.chunks()
        if self._registry_for is not chunks:
            self._registry = InstitutionRegistry.from_metadata(c.metadata for c in chunks)
            self._registry_for = chunks
        return self._registry

    def question_bank(self) -> QuestionBank:
        """Return the sections' questions and their vectors (embedded once, then cached on disk)."""
        chunks = self.index.chunks()
        if self._bank_for is not chunks:
            pairs = section_questions(chunks)
            texts = [text for _, text in pairs]
            vectors = (
                self.index.embed_texts(texts)
                if texts
                else np.zeros((0, self.index.embedder.dim or 1), dtype=np.float32)
            )
            self._bank = QuestionBank([key for key, _ in pairs], texts, vectors)
            self._bank_for = chunks
        return self._bank

    def signals_for(
        self, query: str, lang: str, signals: TurnSignals | None, institution: str | None = None
    ) -> RetrievalSignals:
        """Merge what the conversation knows with the institutions the question itself names
        (a named institution wins over a remembered one)."""
        base = signals or TurnSignals(locale=lang)
        named = tuple(self.institutions().named(query, lang))
        known = base.institutions if isinstance(base, RetrievalSignals) else ()
        audience = base.audience if isinstance(base, RetrievalSignals) else None
        chosen = named or ((institution.lower(),) if institution else known)
        return RetrievalSignals(
            locale=base.locale,
            step=base.step,
            asked_field=base.asked_field,
            form_kind=base.form_kind,
            previous_user_texts=base.previous_user_texts,
            decline_streak=base.decline_streak,
            audience=audience,
            institutions=chosen,
        )

    def candidates(
        self,
        query: str,
        lang: str,
        audience: str | None = None,
        institution: str | None = None,
    ) -> tuple[list[SectionCandidate], Gathered]:
        """Return the fused candidate sections with their evidence, before reranking."""
        t = self.tuning
        lang = _norm_lang(lang)
        tables = self.tables()
        by_id = tables.by_id
        embedder = self.index.embedder
        fr = lang == "fr"
        pseudo = pseudo_translation(query, lang)
        # The embedder is English-trained: a French query is also searched with its English
        # glossary terms, embedded together with it (one model call, not two).
        vectors = embedder.embed_queries([query, pseudo] if pseudo and fr else [query])
        vector, pseudo_vectors = vectors[0], list(vectors[1:])
        dense_hits = self._dense_ranking(vector, audience, institution)
        dense_list = self._ranked(dense_hits, by_id, t.dense_weight_fr if fr else t.dense_weight)
        lists = [dense_list]
        best_dense = max((s for _, s in dense_hits), default=0.0)
        if pseudo_vectors:
            exp_hits = self._dense_ranking(pseudo_vectors[0], audience, institution)
            lists.append(self._ranked(exp_hits, by_id, t.expanded_weight))
            best_dense = max(best_dense, max((s for _, s in exp_hits), default=0.0))
            dense_hits = sorted(dense_hits + exp_hits, key=lambda h: -h[1])
        bm25_hits, tokens = self._bm25_ranking(query, lang, audience, institution)
        bm25_list = self._ranked(
            [(cid, s) for cid, s, _ in bm25_hits], by_id, t.bm25_weight_fr if fr else t.bm25_weight
        )
        lists.append(bm25_list)
        heading_hits = self._heading_ranking(query, lang) if asks_definition(query) else []
        heading_hits = [h for h in heading_hits if h[1] >= t.heading_min_score]
        if heading_hits:
            lists.append(
                RankedList(
                    [key for key, _ in heading_hits],
                    [score for _, score in heading_hits],
                    t.heading_weight_fr if fr else t.heading_weight,
                )
            )
        if asks_funding(query):
            # "any money to help me pay a student?": rank by the subsidy's own words alone too,
            # so the sections about it come up even when the question's words ("help", "pay")
            # also fit other programs.
            hint_hits, _ = self._bm25_ranking(FUNDING_WORDS[lang], lang, audience, institution)
            weight = t.funding_weight * (t.bm25_weight_fr if fr else t.bm25_weight)
            lists.append(self._ranked([(cid, s) for cid, s, _ in hint_hits], by_id, weight))
        intent = expand_intent(query, lang, names=self._institution_titles(query, lang))
        if intent != query:
            intent_hits, _ = self._bm25_ranking(intent, lang, audience, institution)
            weight = t.intent_weight * (t.bm25_weight_fr if fr else t.bm25_weight)
            lists.append(self._ranked([(cid, s) for cid, s, _ in intent_hits], by_id, weight))
        if pseudo:
            # Sections with no version in the query's language: match them through the glossary.
            fb_hits, fb_tokens = self._bm25_ranking(
                expand_query(query, lang), lang, audience, institution, without_lang=lang
            )
            lists.append(
                self._ranked([(cid, s) for cid, s, _ in fb_hits], by_id, t.fallback_weight)
            )
            tokens = tokens + fb_tokens

        fused = fuse(lists, t.fusion_fr if fr else t.fusion, t.rrf_k)
        allowed = tables.allowed_keys(audience, institution)
        asked, top_asked, best_asked = self.question_bank().best_allowed(vector, allowed, 5)
        meta_by_key, langs_by_key, historic = (
            tables.meta_by_key,
            tables.langs_by_key,
            tables.historic,
        )
        gathered = Gathered(
            lang=lang,
            fused=fused,
            dense_hits=dense_hits,
            bm25_hits=bm25_hits,
            tokens=tokens,
            dense_keys=dense_list.keys,
            bm25_keys=bm25_list.keys,
            best_dense=best_dense,
            langs_by_key=langs_by_key,
            historic=historic,
        )
        bm25_by_key: dict[str, tuple[float, float]] = {}
        for cid, score, cov in bm25_hits:
            key = str(by_id[cid].metadata.get("key")) if cid in by_id else ""
            if key and key not in bm25_by_key:
                bm25_by_key[key] = (score, cov)
        heading_by_key = dict(heading_hits)
        top_bm25 = max((s for s, _ in bm25_by_key.values()), default=0.0) or 1.0
        top_fused = max(fused.values(), default=0.0) or 1.0
        order = sorted(fused, key=lambda k: -fused[k])[: t.rerank_pool]
        order += [k for k in best_asked if k not in order]
        dense_by_key = tables.dense_by_key(order, [vector, *pseudo_vectors])
        demote_past = not asks_past(query)
        out: list[SectionCandidate] = []
        for rank, key in enumerate(order, start=1):
            meta = meta_by_key.get(key, {})
            dense = dense_by_key.get(key, 0.0)
            bm25, cov = bm25_by_key.get(key, (0.0, 0.0))
            question = asked(key)
            evidence = {
                "fused": fused.get(key, 0.0) / top_fused,
                "fused_rank": 1.0 / rank,
                "dense": dense,
                "dense_gap": dense - best_dense,
                "bm25": bm25 / top_bm25,
                "coverage": cov,
                "question": question,
                "question_gap": question - top_asked,
                "heading": heading_by_key.get(key, 0.0),
                "no_twin": float(lang not in langs_by_key.get(key, {lang})),
                "historic": float(demote_past and key in historic),
            }
            out.append(
                SectionCandidate(
                    key=key,
                    lang=lang if lang in langs_by_key.get(key, {lang}) else str(meta.get("lang")),
                    audience=str(meta.get("audience") or "all"),
                    institution=str(meta.get("institution") or "") or None,
                    score=fused.get(key, 0.0),
                    evidence=evidence,
                )
            )
        return out, gathered

    def _institution_titles(self, query: str, lang: str) -> list[str]:
        """Return the guides' names of the institutions the question names by another name."""
        registry = self.institutions()
        return [registry.title(inst, lang) for inst in registry.named(query, lang)]

    def search(
        self,
        query: str,
        lang: str,
        audience: str | None = None,
        institution: str | None = None,
        k: int = 5,
        *,
        signals: TurnSignals | None = None,
    ) -> RetrievalResult:
        """Fuse dense, BM25 and question-match rankings, rerank them for this conversation, prefer
        the user's language, and flag off-topic queries and uncertain matches.

        Args:
            query: the (standalone) question.
            lang: the reply's language.
            audience: a hard filter on the pages' audience (None: all pages).
            institution: a hard filter on one institution's pages plus the general ones.
            k: how many sections to return.
            signals: what the conversation knows (audience, institutions), weighed softly.
        """
        lang = _norm_lang(lang)
        query = query.strip()
        if not query or self.index.count() == 0:
            why = "empty query" if not query else "the knowledge index is empty"
            return RetrievalResult(passages=[], relevant=False, best_dense=0.0, reason=why)
        merged = self.signals_for(query, lang, signals, institution)
        candidates, gathered = self.candidates(query, lang, audience, institution)
        # Without a reranker the fused order stands (what the weights were fitted from).
        ranked = (
            self.reranker.rerank(query, candidates, merged)
            if self.reranker is not None
            else candidates
        )
        scored = [(c.key, c.score) for c in ranked]

        top_cov = max((cov for _, _, cov in gathered.bm25_hits[:3]), default=0.0)
        dense_keys, bm25_keys = gathered.dense_keys, gathered.bm25_keys
        agree = bool(dense_keys and bm25_keys and dense_keys[0] == bm25_keys[0])
        relevant, reason = self._relevance(gathered.best_dense, top_cov, lang, agree)
        confidence, confident = self._confidence(query, lang, ranked, merged)
        order: dict[str, int] = {}
        for cid, _ in gathered.dense_hits:
            order.setdefault(cid, len(order))
        for cid, _, _ in gathered.bm25_hits:
            order.setdefault(cid, len(order) + 1000)
        ranks = (
            {key: i + 1 for i, key in enumerate(dense_keys)},
            {key: i + 1 for i, key in enumerate(bm25_keys)},
        )
        passages = self._passages(scored, lang, order, ranks, gathered.tokens, k)
        logger.debug(
            "search %r (%s): %d passages, relevant=%s, best_dense=%.3f, confidence=%s",
            query,
            lang,
            len(passages),
            relevant,
            gathered.best_dense,
            confidence,
        )
        return RetrievalResult(
            passages=passages,
            relevant=relevant,
            best_dense=round(float(gathered.best_dense), 4),
            reason=reason,
            confidence=None if confidence is None else round(float(confidence), 4),
            confident=confident,
        )

    def unknown_share(self, query: str, lang: str) -> tuple[float, int]:
        """Return the share of the question's informative words that no section uses ("T4",
        "NAIT"), and how many informative words it has."""
        terms = query_terms(query, _norm_lang(lang))
        if not terms:
            return 0.0, 0
        lexical = self.index.lexical()
        unknown = sum(1 for stems in terms if not any(lexical.idf(s) > 0 for s in stems))
        return unknown / len(terms), len(terms)

    def _confidence(
        self, query: str, lang: str, ranked: list[Any], signals: TurnSignals
    ) -> tuple[float | None, bool]:
        """Return the probability that the best section answers, and whether to trust it: the
        fitted answerability decision, else the reranker's own sureness, else no opinion."""
        if self.answerability is not None and ranked:
            unknown, terms = self.unknown_share(query, lang)
            values = answerability_features(ranked, signals, unknown, terms)
            decision = self.answerability.decide(query, values)
            p = dict(decision.alternatives).get("answer", decision.confidence)
            return p, p >= self.answerability.threshold
        fitted = self.reranker if isinstance(self.reranker, LinearReranker) else None
        if not ranked or fitted is None:
            return None, True
        confidence = ranked[0].probability
        return confidence, confidence >= fitted.threshold

    def passage(self, key: str, lang: str) -> Passage | None:
        """Return the passage stored under a section key, in `lang` when a version exists."""
        chunks = self.tables().by_key.get(key, [])
        if not chunks:
            return None
        order = {c.chunk_id: i for i, c in enumerate(chunks)}
        return self._passages([(key, 0.0)], _norm_lang(lang), order, ({}, {}), [], 1)[0]

    def weight(self, token: str) -> float:
        """Return a token's weight for picking sentences: its IDF in the knowledge (at least 0.1)."""
        return max(float(self.index.lexical().idf(token)), 0.1)


@dataclass
class Gathered:
    """What candidate generation measured for one query (for relevance and passages)."""

    lang: str
    fused: dict[str, float]
    dense_hits: list[tuple[str, float]]
    bm25_hits: list[tuple[str, float, float]]
    tokens: list[str]
    dense_keys: list[str]
    bm25_keys: list[str]
    best_dense: float
    langs_by_key: dict[str, set[str]]
    historic: set[str]
