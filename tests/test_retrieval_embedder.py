"""The NumPy MiniLM embedder matches sentence-transformers and behaves like an embedder."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.retrieval.embedder import Embedder, MiniLMEmbedder, make_embedder
from assistant.retrieval.errors import EmbedderUnavailableError

REFERENCE = Path(__file__).parent / "fixtures" / "minilm_reference.json"


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()


def test_matches_sentence_transformers_in_english_and_french(embedder: MiniLMEmbedder) -> None:
    ref = json.loads(REFERENCE.read_text(encoding="utf-8"))
    got = embedder.embed_documents(ref["sentences"])
    want = np.asarray(ref["vectors"], dtype=np.float32)
    cosines = (got * want).sum(axis=1) / np.linalg.norm(want, axis=1)
    for sentence, cos in zip(ref["sentences"], cosines, strict=True):
        assert cos >= 0.999, f"{sentence[:40]!r}: cosine {cos:.6f}"


def test_vectors_are_normalised_float32_and_order_preserving(embedder: MiniLMEmbedder) -> None:
    texts = ["a much longer sentence about co-op work terms and wage subsidies", "hi", "stage"]
    batch = embedder.embed_documents(texts)
    assert batch.dtype == np.float32 and batch.shape == (3, embedder.dim)
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    single = embedder.embed_query(texts[1])
    assert float(single @ batch[1]) > 0.9999
    assert embedder.embed_documents([]).shape == (0, embedder.dim)


def test_similar_questions_are_closer_than_unrelated_ones(embedder: MiniLMEmbedder) -> None:
    q = embedder.embed_query("How can my company get funding to hire a student?")
    near = embedder.embed_query("wage subsidy for employers hiring students")
    far = embedder.embed_query("best pizza restaurant downtown")
    assert float(q @ near) > float(q @ far) + 0.2


def test_factory_builds_offline_default_and_rejects_unknown_kinds() -> None:
    assert isinstance(make_embedder("minilm"), Embedder)
    with pytest.raises(EmbedderUnavailableError):
        make_embedder("word2vec")
    with pytest.raises(EmbedderUnavailableError):
        make_embedder("openai")


def test_missing_model_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(EmbedderUnavailableError):
        MiniLMEmbedder(model_dir=tmp_path).embed_query("x")
