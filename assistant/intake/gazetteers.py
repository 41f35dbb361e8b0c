"""Phrase matching on folded text, and the vocabularies it matches against (re-exported)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from assistant.intake.vocab_study import (
    ENROLLMENT,
    INSTITUTION_NAMES,
    INSTITUTIONS,
    PROGRAM_AREAS,
    PROGRAM_NAMES,
    RESIDENCY,
    RESIDENCY_LOOSE,
    Table,
)
from assistant.intake.vocab_work import INDUSTRIES, LOCATIONS, WIL_TYPES, WORK_ARRANGEMENTS
from assistant.text_input import fold

__all__ = [
    "ENROLLMENT",
    "INDUSTRIES",
    "INSTITUTIONS",
    "INSTITUTION_NAMES",
    "LOCATIONS",
    "PROGRAM_AREAS",
    "PROGRAM_NAMES",
    "RESIDENCY",
    "RESIDENCY_LOOSE",
    "WIL_TYPES",
    "WORK_ARRANGEMENTS",
    "Hit",
    "Table",
    "find_longest",
    "first_value",
    "fold",
]


@dataclass(frozen=True)
class Hit:
    """One gazetteer match in folded text."""

    value: str
    start: int
    end: int


@cache
def _compiled(alias: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + alias + r")(?![\w])")


def find_longest(table: Table, folded: str) -> list[Hit]:
    """Return matches preferring the longest phrase across all canonical values."""
    candidates: list[Hit] = []
    for value, aliases in table.items():
        for alias in aliases:
            for m in _compiled(alias).finditer(folded):
                candidates.append(Hit(value, m.start(), m.end()))
    candidates.sort(key=lambda h: (-(h.end - h.start), h.start))
    chosen: list[Hit] = []
    for hit in candidates:
        if all(hit.end <= c.start or hit.start >= c.end for c in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)


def first_value(table: Table, folded: str) -> str | None:
    """Return the canonical value of the longest phrase found, or None."""
    hits = find_longest(table, folded)
    if not hits:
        return None
    return max(hits, key=lambda h: h.end - h.start).value
