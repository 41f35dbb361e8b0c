"""What every validator shares: the error, the parse context and text clean-up helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.intake import gazetteers as gz


class InvalidValue(ValueError):
    """Raised when an answer cannot become a valid field value."""


@dataclass(frozen=True)
class ParseContext:
    """What a validator may depend on besides the answer: today's date and the locale."""

    today: date
    locale: str = "en"


def text_of(raw: object) -> str:
    """Return the answer as stripped text, or raise InvalidValue("empty")."""
    if raw is None:
        raise InvalidValue("empty")
    text = str(raw).strip()
    if not text:
        raise InvalidValue("empty")
    return text


def clean_phrase(text: str, prefixes: str) -> str:
    """Strip a leading lead-in phrase ("it's", "c'est") and surrounding punctuation."""
    text = re.sub(r"^(?:" + prefixes + r")\s+", "", text.strip(), flags=re.IGNORECASE)
    return text.strip(" \t.,;:!\"'")


def capitalise(text: str) -> str:
    """Return the text with a capital first letter when it was typed in lower case."""
    return text[:1].upper() + text[1:] if text.islower() or text[:1].islower() else text


def title_words(text: str) -> str:
    """Capitalise each word typed all in lower case ("dana smith" -> "Dana Smith")."""
    return " ".join(w[:1].upper() + w[1:] if w.islower() else w for w in text.split())


def lookup(table: gz.Table, raw: object, *, allowed: tuple[str, ...] = ()) -> str | None:
    """Return the canonical value of a vocabulary phrase in the answer, or None."""
    text = text_of(raw)
    if text in allowed or text in table:
        return text
    return gz.first_value(table, gz.fold(text))


def validate_free_text(raw: object, ctx: ParseContext) -> str:
    """Return free text trimmed, between 2 and 1000 characters."""
    text = text_of(raw)
    if len(text) < 2 or len(text) > 1000 or not re.search(r"[^\W\d_]", text):
        raise InvalidValue("too short")
    return capitalise(text)
