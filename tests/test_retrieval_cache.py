"""The embedding cache: rebuilding an index of the same content embeds nothing new."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.retrieval import HybridRetriever, KnowledgeIndex, ingest
from tests.test_retrieval_ingest import HashEmbedder, _page

# Texts a first ingest of the three sections embeds: each section, then its heading alone (headings
# are matched against questions by meaning).
PER_INGEST = 3 + 3


class CountingEmbedder(HashEmbedder):
    """HashEmbedder that counts how many document texts it was asked to embed."""

    def __init__(self, name: str = "hash-test", dim: int = 64) -> None:
        super().__init__(name, dim)
        self.embedded = 0

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        self.embedded += len(texts)
        return super().embed_documents(texts)


@pytest.fixture()
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge" / "en"
    root.mkdir(parents=True)
    (root / "a.md").write_text(
        _page(
            "page-a",
            "en",
            "## Hiring {#hiring}\n\nEmployers hire co-op students each term.\n\n"
            "## Pay {#pay}\n\nStudents are paid at least minimum wage.",
        ),
        encoding="utf-8",
    )
    (root / "b.md").write_text(
        _page("page-b", "en", "## Permits {#permits}\n\nInternational students need a permit."),
        encoding="utf-8",
    )
    return root.parent


def test_rebuilding_the_same_content_in_the_same_data_dir_embeds_nothing(
    tmp_path: Path, kb: Path
) -> None:
    data = tmp_path / "data"
    first = CountingEmbedder()
    ingest(KnowledgeIndex(data, first), [kb], progress=False)
    assert first.embedded == PER_INGEST

    (data / "index_manifest.json").unlink()
    second = CountingEmbedder()
    index = KnowledgeIndex(data, second, collection="rebuilt")
    summary = ingest(index, [kb], progress=False)
    assert summary.chunks_added == 3 and index.count() == 3
    assert second.embedded == 0
    assert (summary.texts_embedded, summary.embeddings_reused) == (0, 3)
    top = HybridRetriever(index).search("international students permit", "en").passages[0]
    assert top.key == "page-b#permits"


def test_changing_one_section_embeds_only_that_section(tmp_path: Path, kb: Path) -> None:
    embedder = CountingEmbedder()
    index = KnowledgeIndex(tmp_path / "data", embedder)
    ingest(index, [kb], progress=False)
    (kb / "en" / "a.md").write_text(
        _page(
            "page-a",
            "en",
            "## Hiring {#hiring}\n\nEmployers hire co-op students every spring.\n\n"
            "## Pay {#pay}\n\nStudents are paid at least minimum wage.",
        ),
        encoding="utf-8",
    )
    embedder.embedded = 0
    ingest(index, [kb], progress=False)
    assert embedder.embedded == 1


def test_a_shared_cache_file_serves_separate_data_dirs(tmp_path: Path, kb: Path) -> None:
    shared = tmp_path / "shared" / "embeddings.sqlite"
    first = CountingEmbedder()
    ingest(KnowledgeIndex(tmp_path / "one", first), [kb], progress=False, embedding_cache=shared)
    second = CountingEmbedder()
    index = KnowledgeIndex(tmp_path / "two", second, embedding_cache=shared)
    ingest(index, [kb], progress=False)
    assert (first.embedded, second.embedded) == (PER_INGEST, 0)
    assert shared.exists() and not (tmp_path / "two" / "embeddings_cache.sqlite").exists()


def test_cache_is_per_embedder(tmp_path: Path, kb: Path) -> None:
    shared = tmp_path / "embeddings.sqlite"
    ingest(KnowledgeIndex(tmp_path / "one", CountingEmbedder()), [kb], False, shared)
    other = CountingEmbedder(name="other-model", dim=32)
    index = KnowledgeIndex(tmp_path / "two", other, embedding_cache=shared)
    ingest(index, [kb], progress=False)
    assert other.embedded == PER_INGEST
    assert index.embed_texts(["Employers hire co-op students."]).shape == (1, 32)


def test_a_corrupt_cache_file_is_set_aside_and_rebuilt(tmp_path: Path, kb: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database, just junk bytes" * 100)
    embedder = CountingEmbedder()
    index = KnowledgeIndex(tmp_path / "data", embedder, embedding_cache=bad)
    summary = ingest(index, [kb], progress=False)
    assert summary.chunks_added == 3 and embedder.embedded == PER_INGEST
    assert (tmp_path / "bad.sqlite.corrupt").exists()
    again = CountingEmbedder()
    ingest(KnowledgeIndex(tmp_path / "other", again, embedding_cache=bad), [kb], progress=False)
    assert again.embedded == 0
