"""Turn passages into citations, and find a section's passage in the reader's language."""

from __future__ import annotations

import logging
from typing import Any

from assistant.answering.types import Citation, PassageLike

logger = logging.getLogger(__name__)


def citation_for(passage: PassageLike, snippet: str | None = None) -> Citation:
    """Return the citation of a passage (title with section, source, url, snippet)."""
    title = f"{passage.title} — {passage.section}" if passage.section else passage.title
    return Citation(
        title=title,
        source=passage.source or passage.title,
        url=passage.url,
        snippet=(snippet or passage.snippet or passage.text[:200]).strip(),
        key=passage.key,
    )


def find_passage(retriever: Any, key: str, lang: str) -> Any | None:
    """Return the passage stored under a section key, in `lang` when a version exists, else any language.

    Uses `retriever.passage(key, lang)` when the retriever offers it, else reads the index's chunks.
    """
    if retriever is None:
        return None
    getter = getattr(retriever, "passage", None)
    if callable(getter):
        return getter(key, lang)
    index = getattr(retriever, "index", None)
    if index is None or not hasattr(index, "chunks"):
        return None
    try:
        from assistant.retrieval import Passage
    except ImportError:  # pragma: no cover - retrieval is part of the package
        return None
    best = None
    for chunk in index.chunks():
        meta = chunk.metadata
        if str(meta.get("key")) != key:
            continue
        rank = (meta.get("lang") != lang, int(meta.get("part", 0)))
        if best is None or rank < best[0]:
            best = (rank, chunk)
    if best is None:
        return None
    chunk = best[1]
    meta = chunk.metadata
    return Passage(
        chunk_id=chunk.chunk_id,
        key=key,
        page_id=str(meta.get("page_id", "")),
        pair=str(meta.get("pair", "")),
        title=str(meta.get("title", "")),
        section=str(meta.get("section", "")),
        text=chunk.text,
        lang=str(meta.get("lang", "")),
        audience=str(meta.get("audience", "all")),
        institution=str(meta.get("institution") or "") or None,
        url=str(meta.get("source_url") or "") or None,
        source=str(meta.get("source", "")),
        score=0.0,
        snippet=chunk.text[:200],
    )
