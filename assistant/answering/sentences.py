"""Split text into sentences in English and French without breaking on abbreviations.

"St. Mary's University", "M. Tremblay", "p. ex.", "e.g." and "Dr." do not end sentences. The
abbreviations are data (`data/abbreviations.yaml`); two exact rules stay here: a single letter
before a period is an initial ("J. Smith", "M. Tremblay", "p. ex."), and dotted letters ("e.g",
"U.S") are an abbreviation. Citation markers right after a sentence's period ("... wages. [1]")
belong to that sentence.

`SentenceBuffer` does the same incrementally, for text that arrives in fragments: it hands out a
sentence only once the start of the next one has arrived (or the text has ended).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

# A sentence end: terminal punctuation, closing quotes/brackets, citation markers, whitespace,
# then something that can start a sentence (a capital, a digit, an opening quote or bracket).
_END = re.compile(
    r"(?P<stop>[.!?…]+[\"'”’»)]*)(?P<markers>(?:[ \t]*\[\d+\])*)(?P<space>\s+)"
    r"(?=[A-ZÀ-ÖØ-Þ0-9«\"“(]|\[[A-Z])"
)
_LAST_WORD = re.compile(r"(?:^|\s)[(«\"“]*(?P<word>[^\s(«\"“]+)$")
_DOTTED = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]$")


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, frozenset[str]]:
    """Return the abbreviations (lower-case, no final period) per language."""
    raw = (
        resources.files("assistant.answering")
        .joinpath("data/abbreviations.yaml")
        .read_text("utf-8")
    )
    data = yaml.safe_load(raw) or {}
    return {lang: frozenset(str(w).lower() for w in words or ()) for lang, words in data.items()}


def _is_abbreviation(before: str, lang: str) -> bool:
    """Return True when the text before a period ends with an abbreviation, not a sentence."""
    match = _LAST_WORD.search(before)
    if match is None:
        return False
    word = match.group("word")
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "J. Smith", "M. Tremblay", the "p" of "p. ex."
    if _DOTTED.match(word):
        return True  # "e.g", "i.e", "U.S"
    if word.isdigit() and len(word) <= 2 and (match.start() == 0 or "\n" in before[-4:]):
        return True  # a numbered list item: "1. Ask the school"
    lowered = word.lower()
    known = abbreviations()
    if lowered in known.get(lang, frozenset()):
        return True
    # "p. ex": the abbreviation spans two words.
    two = _LAST_WORD.search(before[: match.start()].rstrip())
    return two is not None and f"{two.group('word').lower()} {lowered}" in known.get(
        lang, frozenset()
    )


def _ends(text: str, lang: str) -> list[int]:
    """Return the offsets where sentences end (after their markers, before the whitespace)."""
    ends: list[int] = []
    for match in _END.finditer(text):
        stop = match.group("stop")
        single_period = stop.startswith(".") and stop.count(".") == 1
        if single_period and _is_abbreviation(text[: match.start("stop")], lang):
            continue
        ends.append(match.end("markers"))
    return ends


def split_sentences(text: str, lang: str = "en") -> list[str]:
    """Split `text` into sentences (whitespace flattened), keeping abbreviations whole."""
    flat = re.sub(r"\s+", " ", text).strip()
    return _split(flat, lang)


def _split(text: str, lang: str) -> list[str]:
    out: list[str] = []
    start = 0
    for end in _ends(text, "fr" if lang == "fr" else "en"):
        piece = text[start:end].strip()
        if piece:
            out.append(piece)
        start = end
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out


class SentenceBuffer:
    """Collect fragments and hand out whole sentences as soon as they are known to be complete."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = "fr" if lang == "fr" else "en"
        self._text = ""

    def feed(self, fragment: str) -> list[str]:
        """Add a fragment; return the sentences it completed (raw, without surrounding space)."""
        self._text += fragment
        ends = _ends(self._text, self.lang)
        if not ends:
            return []
        done, self._text = self._text[: ends[-1]], self._text[ends[-1] :]
        return [s for s in (_split_raw(done, self.lang)) if s]

    def flush(self) -> list[str]:
        """Return what is left once the text has ended."""
        rest, self._text = self._text, ""
        return [s for s in _split_raw(rest, self.lang) if s]


def _split_raw(text: str, lang: str) -> list[str]:
    """Split without flattening whitespace (line breaks inside a sentence are kept)."""
    out: list[str] = []
    start = 0
    for end in _ends(text, lang):
        out.append(text[start:end].strip())
        start = end
    out.append(text[start:].strip())
    return out
