"""Mask personal details (emails, phone numbers, names) before text leaves for an LLM, and restore them after."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

logger = logging.getLogger(__name__)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w$])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?![\w])")
_NAME_WORD = r"[A-ZÀ-Ý][a-zà-ÿ'’-]+"
_NAME_CUE = re.compile(
    r"(?:\bmy name is|\bthis is|\bi am|\bi'm|\bname:|\bcontact(?: person)?(?: is|:)|\bje m'appelle|\bje m’appelle|"
    r"\bje suis|\bmon nom est|\bnom\s*:|\bcontact\s*:|\bla personne-ressource est)\s+"
    rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})",
    re.IGNORECASE,
)
# Capitalised words after "I'm"/"je suis" that are not names.
_NOT_NAMES = frozenset(
    [
        "a",
        "an",
        "the",
        "student",
        "employer",
        "looking",
        "interested",
        "new",
        "international",
        "hiring",
        "from",
        "at",
        "with",
        "in",
        "calgary",
        "un",
        "une",
        "etudiant",
        "étudiant",
        "étudiante",
        "employeur",
        "employeuse",
        "intéressé",
        "intéressée",
        "nouveau",
        "nouvelle",
        "international",
        "internationale",
        "à",
        "de",
        "en",
        "au",
        "sur",
    ]
)
_PLACEHOLDER = re.compile(r"\[(EMAIL|PHONE|NAME)_(\d+)\]")


class Masker:
    """Replace personal details with placeholders like [EMAIL_1]; remember them to restore later."""

    def __init__(self, known_names: Iterable[str] = ()) -> None:
        self._values: dict[str, str] = {}
        self._names = [n.strip() for n in known_names if n and len(n.strip()) > 1]

    @property
    def mapping(self) -> dict[str, str]:
        """Return placeholder -> original value."""
        return dict(self._values)

    def _token(self, kind: str, value: str) -> str:
        for token, existing in self._values.items():
            if existing == value and token.startswith(f"[{kind}_"):
                return token
        count = sum(1 for t in self._values if t.startswith(f"[{kind}_")) + 1
        token = f"[{kind}_{count}]"
        self._values[token] = value
        return token

    def mask(self, text: str) -> str:
        """Return `text` with emails, phone numbers and names replaced by placeholders."""
        text = _EMAIL.sub(lambda m: self._token("EMAIL", m.group(0)), text)
        text = _PHONE.sub(lambda m: self._token("PHONE", m.group(0)), text)
        for match in list(_NAME_CUE.finditer(text)):
            name = _trim_name(match.group("name"))
            if name:
                self._names.append(name)
        for name in sorted(set(self._names), key=len, reverse=True):
            pattern = re.compile(rf"(?<![\w]){re.escape(name)}(?![\w])", re.IGNORECASE)
            text = pattern.sub(self._token("NAME", name), text) if pattern.search(text) else text
        return text

    def restore(self, text: str) -> str:
        """Return `text` with every known placeholder replaced by its original value."""
        return _PLACEHOLDER.sub(lambda m: self._values.get(m.group(0), m.group(0)), text)

    def is_placeholder(self, token: str) -> bool:
        """Return True when `token` (e.g. "[NAME_1]") is one this masker issued."""
        return token in self._values


def _trim_name(raw: str) -> str | None:
    words = raw.split()
    kept: list[str] = []
    for word in words:
        if word.lower() in _NOT_NAMES or not word[:1].isupper():
            break
        kept.append(word)
    return " ".join(kept) if kept else None


def contains_personal_data(text: str) -> bool:
    """Return True when the text holds an email address or phone number."""
    return bool(_EMAIL.search(text) or _PHONE.search(text))
