"""What a search needs to know about every stored chunk, worked out once per index state.

Speed (issue 13): a search used to walk the whole corpus (folding every heading, rebuilding the
id, key and filter tables, stacking every vector) although only a few dozen candidates matter; at
50 times the knowledge that made a query ten times slower. These tables are built once after each
write and a query only reads them.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from assistant.retrieval.index import StoredChunk
from assistant.retrieval.intents import is_historic_heading

# Filter combinations remembered (audiences x institutions in use; a bound, not a tuning).
_MAX_FILTERS = 256


def audiences(audience: str | None) -> list[str] | None:
    """Return the audience values a filter accepts (None: no filter)."""
    if not audience or audience == "all":
        return None
    return [audience, "all"]


class CorpusTables:
    """Lookup tables over one list of stored chunks (and their vectors)."""

    def __init__(self, chunks: list[StoredChunk], vectors: dict[str, np.ndarray]) -> None:
        self.chunks = chunks
        self.by_id: dict[str, StoredChunk] = {c.chunk_id: c for c in chunks}
        self.by_key: dict[str, list[StoredChunk]] = {}
        self.meta_by_key: dict[str, dict[str, Any]] = {}
        self.langs_by_key: dict[str, set[str]] = {}
        self.historic: set[str] = set()
        self.langs_with: dict[str, set[str]] = {}
        for c in chunks:
            self.by_key.setdefault(str(c.metadata.get("key", c.chunk_id)), []).append(c)
        for c in self.by_id.values():
            key = str(c.metadata.get("key"))
            self.meta_by_key.setdefault(key, c.metadata)
            self.langs_by_key.setdefault(key, set()).add(str(c.metadata.get("lang")))
            if is_historic_heading(str(c.metadata.get("section", ""))):
                self.historic.add(key)
        self._audience = [c.metadata.get("audience", "all") for c in chunks]
        self._institution = [c.metadata.get("institution", "") for c in chunks]
        self._chunk_keys = [c.metadata.get("key") for c in chunks]
        self._lang = [c.metadata.get("lang") for c in chunks]
        # Every section's chunk vectors, stacked once: a query scores only its candidates' rows.
        ids = [cid for cid in self.by_id if cid in vectors]
        self._matrix = (
            np.vstack([vectors[cid] for cid in ids]).astype(np.float32)
            if ids
            else np.zeros((0, 1), dtype=np.float32)
        )
        self._rows_by_key: dict[str, list[int]] = {}
        for row, cid in enumerate(ids):
            key = str(self.by_id[cid].metadata.get("key", cid))
            self._rows_by_key.setdefault(key, []).append(row)
        self._lock = threading.Lock()
        self._masks: dict[tuple[str | None, str | None, str | None], np.ndarray] = {}
        self._allowed: dict[tuple[str | None, str | None], frozenset[str]] = {}

    def mask(
        self, audience: str | None, institution: str | None, without_lang: str | None = None
    ) -> np.ndarray:
        """Return which chunks pass the audience/institution filter (and, with `without_lang`,
        have no version in that language); read-only, shared by every query."""
        wanted = (audience, institution, without_lang)
        found = self._masks.get(wanted)
        if found is not None:
            return found
        auds = audiences(audience)
        inst = (institution or "").lower()
        mask = np.array(
            [
                (auds is None or aud in auds) and (not inst or own in ("", inst))
                for aud, own in zip(self._audience, self._institution, strict=True)
            ],
            dtype=bool,
        )
        if without_lang:
            covered = {
                k
                for k, lang in zip(self._chunk_keys, self._lang, strict=True)
                if lang == without_lang
            }
            mask &= np.array([k not in covered for k in self._chunk_keys], dtype=bool)
        mask.flags.writeable = False
        with self._lock:
            if len(self._masks) < _MAX_FILTERS:
                self._masks[wanted] = mask
        return mask

    def allowed_keys(self, audience: str | None, institution: str | None) -> frozenset[str]:
        """Return the section keys that pass the audience/institution filter."""
        wanted = (audience, institution)
        found = self._allowed.get(wanted)
        if found is not None:
            return found
        mask = self.mask(audience, institution)
        keys = frozenset(
            str(c.metadata.get("key")) for c, ok in zip(self.chunks, mask, strict=True) if ok
        )
        with self._lock:
            if len(self._allowed) < _MAX_FILTERS:
                self._allowed[wanted] = keys
        return keys

    def dense_by_key(self, keys: list[str], vectors: list[np.ndarray]) -> dict[str, float]:
        """Return each of these sections' best cosine with the query's vectors (from all its
        chunks, whether or not the vector search returned them)."""
        rows = [row for key in dict.fromkeys(keys) for row in self._rows_by_key.get(key, [])]
        if not rows:
            return {}
        matrix = self._matrix[rows]
        sims = np.max(
            np.vstack([matrix @ np.asarray(v, dtype=np.float32) for v in vectors]), axis=0
        ).tolist()
        best: dict[str, float] = {}
        at = 0
        for key in dict.fromkeys(keys):
            own = self._rows_by_key.get(key, [])
            if own:
                best[key] = float(max(sims[at : at + len(own)]))
                at += len(own)
        return best
