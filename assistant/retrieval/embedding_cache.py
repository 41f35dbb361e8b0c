"""On-disk embedding cache keyed by (embedder name, sha256 of the text), so unchanged texts are never re-embedded."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import numpy as np

from assistant.retrieval.embedder import Embedder

logger = logging.getLogger(__name__)

CACHE_FILE = "embeddings_cache.sqlite"
_F32 = np.float32


def text_digest(text: str) -> str:
    """Return the sha256 hex digest of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Store embedding vectors in SQLite; safe to share between indexes, processes and threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        try:
            self._create()
        except sqlite3.DatabaseError as exc:
            aside = self.path.with_name(self.path.name + ".corrupt")
            logger.warning("embedding cache %s unreadable (%s); moved to %s", self.path, exc, aside)
            self.path.replace(aside)
            self._create()

    def _create(self) -> None:
        """Create the table if needed."""
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS embeddings (embedder TEXT NOT NULL, sha256 TEXT NOT NULL,"
                " dim INTEGER NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (embedder, sha256))"
            )

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """Open a short-lived connection that waits for other writers, commit and close it."""
        with closing(sqlite3.connect(self.path, timeout=30.0)) as db, db:
            yield db

    def get_many(self, embedder: str, digests: list[str]) -> dict[str, np.ndarray]:
        """Return the cached vectors for these text digests (missing ones are left out)."""
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(digests))
        with self._lock, self._connect() as db:
            for start in range(0, len(unique), 500):
                part = unique[start : start + 500]
                marks = ",".join("?" * len(part))
                rows = db.execute(
                    f"SELECT sha256, dim, vector FROM embeddings WHERE embedder = ? AND sha256 IN ({marks})",  # noqa: S608 - placeholders only
                    [embedder, *part],
                ).fetchall()
                for sha, dim, blob in rows:
                    vec = np.frombuffer(blob, dtype=_F32)
                    if vec.shape[0] == dim:
                        found[sha] = vec
        return found

    def put_many(self, embedder: str, items: list[tuple[str, np.ndarray]]) -> None:
        """Store vectors by text digest (replacing same-key ones)."""
        if not items:
            return
        rows = [
            (embedder, sha, int(vec.shape[0]), np.asarray(vec, dtype=_F32).tobytes())
            for sha, vec in items
        ]
        with self._lock, self._connect() as db:
            db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?)", rows)

    def embed(self, embedder: Embedder, texts: list[str]) -> np.ndarray:
        """Embed texts, reusing cached vectors and embedding (then caching) only the new ones."""
        if not texts:
            return embedder.embed_documents([])
        digests = [text_digest(t) for t in texts]
        try:
            cached = self.get_many(embedder.name, digests)
        except sqlite3.Error as exc:
            logger.warning(
                "embedding cache %s unreadable (%s); embedding everything", self.path, exc
            )
            cached = {}
        todo = list(dict.fromkeys(d for d in digests if d not in cached))
        self.hits += len(texts) - sum(1 for d in digests if d not in cached)
        self.misses += len(todo)
        if todo:
            first = {d: i for i, d in reversed(list(enumerate(digests)))}
            fresh = embedder.embed_documents([texts[first[d]] for d in todo])
            new = list(zip(todo, np.asarray(fresh, dtype=_F32), strict=True))
            cached.update(new)
            try:
                self.put_many(embedder.name, new)
            except sqlite3.Error as exc:
                logger.warning("could not write embedding cache %s: %s", self.path, exc)
        return np.stack([cached[d] for d in digests]).astype(_F32)
