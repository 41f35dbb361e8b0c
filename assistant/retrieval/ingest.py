"""Ingest files into the knowledge index, skipping unchanged ones and pruning deleted ones."""

from __future__ import annotations

import hashlib
import logging
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.retrieval.chunking import Chunk, chunk_document
from assistant.retrieval.errors import DocumentLoadError
from assistant.retrieval.index import KnowledgeIndex, ManifestEntry
from assistant.retrieval.loaders import SUPPORTED_SUFFIXES, load_document

logger = logging.getLogger(__name__)

_PROGRESS_MIN_FILES = 8
# Texts embedded per call: large enough for efficient batches, small enough for a live progress bar.
_EMBED_BLOCK = 64
# Bump when loading/chunking changes, so unchanged files are re-chunked once.
PIPELINE_VERSION = "2"


def default_knowledge_dir() -> Path:
    """Return the repository's knowledge/ folder."""
    return Path(__file__).resolve().parents[2] / "knowledge"


@dataclass
class IngestSummary:
    """What an ingest run did."""

    files: int = 0
    chunks_added: int = 0
    chunks_updated: int = 0
    chunks_removed: int = 0
    files_skipped: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    texts_embedded: int = 0
    embeddings_reused: int = 0


def _discover(paths: list[Path]) -> list[tuple[Path, Path]]:
    """List (file, root) pairs for every supported file under the given paths."""
    found: list[tuple[Path, Path]] = []
    for raw in paths:
        path = raw.resolve()
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES and not _hidden(f, path):
                    found.append((f, path))
        elif path.is_file():
            found.append((path, path.parent))
    return found


def _hidden(path: Path, root: Path) -> bool:
    """Tell whether a file sits under a dot-folder, is a dotfile or a README."""
    rel = path.relative_to(root).parts
    return any(p.startswith((".", "_")) for p in rel) or path.name.lower() in ("readme.md",)


def _sha256(path: Path) -> str:
    """Hash a file's bytes together with the pipeline version."""
    return hashlib.sha256(PIPELINE_VERSION.encode() + b"\0" + path.read_bytes()).hexdigest()


def ingest(
    index: KnowledgeIndex,
    paths: list[Path] | None = None,
    progress: bool = True,
    embedding_cache: Path | None = None,
) -> IngestSummary:
    """Index the given files/folders (default: the knowledge folder) and report what changed.

    `embedding_cache` points the index at a shared embedding cache file (default: the data dir's).
    """
    started = time.perf_counter()
    if embedding_cache is not None:
        index.use_embedding_cache(embedding_cache)
    roots = [p.resolve() for p in (paths or [default_knowledge_dir()])]
    summary = IngestSummary()
    for root in roots:
        if not root.exists():
            summary.errors.append((str(root), "path does not exist"))
    files = _discover([r for r in roots if r.exists()])
    summary.files = len(files)
    manifest = index.manifest()
    seen: set[str] = set()
    pending: list[tuple[str, str, list[Chunk], list[str]]] = []
    for file, root in files:
        key = str(file)
        seen.add(key)
        try:
            digest = _sha256(file)
        except OSError as exc:
            summary.errors.append((key, f"cannot read ({exc.strerror or exc})"))
            continue
        old = manifest.get(key)
        if old is not None and old.sha256 == digest:
            summary.files_skipped += 1
            continue
        try:
            chunks = chunk_document(load_document(file, root))
        except DocumentLoadError as exc:
            summary.errors.append((key, str(exc)))
            logger.warning("skipped %s: %s", file, exc)
            continue
        except Exception as exc:  # a parser bug must not stop the other files
            summary.errors.append((key, f"{exc.__class__.__name__}: {exc}"))
            logger.exception("failed to load %s", file)
            continue
        pending.append((key, digest, chunks, old.chunk_ids if old else []))

    texts = [c.search_text for _, _, chunks, _ in pending for c in chunks]
    bar = _progress(progress and (len(pending) >= _PROGRESS_MIN_FILES or len(texts) >= 40))
    with bar as live:
        task = live.add_task("embedding", total=len(texts)) if live is not None else None
        hits, misses = index.embedding_cache.hits, index.embedding_cache.misses
        vectors = _embed_all(index, texts, live, task)
        summary.texts_embedded = index.embedding_cache.misses - misses
        summary.embeddings_reused = index.embedding_cache.hits - hits
    offset = 0
    for key, digest, chunks, old_ids in pending:
        new_ids = [c.chunk_id for c in chunks]
        existed = index.existing_ids(new_ids)
        stale = [cid for cid in old_ids if cid not in set(new_ids)]
        index.upsert(chunks, vectors[offset : offset + len(chunks)])
        offset += len(chunks)
        index.delete(stale)
        index.set_file(key, ManifestEntry(digest, new_ids))
        summary.chunks_updated += len(existed)
        summary.chunks_added += len(new_ids) - len(existed)
        summary.chunks_removed += len(stale)

    # The sections' headings and listed questions are matched by meaning at query time: embed
    # them now (through the cache) so the first question does not wait for it.
    asked = [
        text.strip()
        for _, _, chunks, _ in pending
        for c in chunks
        for text in (
            str(c.metadata.get("section") or ""),
            *str(c.metadata.get("questions") or "").split("\n"),
        )
        if text.strip()
    ]
    if asked:
        index.embed_texts(sorted(set(asked)))

    for key, entry in manifest.items():
        if key in seen or not any(Path(key).is_relative_to(r) for r in roots):
            continue
        index.delete(entry.chunk_ids)
        index.forget_file(key)
        summary.chunks_removed += len(entry.chunk_ids)
        logger.info("removed %d chunks of deleted file %s", len(entry.chunk_ids), key)
    index.save_manifest()
    summary.seconds = round(time.perf_counter() - started, 3)
    logger.info(
        "ingest: %d files, +%d ~%d -%d chunks (%d embedded, %d cached), %d skipped, %d errors in %.1fs",
        summary.files,
        summary.chunks_added,
        summary.chunks_updated,
        summary.chunks_removed,
        summary.texts_embedded,
        summary.embeddings_reused,
        summary.files_skipped,
        len(summary.errors),
        summary.seconds,
    )
    return summary


def _embed_all(index: KnowledgeIndex, texts: list[str], live: Any, task: Any) -> np.ndarray:
    """Embed all texts in length-sorted blocks (little padding), through the embedding cache."""
    if not texts:
        return np.zeros((0, index.embedder.dim or 0), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    blocks: list[np.ndarray] = []
    for start in range(0, len(order), _EMBED_BLOCK):
        idx = order[start : start + _EMBED_BLOCK]
        blocks.append(index.embed_texts([texts[i] for i in idx]))
        if live is not None:
            live.advance(task, len(idx))
    ordered = np.concatenate(blocks)
    out = np.empty_like(ordered)
    out[order] = ordered
    return out


def _progress(enabled: bool) -> Any:
    """Return a rich progress bar context (or a no-op one)."""
    if not enabled:
        return nullcontext(None)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
    )
