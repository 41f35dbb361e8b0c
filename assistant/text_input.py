"""Clean free text that arrives in request bodies before it reaches the engine or the database."""

from __future__ import annotations

import re
import unicodedata

# C0 control characters and DEL, except tab, newline and carriage return. NUL in particular
# cannot be stored in a PostgreSQL text column (the insert fails), and the others only garble
# terminals and the console.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_input_text(value: str) -> str:
    """Return `value` without control characters; raise ValueError on unpaired surrogates.

    A JSON body may carry `"\\ud800"`, which Python decodes into a string that cannot be encoded
    as UTF-8 (storing it fails); such text is refused with a clear message instead.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (it holds an unpaired surrogate)") from None
    return _CONTROL.sub("", value)


def sanitize_text(value: str) -> str:
    """Return `value` safe to store from any channel: controls dropped, unpaired surrogates replaced."""
    return _CONTROL.sub("", _SURROGATE.sub("\ufffd", value))


MAX_TEXT = 4000


def validate_message_text(value: str) -> str:
    """Return a message trimmed and cleaned; raise ValueError when empty or over 4,000 characters."""
    value = clean_input_text(value).strip()
    if not value:
        raise ValueError("text must not be empty")
    if len(value) > MAX_TEXT:
        raise ValueError(f"text must be at most {MAX_TEXT} characters")
    return value


def fold(text: str) -> str:
    """Lower-case and strip accents, keeping every character's position (for span matching)."""
    out = []
    for ch in text:
        if ch in "\u2019\u2018`":
            out.append("'")
            continue
        base = unicodedata.normalize("NFKD", ch)[:1] or ch
        low = base.lower()
        out.append(low[0] if low else ch)
    return "".join(out)


def fold_accents(text: str) -> str:
    """Strip diacritics (é -> e) while keeping the base letters."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_casual(text: str) -> str:
    """Lower-case, straighten apostrophes and strip accents (for matching casual typing)."""
    return fold_accents(text.lower().replace("\u2019", "'"))
