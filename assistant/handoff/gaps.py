"""Knowledge gaps: questions the assistant could not answer well, grouped by similar wording."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from assistant.handoff.detect import normalise
from assistant.store.db import Database
from assistant.store.models import KnowledgeGap, as_utc

logger = logging.getLogger(__name__)

SIMILARITY = 0.5
MAX_ROWS = 5000
MAX_EXAMPLES = 5
_TOKEN = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    (
        # English
        "a",
        "an",
        "the",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "and",
        "or",
        "is",
        "are",
        "was",
        "be",
        "do",
        "does",
        "did",
        "i",
        "me",
        "my",
        "we",
        "our",
        "us",
        "you",
        "your",
        "it",
        "its",
        "this",
        "that",
        "what",
        "whats",
        "how",
        "can",
        "could",
        "should",
        "would",
        "will",
        "there",
        "any",
        "about",
        "with",
        "from",
        "if",
        "when",
        "where",
        "who",
        "which",
        "why",
        "have",
        "has",
        "get",
        "please",
        "hi",
        "hello",
        "thanks",
        "s",
        # French
        "le",
        "la",
        "les",
        "l",
        "de",
        "des",
        "du",
        "d",
        "un",
        "une",
        "et",
        "ou",
        "est",
        "sont",
        "je",
        "j",
        "me",
        "m",
        "mon",
        "ma",
        "mes",
        "nous",
        "notre",
        "nos",
        "vous",
        "votre",
        "vos",
        "tu",
        "il",
        "elle",
        "on",
        "que",
        "qu",
        "quoi",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "comment",
        "pour",
        "sur",
        "dans",
        "avec",
        "en",
        "au",
        "aux",
        "ce",
        "c",
        "ca",
        "est-ce",
        "y",
        "a",
        "peut",
        "puis",
        "pouvez",
        "faire",
        "bonjour",
        "merci",
        "svp",
        "pas",
        "ne",
        "n",
    )
)


def _stem(token: str) -> str:
    """Fold simple plurals and a few common endings so "placements"/"placement" meet."""
    for suffix in ("ments", "ment", "ings", "ing", "ies", "es", "s", "x"):
        if len(token) > len(suffix) + 3 and token.endswith(suffix):
            return token[: -len(suffix)]
    return token


def signature(text: str) -> frozenset[str]:
    """Return the set of stemmed content words of a question."""
    return frozenset(_stem(t) for t in _TOKEN.findall(normalise(text)) if t not in _STOP)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Return the word overlap of two signatures (Jaccard index)."""
    if not a or not b:
        return 1.0 if a == b else 0.0
    return len(a & b) / len(a | b)


@dataclass
class _Cluster:
    locale: str
    words: Counter[str] = field(default_factory=Counter)
    members: list[KnowledgeGap] = field(default_factory=list)

    def core(self) -> frozenset[str]:
        """Return the words used by at least half of the members (the cluster's gist)."""
        half = max(1, (len(self.members) + 1) // 2)
        return frozenset(w for w, n in self.words.items() if n >= half)

    def add(self, row: KnowledgeGap, sig: frozenset[str]) -> None:
        self.members.append(row)
        self.words.update(sig)


def group_gaps(rows: list[KnowledgeGap], *, threshold: float = SIMILARITY) -> list[dict[str, Any]]:
    """Cluster gap rows of the same language by word overlap; biggest and most recent first."""
    clusters: list[_Cluster] = []
    for row in sorted(rows, key=lambda r: as_utc(r.created_at), reverse=True):
        sig = signature(row.text)
        best, best_score = None, 0.0
        for cluster in clusters:
            if cluster.locale != row.locale:
                continue
            score = similarity(sig, cluster.core())
            if score > best_score:
                best, best_score = cluster, score
        if best is None or best_score < threshold:
            best = _Cluster(locale=row.locale)
            clusters.append(best)
        best.add(row, sig)
    groups = [_describe(c) for c in clusters]
    groups.sort(key=lambda g: (g["count"], g["last_seen"]), reverse=True)
    return groups


def _describe(cluster: _Cluster) -> dict[str, Any]:
    core = cluster.core()
    texts = [" ".join(m.text.split()) for m in cluster.members]
    # The representative is the member closest to the gist (ties: the most frequent, then shortest).
    freq = Counter(t.lower() for t in texts)
    representative = max(
        texts, key=lambda t: (similarity(signature(t), core), freq[t.lower()], -len(t))
    )
    examples: list[str] = []
    for text in texts:
        if text.lower() != representative.lower() and text.lower() not in {
            e.lower() for e in examples
        }:
            examples.append(text)
        if len(examples) >= MAX_EXAMPLES:
            break
    last = max(as_utc(m.created_at) for m in cluster.members)
    return {
        "text": representative,
        "count": len(cluster.members),
        "locale": cluster.locale,
        "examples": examples,
        "last_seen": last.isoformat(),
        "reasons": dict(Counter(m.reason for m in cluster.members)),
    }


def list_gaps(
    db: Database, *, locale: str | None = None, since: datetime | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Return grouped knowledge gaps from the store (newest MAX_ROWS rows), at most `limit` groups."""
    query = select(KnowledgeGap).order_by(KnowledgeGap.created_at.desc()).limit(MAX_ROWS)
    if locale is not None:
        query = query.where(KnowledgeGap.locale == locale)
    if since is not None:
        query = query.where(KnowledgeGap.created_at >= since)
    with db.session() as s:
        rows = list(s.scalars(query))
    return group_gaps(rows)[:limit]
