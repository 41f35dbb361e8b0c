"""Retrieval: load and chunk knowledge, index it (Chroma + BM25, cached embeddings), search it in EN/FR."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from assistant.retrieval.chunking import Chunk, chunk_document
from assistant.retrieval.embedder import Embedder, MiniLMEmbedder, OpenAIEmbedder, make_embedder
from assistant.retrieval.embedding_cache import EmbeddingCache
from assistant.retrieval.errors import (
    DocumentLoadError,
    EmbedderUnavailableError,
    IndexMismatchError,
    RetrievalError,
)
from assistant.retrieval.index import KnowledgeIndex
from assistant.retrieval.ingest import IngestSummary, default_knowledge_dir, ingest
from assistant.retrieval.institutions import Institution, InstitutionRegistry
from assistant.retrieval.loaders import LoadedDocument, load_document
from assistant.retrieval.rerank import LinearReranker, RetrievalSignals, SectionCandidate
from assistant.retrieval.search import HybridRetriever, Passage, RetrievalResult, RetrievalTuning
from assistant.understanding.protocols import Reranker

__all__ = [
    "Chunk",
    "DocumentLoadError",
    "Embedder",
    "EmbedderUnavailableError",
    "EmbeddingCache",
    "HybridRetriever",
    "IndexMismatchError",
    "IngestSummary",
    "Institution",
    "InstitutionRegistry",
    "KnowledgeIndex",
    "LinearReranker",
    "LoadedDocument",
    "MiniLMEmbedder",
    "OpenAIEmbedder",
    "Passage",
    "RetrievalError",
    "RetrievalResult",
    "RetrievalSignals",
    "RetrievalTuning",
    "SectionCandidate",
    "build_retriever",
    "chunk_document",
    "default_knowledge_dir",
    "ingest",
    "load_document",
    "make_embedder",
]


def build_retriever(
    data_dir: Path, embedder: Embedder, reranker: Reranker | Literal["fitted"] | None = "fitted"
) -> HybridRetriever:
    """Open (or create) the index in data_dir and return a retriever over it; `reranker` orders
    the fused candidates (default: the weights fitted by `wil-assistant eval retrieval`)."""
    return HybridRetriever(KnowledgeIndex(data_dir, embedder), reranker=reranker)
