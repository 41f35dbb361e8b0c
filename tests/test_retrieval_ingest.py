"""Ingest skips unchanged files, updates changed ones, prunes deleted ones and survives broken ones."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from assistant.retrieval import HybridRetriever, IndexMismatchError, KnowledgeIndex, ingest


class HashEmbedder:
    """Deterministic bag-of-words embedder so ingest tests stay fast."""

    def __init__(self, name: str = "hash-test", dim: int = 64) -> None:
        self.name = name
        self.dim = dim

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


def _page(pair: str, lang: str, body: str) -> str:
    return (
        f"---\nid: {pair}-{lang}\npair: {pair}\ntitle: {pair} title\nlang: {lang}\naudience: all\n"
        f"source_url: https://example.org/{pair}\nreviewed: 2025-01-01\n---\n\n# {pair}\n\n{body}\n"
    )


@pytest.fixture()
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    (root / "en").mkdir(parents=True)
    (root / "en" / "a.md").write_text(
        _page(
            "page-a",
            "en",
            "## Hiring {#hiring}\n\nEmployers hire co-op students each term.\n\n"
            "## Pay {#pay}\n\nStudents are paid at least minimum wage.",
        ),
        encoding="utf-8",
    )
    (root / "en" / "b.md").write_text(
        _page(
            "page-b", "en", "## Permits {#permits}\n\nInternational students need a study permit."
        ),
        encoding="utf-8",
    )
    return root


def test_reingest_skips_unchanged_updates_changed_and_removes_deleted(
    tmp_path: Path, kb: Path
) -> None:
    index = KnowledgeIndex(tmp_path / "data", HashEmbedder())
    first = ingest(index, [kb], progress=False)
    assert (first.files, first.chunks_added, first.files_skipped, first.errors) == (2, 3, 0, [])
    version = index.index_info()["version"]

    again = ingest(index, [kb], progress=False)
    assert (
        again.files_skipped,
        again.chunks_added,
        again.chunks_updated,
        again.chunks_removed,
    ) == (2, 0, 0, 0)
    assert index.index_info()["version"] == version

    (kb / "en" / "a.md").write_text(
        _page("page-a", "en", "## Hiring {#hiring}\n\nEmployers hire co-op students every spring."),
        encoding="utf-8",
    )
    changed = ingest(index, [kb], progress=False)
    assert (changed.files_skipped, changed.chunks_updated, changed.chunks_removed) == (1, 1, 1)
    assert index.count() == 2
    assert index.index_info()["version"] != version

    (kb / "en" / "b.md").unlink()
    pruned = ingest(index, [kb], progress=False)
    assert pruned.chunks_removed == 1 and index.count() == 1
    keys = {c.metadata["key"] for c in index.chunks()}
    assert keys == {"page-a#hiring"}


def test_ingesting_another_folder_does_not_prune_the_first(tmp_path: Path, kb: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "note.txt").write_text(
        "A short note about mentoring students on placement.", encoding="utf-8"
    )
    index = KnowledgeIndex(tmp_path / "data", HashEmbedder())
    ingest(index, [kb], progress=False)
    ingest(index, [other], progress=False)
    assert index.count() == 4


def test_broken_file_is_reported_by_name_and_the_rest_indexed(tmp_path: Path, kb: Path) -> None:
    (kb / "en" / "broken.md").write_text("---\ntitle: [oops\n---\n\n## A\n\ntext", encoding="utf-8")
    (kb / "en" / "corrupt.pdf").write_bytes(b"%PDF-1.4 garbage")
    (kb / "en" / "latin.txt").write_bytes("R\xe9sum\xe9".encode("latin-1"))
    index = KnowledgeIndex(tmp_path / "data", HashEmbedder())
    summary = ingest(index, [kb], progress=False)
    failed = {Path(path).name for path, _ in summary.errors}
    assert failed == {"broken.md", "corrupt.pdf", "latin.txt"}
    assert summary.chunks_added == 3 and index.count() == 3


def test_missing_path_is_reported(tmp_path: Path) -> None:
    index = KnowledgeIndex(tmp_path / "data", HashEmbedder())
    summary = ingest(index, [tmp_path / "nope"], progress=False)
    assert summary.errors and "does not exist" in summary.errors[0][1]


def test_opening_an_index_with_another_embedder_is_refused(tmp_path: Path, kb: Path) -> None:
    ingest(KnowledgeIndex(tmp_path / "data", HashEmbedder()), [kb], progress=False)
    with pytest.raises(IndexMismatchError, match="hash-test"):
        KnowledgeIndex(tmp_path / "data", HashEmbedder(name="other-model", dim=32))
    reopened = KnowledgeIndex(tmp_path / "data", HashEmbedder())
    assert reopened.count() == 3


def test_index_survives_reopening_and_searches(tmp_path: Path, kb: Path) -> None:
    ingest(KnowledgeIndex(tmp_path / "data", HashEmbedder()), [kb], progress=False)
    retriever = HybridRetriever(KnowledgeIndex(tmp_path / "data", HashEmbedder()))
    result = retriever.search("international students study permit", "en")
    assert result.passages[0].key == "page-b#permits"
    assert result.passages[0].url == "https://example.org/page-b"
    info = retriever.index.index_info()
    assert info["chunks"] == 3 and info["embedder"] == "hash-test" and info["files"] == 2
