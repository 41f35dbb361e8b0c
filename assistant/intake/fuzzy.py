"""Typo tolerance for closed vocabularies: one edit in a word of six letters or more."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TypeVar

from assistant.intake import gazetteers as gz

T = TypeVar("T")
MIN_LENGTH = 6
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_edit(word: str) -> Iterator[str]:
    """Yield every spelling one deletion, transposition, substitution or insertion away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    for left, right in splits:
        if right:
            yield left + right[1:]
        if len(right) > 1:
            yield left + right[1] + right[0] + right[2:]
        for ch in _LETTERS:
            if right and ch != right[0]:
                yield left + ch + right[1:]
            yield left + ch + right


def correct(text: str, parse: Callable[[str], T | None]) -> T | None:
    """Return what parse finds once one long word is respelled, if exactly one reading exists."""
    folded = gz.fold(text)
    found: set[T] = set()
    for m in re.finditer(rf"[a-z]{{{MIN_LENGTH},}}", folded):
        for variant in set(one_edit(m.group(0))):
            value = parse(folded[: m.start()] + variant + folded[m.end() :])
            if value is not None:
                found.add(value)
    return found.pop() if len(found) == 1 else None


def fuzzy_lookup(table: gz.Table, raw: str) -> str | None:
    """Return the vocabulary value a misspelled answer means ("internshp", "calgray"), or None."""
    return correct(raw, lambda text: gz.first_value(table, text))
