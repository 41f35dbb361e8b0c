"""A search's work grows with its candidates, not with the corpus: what does not depend on the
question is worked out once per index state, and the shortcuts give the very same rankings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.retrieval import HybridRetriever, KnowledgeIndex, ingest
from assistant.retrieval import corpus as corpus_module
from assistant.retrieval.lexical import _top
from assistant.retrieval.questions import QuestionBank
from tests.test_retrieval_ingest import HashEmbedder, _page


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 3.25]), min_size=0, max_size=60),
    st.integers(min_value=0, max_value=70),
)
def test_top_k_is_what_a_stable_sort_of_every_score_gives(values: list[float], k: int) -> None:
    scores = np.array(values, dtype=np.float32)
    assert _top(scores, k).tolist() == np.argsort(-scores, kind="stable")[:k].tolist()


def _bank_best_by_hand(bank: QuestionBank, vector: np.ndarray) -> dict[str, float]:
    sims = bank.vectors @ vector
    best: dict[str, float] = {}
    for key, sim in zip(bank.keys, sims.tolist(), strict=True):
        if sim > best.get(key, -1.0):
            best[key] = float(sim)
    return best


def test_question_matches_are_those_of_a_walk_over_every_question() -> None:
    rng = np.random.default_rng(7)
    keys = [f"s{rng.integers(0, 9)}" for _ in range(40)]
    vectors = rng.normal(size=(40, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    bank = QuestionBank(keys, [f"q{i}" for i in range(40)], vectors)
    query = vectors[3] + vectors[11]
    want = _bank_best_by_hand(bank, query)
    assert bank.best(query) == want
    allowed = frozenset(k for k in want if k not in {"s1", "s4"})
    lookup, top, best = bank.best_allowed(query, allowed, 5)
    kept = {k: v for k, v in want.items() if k in allowed}
    assert best == sorted(kept, key=lambda k: -kept[k])[:5]
    assert top == max(kept.values())
    assert [lookup(k) for k in want] == [kept.get(k, 0.0) for k in want]


@pytest.fixture()
def retriever(tmp_path: Path) -> HybridRetriever:
    root = tmp_path / "knowledge" / "en"
    root.mkdir(parents=True)
    for n in range(6):
        body = (
            f"## Hiring {n} {{#hiring}}\n\nEmployers hire co-op students in term {n}.\n\n"
            f"## Former rules {n} {{#former}}\n\nBefore 2020 the subsidy paid less.\n"
        )
        (root / f"p{n}.md").write_text(_page(f"page-{n}", "en", body), encoding="utf-8")
    index = KnowledgeIndex(tmp_path / "data", HashEmbedder())
    ingest(index, [tmp_path / "knowledge"], progress=False)
    return HybridRetriever(index, reranker=None)


def test_a_search_reads_tables_built_once_instead_of_walking_every_chunk(
    retriever: HybridRetriever, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = retriever.search("how do employers hire co-op students", "en", audience="employer")
    folded: list[str] = []
    real = corpus_module.is_historic_heading
    monkeypatch.setattr(corpus_module, "is_historic_heading", lambda h: folded.append(h) or real(h))
    sizes: list[int] = []
    collection = retriever.index._collection
    real_count = collection.count
    monkeypatch.setattr(collection, "count", lambda: sizes.append(1) or real_count())
    again = retriever.search("how do employers hire co-op students", "en", audience="employer")
    assert [p.key for p in again.passages] == [p.key for p in first.passages]
    assert folded == []  # no heading folded again
    assert sizes == []  # the index's size is known until the next write
