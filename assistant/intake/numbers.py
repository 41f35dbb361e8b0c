"""Numbers written in digits or words, English and French, cardinal and ordinal."""

from __future__ import annotations

import re

UNITS: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "a": 1,
    "an": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "a couple of": 2,
    "a couple": 2,
    "a pair of": 2,
    "single": 1,
    "un seul": 1,
    "une seule": 1,
    "a dozen": 12,
    "dozen": 12,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "dix-sept": 17,
    "dix-huit": 18,
    "dix-neuf": 19,
    "une douzaine": 12,
    "une dizaine": 10,
    "une couple de": 2,
    "une couple": 2,
    "une quinzaine": 15,
    "une vingtaine": 20,
    "une trentaine": 30,
    "une quarantaine": 40,
    "une cinquantaine": 50,
    "une soixantaine": 60,
    "une centaine": 100,
}
TENS: dict[str, int] = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "vingt": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    # French compounds are one number each: "soixante-dix" is 70, "quatre-vingt-dix" 90.
    "soixante-dix": 70,
    "soixante dix": 70,
    "quatre-vingts": 80,
    "quatre-vingt": 80,
    "quatre vingts": 80,
    "quatre vingt": 80,
    "quatre-vingt-dix": 90,
    "quatre vingt dix": 90,
    "septante": 70,
    "huitante": 80,
    "octante": 80,
    "nonante": 90,
}
ORDINALS: dict[str, int] = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "premiere": 1,
    "premier": 1,
    "deuxieme": 2,
    "seconde": 2,
    "troisieme": 3,
    "quatrieme": 4,
    "cinquieme": 5,
    "sixieme": 6,
}
_ORDINAL_DIGITS = re.compile(r"^(\d)\s*(?:st|nd|rd|th|re|ere|er|e|eme|ieme)$")
_HUNDREDS = {"hundred": 100, "cent": 100, "cents": 100, "thousand": 1000, "mille": 1000}

_unit_words = sorted(UNITS, key=len, reverse=True)
_tens_words = sorted(TENS, key=len, reverse=True)
# A cardinal in words or digits, e.g. "25", "twenty-five", "vingt et un", "five hundred".
NUMBER_FRAGMENT = (
    r"(?:\d{1,5}(?:[.,]\d+)?"
    r"|(?:" + "|".join(_tens_words) + r")(?:[- ](?:et[- ])?(?:" + "|".join(_unit_words) + r"))?"
    r"(?: (?:hundred|thousand|cents?|mille))?"
    r"|(?:" + "|".join(_unit_words) + r")(?: (?:hundred|thousand|cents?|mille))?)"
)
_FULL = re.compile(r"^" + NUMBER_FRAGMENT + r"$")


def parse_number(text: str) -> float | None:
    """Return the number written in digits or words (folded text), or None."""
    raw = text.strip().lower().replace("\u00a0", " ")
    if not raw or not _FULL.match(raw):
        return None
    if raw[0].isdigit():
        return float(raw.replace(",", "."))
    multiplier = 1
    for word, factor in _HUNDREDS.items():
        if raw.endswith(" " + word):
            raw = raw[: -len(word) - 1]
            multiplier = factor
            break
    if raw in UNITS:
        return float(UNITS[raw] * multiplier)
    for word, value in TENS.items():
        if raw == word:
            return float(value * multiplier)
        if raw.startswith(word):
            rest = re.sub(r"^[- ](?:et[- ])?", "", raw[len(word) :])
            if rest in UNITS:
                return float((value + UNITS[rest]) * multiplier)
    return None


def parse_int(text: str) -> int | None:
    """Return a whole number written in digits or words, or None."""
    value = parse_number(text)
    if value is None or value != int(value):
        return None
    return int(value)


def parse_ordinal(text: str) -> int | None:
    """Return the value of "third", "3rd", "troisième" (folded), "3e", or a bare cardinal."""
    raw = text.strip().lower()
    if raw in ORDINALS:
        return ORDINALS[raw]
    match = _ORDINAL_DIGITS.match(raw)
    if match:
        return int(match.group(1))
    return parse_int(raw)


_ARTICLES = {"a", "an", "un", "une", "single"}
_ANY_NUMBER = re.compile(r"(?<![\w.,])" + NUMBER_FRAGMENT + r"(?![\w])")


def numbers_in(text: str) -> list[float]:
    """Return every number in folded text, in order, ignoring articles like "a" or "une"."""
    found = []
    for match in _ANY_NUMBER.finditer(text.lower()):
        if match.group(0) in _ARTICLES:
            continue
        value = parse_number(match.group(0))
        if value is not None:
            found.append(value)
    return found
