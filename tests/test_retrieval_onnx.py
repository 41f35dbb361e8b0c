"""The ONNX MiniLM gives the NumPy reference's vectors, is built once per weights, and queries are
embedded once: repeated questions come from a cache, a French question and its English glossary
terms go to the model together."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.retrieval import HybridRetriever, KnowledgeIndex, ingest
from assistant.retrieval import embedder as embedder_module
from assistant.retrieval.chunking import chunk_document
from assistant.retrieval.embedder import (
    MiniLMEmbedder,
    QueryCache,
    make_embedder,
    onnx_available,
)
from assistant.retrieval.ingest import default_knowledge_dir
from assistant.retrieval.loaders import load_document
from tests.test_retrieval_ingest import HashEmbedder

pytestmark = pytest.mark.skipif(not onnx_available(), reason="onnx or onnxruntime not installed")

REFERENCE = Path(__file__).parent / "fixtures" / "minilm_reference.json"
PER_LANGUAGE = 6


@pytest.fixture(scope="module")
def graph_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx-graph")


@pytest.fixture(scope="module")
def onnx_embedder(graph_dir: Path) -> object:
    from assistant.retrieval.onnx_minilm import OnnxMiniLMEmbedder

    return OnnxMiniLMEmbedder(cache_dir=graph_dir)


def _passages(lang: str) -> list[str]:
    """Return real knowledge passages in `lang`, the longest first (they reach the 256-token cut)."""
    texts = [
        chunk.search_text
        for path in sorted((default_knowledge_dir() / lang).rglob("*.md"))
        for chunk in chunk_document(load_document(path, default_knowledge_dir()))
    ]
    texts.sort(key=len, reverse=True)
    step = max(1, len(texts) // PER_LANGUAGE)
    return texts[::step][:PER_LANGUAGE]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_onnx_vectors_match_the_numpy_embedder_on_knowledge_passages(
    onnx_embedder: object, lang: str
) -> None:
    texts = _passages(lang)
    assert len(texts) == PER_LANGUAGE
    want = MiniLMEmbedder().embed_documents(texts)
    got = onnx_embedder.embed_documents(texts)  # type: ignore[attr-defined]
    cosines = (got * want).sum(axis=1)
    assert cosines.min() >= 0.999, cosines


def test_onnx_vectors_match_sentence_transformers(onnx_embedder: object) -> None:
    ref = json.loads(REFERENCE.read_text(encoding="utf-8"))
    got = onnx_embedder.embed_documents(ref["sentences"])  # type: ignore[attr-defined]
    want = np.asarray(ref["vectors"], dtype=np.float32)
    cosines = (got * want).sum(axis=1) / np.linalg.norm(want, axis=1)
    assert cosines.min() >= 0.999, cosines


def test_the_graph_is_built_once_per_weights_and_reused(
    onnx_embedder: object, graph_dir: Path
) -> None:
    from assistant.retrieval.onnx_minilm import OnnxMiniLMEmbedder

    first = onnx_embedder.embed_query("wage subsidy for employers")  # type: ignore[attr-defined]
    (built,) = graph_dir.glob("*.onnx")
    stamp = built.stat().st_mtime_ns
    again = OnnxMiniLMEmbedder(cache_dir=graph_dir).embed_query("wage subsidy for employers")
    assert list(graph_dir.glob("*.onnx")) == [built]
    assert built.stat().st_mtime_ns == stamp
    assert np.allclose(first, again)


def test_the_factory_prefers_onnx_and_falls_back_to_numpy(
    monkeypatch: pytest.MonkeyPatch, graph_dir: Path
) -> None:
    fast = make_embedder("minilm", cache_dir=graph_dir)
    assert isinstance(fast, QueryCache)
    assert "Onnx" in type(fast.inner).__name__
    monkeypatch.setattr(embedder_module, "onnx_available", lambda: False)
    slow = make_embedder("minilm", cache_dir=graph_dir)
    assert isinstance(slow, QueryCache) and isinstance(slow.inner, MiniLMEmbedder)
    # One vector space: an index built by one serves the other.
    assert fast.name == slow.name
    query = "Quand dois-je postuler pour un stage?"
    assert float(fast.embed_query(query) @ slow.embed_query(query)) >= 0.999


class CountingEmbedder(HashEmbedder):
    """HashEmbedder that records each query call."""

    def __init__(self) -> None:
        super().__init__()
        self.query_calls: list[list[str]] = []

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.query_calls.append(list(texts))
        return super().embed_queries(texts)


def test_repeated_queries_come_from_the_cache_and_old_ones_are_forgotten() -> None:
    inner = CountingEmbedder()
    cache = QueryCache(inner, size=2)
    first = cache.embed_query("how much is the subsidy")
    assert np.array_equal(cache.embed_query("how much is the subsidy"), first)
    assert inner.query_calls == [["how much is the subsidy"]]
    both = cache.embed_queries(["how much is the subsidy", "who pays the intern"])
    assert inner.query_calls[-1] == ["who pays the intern"]
    assert np.array_equal(both[0], first)
    cache.embed_query("third question")
    cache.embed_query("how much is the subsidy")
    assert inner.query_calls[-1] == ["how much is the subsidy"]


def test_a_french_question_and_its_glossary_terms_are_embedded_in_one_call(
    tmp_path: Path,
) -> None:
    pages = tmp_path / "knowledge" / "fr"
    pages.mkdir(parents=True)
    (pages / "a.md").write_text(
        "---\nid: a-fr\npair: a\ntitle: Subventions\nlang: fr\naudience: all\n"
        "source_url: https://example.org/a\nreviewed: 2025-01-01\n---\n\n# Subventions\n\n"
        "## Subvention salariale {#sub}\n\nLa subvention paie une partie du salaire.\n",
        encoding="utf-8",
    )
    inner = CountingEmbedder()
    index = KnowledgeIndex(tmp_path / "data", QueryCache(inner))
    ingest(index, [tmp_path / "knowledge"], progress=False)
    retriever = HybridRetriever(index, reranker=None)
    inner.query_calls.clear()
    result = retriever.search("Comment obtenir la subvention pour un stage?", "fr")
    assert result.passages
    assert len(inner.query_calls) == 1
    assert len(inner.query_calls[0]) == 2  # the question and its English glossary terms
