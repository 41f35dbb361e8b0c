"""Persistent knowledge index: Chroma vectors, a file manifest and an in-memory BM25 view."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.retrieval.chunking import Chunk, search_text
from assistant.retrieval.embedder import Embedder
from assistant.retrieval.embedding_cache import CACHE_FILE, EmbeddingCache
from assistant.retrieval.errors import IndexMismatchError, RetrievalError
from assistant.retrieval.lexical import LexicalIndex

logger = logging.getLogger(__name__)

COLLECTION = "wil_knowledge"
MANIFEST = "index_manifest.json"
_UPSERT_BATCH = 64
# How often a section heading counts in BM25 (headings are written as the question they answer).
HEADING_REPEAT = 2


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as read back from the index."""

    chunk_id: str
    text: str
    metadata: dict[str, Any]

    @property
    def search_text(self) -> str:
        """Return the text that was embedded and BM25-indexed."""
        return search_text(
            str(self.metadata.get("title", "")), str(self.metadata.get("section", "")), self.text
        )

    @property
    def lexical_text(self) -> str:
        """Return the BM25 text: the section heading counts HEADING_REPEAT times, then the body,
        then the questions people ask the section (their words are the askers' words)."""
        section = str(self.metadata.get("section", ""))
        asked = str(self.metadata.get("questions") or "")
        return "\n".join([*[section] * (HEADING_REPEAT - 1), self.search_text, asked]).rstrip()


@dataclass(frozen=True)
class ManifestEntry:
    """What the index knows about one ingested file."""

    sha256: str
    chunk_ids: list[str]


