"""Fuse ranked section lists: weighted reciprocal rank or weighted normalised scores."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RankedList:
    """One method's section ranking (best first) with its raw scores and fusion weight."""

    keys: list[str]
    scores: list[float]
    weight: float


def reciprocal_rank(lists: list[RankedList], rrf_k: int) -> dict[str, float]:
    """Sum weight / (rrf_k + rank) over the lists each key appears in."""
    fused: dict[str, float] = {}
    for ranked in lists:
        for rank, key in enumerate(ranked.keys, start=1):
            fused[key] = fused.get(key, 0.0) + ranked.weight / (rrf_k + rank)
    return fused


def _normalised(scores: list[float]) -> list[float]:
    """Min-max scale scores to [0, 1] (a single or flat list maps to 1)."""
    if not scores:
        return []
    top, low = max(scores), min(scores)
    if top - low <= 1e-9:
        return [1.0] * len(scores)
    return [(s - low) / (top - low) for s in scores]


def normalised_score(lists: list[RankedList]) -> dict[str, float]:
    """Sum weight * min-max-normalised score, so a confident list outweighs a flat one."""
    fused: dict[str, float] = {}
    for ranked in lists:
        for key, score in zip(ranked.keys, _normalised(ranked.scores), strict=True):
            fused[key] = fused.get(key, 0.0) + ranked.weight * score
    return fused


def fuse(lists: list[RankedList], method: str, rrf_k: int) -> dict[str, float]:
    """Fuse lists with 'rrf' (reciprocal rank) or 'score' (normalised scores)."""
    if method == "score":
        return normalised_score(lists)
    return reciprocal_rank(lists, rrf_k)
