"""Mask personal details (emails, phone numbers, names) before text leaves for an LLM, and restore them after."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

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
# A word as names are written: letters, with inner apostrophes or hyphens (o'brien, marie-ève).
_WORD = re.compile(r"(?<![\w@.\[])[^\W\d_]+(?:['’-][^\W\d_]+)*(?![\w@\]])")
# French elisions: "l'employeur" is "employeur" for the vocabulary.
_ELISION = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge"


class Masker:
    """Replace personal details with placeholders like [EMAIL_1]; remember them to restore later."""

    def __init__(self, known_names: Iterable[str] = (), *, unknown_names: bool = True) -> None:
        """Remember `known_names` to hide wherever they appear (e.g. from the intake form).

        `unknown_names` also hides runs of words the knowledge never uses (a name with no cue,
        "tom o'brien"): on for text that leaves for a model, off for text kept for staff (a
        knowledge-gap question is made of such words).
        """
        self._values: dict[str, str] = {}
        self._names = [n.strip() for n in known_names if n and len(n.strip()) > 1]
        self._unknown_names = unknown_names

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
        if self._unknown_names:
            self._names.extend(unknown_name_runs(text))
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


def without_personal_details(text: str) -> str:
    """Return `text` without emails, phone numbers and cued names ("my name is …").

    What someone says about themselves is not what they ask about: left in a search query, a
    name and an address read as words no guide uses, and the question looks unanswerable. Runs
    of unknown words without a cue stay (they may be what is asked: "T4", "NAIT").
    """
    masked = Masker(unknown_names=False).mask(text)
    return " ".join(_PLACEHOLDER.sub(" ", masked).split())


def contains_personal_data(text: str) -> bool:
    """Return True when the text holds an email address or phone number."""
    return bool(_EMAIL.search(text) or _PHONE.search(text))


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def knowledge_vocabulary() -> frozenset[str]:
    """Return every word of the knowledge pages and the EN/FR stop words, folded.

    A word the guides never use is likely not about work-integrated learning; two of them in a
    row are likely a name ("tom o'brien"), however it is typed.
    """
    words: set[str] = set()
    for path in sorted(KNOWLEDGE_DIR.rglob("*.md")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for match in _WORD.finditer(text):
            word = _fold(match.group(0))
            words.add(word)
            words.add(_ELISION.sub("", word))
            words.update(word.split("-"))
    try:
        from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH

        from assistant.retrieval.lexical import quiet_bm25s

        quiet_bm25s()  # importing bm25s set its logger to DEBUG
        words.update(_fold(w) for w in (*STOPWORDS_EN, *STOPWORDS_FRENCH))
    except ImportError:  # pragma: no cover - bm25s ships with retrieval
        pass
    return frozenset(words)


def _unknown(word: str, vocabulary: frozenset[str]) -> bool:
    folded = _fold(word)
    bare = _ELISION.sub("", folded)
    return len(bare) > 1 and folded not in vocabulary and bare not in vocabulary


def unknown_name_runs(text: str, vocabulary: frozenset[str] | None = None) -> list[str]:
    """Return runs of two or three adjacent words the knowledge never uses: name-shaped, no cue needed.

    "send it to tom o'brien" gives "tom o'brien". Over-masking a pair of unusual words costs the
    model a little context (they are restored in its answer); missing a name sends it out.
    """
    vocab = knowledge_vocabulary() if vocabulary is None else vocabulary
    words = list(_WORD.finditer(text))
    runs: list[str] = []
    i = 0
    while i < len(words):
        j = i
        while (
            j < len(words)
            and j - i < 3
            and _unknown(words[j].group(0), vocab)
            and (j == i or not text[words[j - 1].end() : words[j].start()].strip())
        ):
            j += 1
        if j - i >= 2:
            runs.append(text[words[i].start() : words[j - 1].end()])
            i = j
        else:
            i += 1
    return runs