class KnowledgeIndex:
    """Own the Chroma collection, the manifest and the lexical index for one data directory."""

    def __init__(
        self,
        data_dir: Path,
        embedder: Embedder,
        collection: str = COLLECTION,
        embedding_cache: Path | None = None,
    ) -> None:
        """Open the index in data_dir; embeddings are cached in `embedding_cache` (default: data_dir)."""
        import chromadb
        from chromadb.config import Settings

        self.data_dir = Path(data_dir)
        self.embedder = embedder
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self.embedding_cache = EmbeddingCache(embedding_cache or self.data_dir / CACHE_FILE)
        self._client = chromadb.PersistentClient(
            path=str(self.data_dir / "chroma"), settings=Settings(anonymized_telemetry=False)
        )
        dim = embedder.dim or int(embedder.embed_query("dimension probe").shape[0])
        wanted = {"embedder": embedder.name, "dim": dim}
        self._collection = self._client.get_or_create_collection(
            collection,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata=wanted,
        )
        found = self._collection.metadata or {}
        if (found.get("embedder"), found.get("dim")) != (wanted["embedder"], wanted["dim"]):
            raise IndexMismatchError(
                f"the index in {self.data_dir} was built with embedder {found.get('embedder')!r} "
                f"(dim {found.get('dim')}), not {embedder.name!r} (dim {dim}); "
                "use the same embedder or delete the data directory's 'chroma' folder and re-ingest"
            )
        self._manifest = self._load_manifest()
        self._chunks: list[StoredChunk] | None = None
        self._lexical: LexicalIndex | None = None
        self._vectors: dict[str, np.ndarray] | None = None
        self._count: int | None = None

    # ----- manifest -----------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        """Return where the file manifest is stored."""
        return self.data_dir / MANIFEST

    def _load_manifest(self) -> dict[str, ManifestEntry]:
        """Read the manifest, treating a missing or corrupt file as empty."""
        if not self.manifest_path.exists():
            return {}
        try:
            raw = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            return {
                p: ManifestEntry(e["sha256"], list(e["chunk_ids"])) for p, e in raw["files"].items()
            }
        except (OSError, ValueError, KeyError, TypeError):
            logger.warning(
                "index manifest %s unreadable; files will be re-ingested", self.manifest_path
            )
            return {}

    def save_manifest(self) -> None:
        """Write the manifest atomically."""
        data = {
            "embedder": self.embedder.name,
            "files": {
                p: {"sha256": e.sha256, "chunk_ids": e.chunk_ids}
                for p, e in sorted(self._manifest.items())
            },
        }
        tmp = self.manifest_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        tmp.replace(self.manifest_path)

    def manifest(self) -> dict[str, ManifestEntry]:
        """Return a copy of the manifest (file path -> hash and chunk ids)."""
        return dict(self._manifest)

    def set_file(self, path: str, entry: ManifestEntry) -> None:
        """Record a file's hash and chunk ids."""
        self._manifest[path] = entry

    def forget_file(self, path: str) -> None:
        """Drop a file from the manifest."""
        self._manifest.pop(path, None)

    def use_embedding_cache(self, path: Path) -> None:
        """Switch to the embedding cache file at `path` (e.g. one shared by several indexes)."""
        if Path(path) != self.embedding_cache.path:
            self.embedding_cache = EmbeddingCache(path)

    def embed_texts(self, texts: list[str]) -> np.ndarray:
        """Embed texts, reusing vectors from the embedding cache."""
        return self.embedding_cache.embed(self.embedder, texts)

    # ----- writes --------------------------------------------------------------------
    def upsert(self, chunks: list[Chunk], vectors: np.ndarray | None = None) -> None:
        """Embed (unless vectors are given) and store chunks, replacing same-id ones."""
        if not chunks:
            return
        if vectors is None:
            vectors = self.embed_texts([c.search_text for c in chunks])
        with self._lock:
            for start in range(0, len(chunks), _UPSERT_BATCH):
                part = chunks[start : start + _UPSERT_BATCH]
                self._collection.upsert(
                    ids=[c.chunk_id for c in part],
                    embeddings=np.asarray(vectors[start : start + _UPSERT_BATCH], dtype=np.float32),
                    documents=[c.text for c in part],
                    metadatas=[dict(c.metadata) for c in part],  # type: ignore[misc]
                )
            self._invalidate()

    def delete(self, chunk_ids: list[str]) -> None:
        """Remove chunks by id."""
        if not chunk_ids:
            return
        with self._lock:
            for start in range(0, len(chunk_ids), 500):
                self._collection.delete(ids=chunk_ids[start : start + 500])
            self._invalidate()

    def existing_ids(self, chunk_ids: list[str]) -> set[str]:
        """Return which of these chunk ids are stored."""
        if not chunk_ids:
            return set()
        got = self._collection.get(ids=chunk_ids, include=[])
        return set(got["ids"])

    def _invalidate(self) -> None:
        """Forget cached chunks and the BM25 view after a write."""
        self._chunks = None
        self._lexical = None
        self._vectors = None
        self._count = None

    # ----- reads ---------------------------------------------------------------------
    def chunks(self) -> list[StoredChunk]:
        """Return every stored chunk (cached until the next write)."""
        with self._lock:
            if self._chunks is None:
                got = self._collection.get(include=["documents", "metadatas"])
                docs = got.get("documents") or []
                metas = got.get("metadatas") or []
                self._chunks = [
                    StoredChunk(cid, doc or "", dict(meta or {}))
                    for cid, doc, meta in zip(got["ids"], docs, metas, strict=True)
                ]
            return self._chunks

    def vectors(self) -> dict[str, np.ndarray]:
        """Return every stored chunk's unit vector by chunk id (cached until the next write)."""
        with self._lock:
            if self._vectors is None:
                got = self._collection.get(include=["embeddings"])
                embeddings = got.get("embeddings")
                rows = [] if embeddings is None else list(embeddings)
                self._vectors = {
                    cid: np.asarray(vec, dtype=np.float32)
                    for cid, vec in zip(got["ids"], rows, strict=True)
                }
            return self._vectors

    def lexical(self) -> LexicalIndex:
        """Return the BM25 index over the stored chunks (rebuilt after writes)."""
        with self._lock:
            if self._lexical is None:
                chunks = self.chunks()
                self._lexical = LexicalIndex(
                    [c.lexical_text for c in chunks],
                    [str(c.metadata.get("lang", "en")) for c in chunks],
                )
            return self._lexical

    def count(self) -> int:
        """Return the number of stored chunks (remembered until the next write: a search asked
        Chroma about three times per query, issue 13)."""
        count = self._count
        if count is None:
            count = self._count = int(self._collection.count())
        return count

    def query_vector(
        self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Return (chunk id, cosine similarity) for the n nearest chunks matching `where`."""
        total = self.count()
        if total == 0 or n <= 0:
            return []
        try:
            res = self._collection.query(
                query_embeddings=[np.asarray(vector, dtype=np.float32).tolist()],
                n_results=min(n, total),
                where=where or None,  # type: ignore[arg-type]
                include=["distances"],
            )
        except Exception as exc:  # chromadb raises several unrelated types
            raise RetrievalError(f"vector query failed: {exc}") from exc
        ids = res["ids"][0] if res["ids"] else []
        dists = (res.get("distances") or [[]])[0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, dists, strict=True)]

    def index_info(self) -> dict[str, Any]:
        """Describe the index for health checks: embedder, chunk count, content version."""
        digest = hashlib.sha256()
        for path_key, entry in sorted(self._manifest.items(), key=lambda kv: kv[1].sha256):
            digest.update(entry.sha256.encode())
            digest.update("|".join(sorted(entry.chunk_ids)).encode())
            del path_key
        return {
            "embedder": self.embedder.name,
            "dim": self.embedder.dim,
            "chunks": self.count(),
            "files": len(self._manifest),
            "version": digest.hexdigest()[:16],
        }
