"""Text helpers: OCR clean-up, EN/FR language guess, accent folding, slugs."""

from __future__ import annotations

import logging
import re
from collections import Counter

from assistant.text_input import fold_accents

logger = logging.getLogger(__name__)

_EN_STOP = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "in",
        "is",
        "for",
        "that",
        "with",
        "on",
        "are",
        "be",
        "this",
        "you",
        "your",
        "as",
        "by",
        "or",
        "from",
        "at",
        "it",
        "an",
        "can",
        "will",
        "have",
        "what",
        "how",
        "who",
        "which",
        "do",
        "does",
        "not",
        "if",
        "when",
        "their",
        "they",
        "our",
        "we",
    ]
)
_FR_STOP = frozenset(
    [
        "le",
        "la",
        "les",
        "des",
        "du",
        "de",
        "un",
        "une",
        "et",
        "est",
        "pour",
        "que",
        "qui",
        "dans",
        "sur",
        "au",
        "aux",
        "avec",
        "par",
        "pas",
        "ce",
        "cette",
        "vous",
        "votre",
        "nous",
        "sont",
        "être",
        "il",
        "elle",
        "ou",
        "se",
        "ses",
        "leur",
        "leurs",
        "en",
        "comment",
        "quoi",
        "quel",
        "quelle",
        "est-ce",
        "mon",
        "ma",
        "mes",
        "je",
    ]
)
_WORD = re.compile(r"[\w'’-]+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-ÖØ-Þ0-9«\"(])")


def slugify(text: str, max_len: int = 60) -> str:
    """Make a lowercase ASCII slug (letters, digits, dashes)."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold_accents(text).lower()).strip("-")
    return slug[:max_len].strip("-") or "section"


def detect_language(text: str, default: str = "en") -> str:
    """Guess 'en' or 'fr' by counting common stop words and French accents."""
    words = [w.lower().strip("'’-") for w in _WORD.findall(text[:5000])]
    en = sum(1 for w in words if w in _EN_STOP)
    fr = sum(1 for w in words if w in _FR_STOP)
    fr += len(re.findall(r"[éèêàçùôî]", text[:5000])) // 4
    fr += sum(1 for w in words if w.startswith(("l'", "d'", "qu'", "l’", "d’", "qu’")))
    if en == fr:
        return default
    return "fr" if fr > en else "en"


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences at terminal punctuation."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _is_noise_line(line: str, repeated: set[str]) -> bool:
    """Tell page numbers, repeated page headers and empty decorations apart from text."""
    stripped = line.strip()
    if not stripped:
        return False
    if re.fullmatch(r"(page\s*)?\d{1,3}(\s*(/|of|de|sur)\s*\d{1,3})?", stripped, re.IGNORECASE):
        return True
    return stripped in repeated


def clean_ocr_text(text: str) -> str:
    """Repair OCR'd text: hyphenation, broken lines, page headers, spacing, common glyph errors."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00ad", "")
    text = text.replace("\\$", "$").replace("**", "")
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    lines = [ln.strip() for ln in text.split("\n")]
    counts = Counter(ln for ln in lines if 3 <= len(ln) <= 80)
    repeated = {ln for ln, n in counts.items() if n >= 3 and not ln.endswith((".", ":", ";"))}
    lines = [ln for ln in lines if not _is_noise_line(ln, repeated)]
    text = "\n".join(lines)
    # Words cut by a hyphen at the end of a line: "embau-\nche" -> "embauche".
    text = re.sub(r"(\w)-\n(?=[a-zà-ÿ])", r"\1", text)
    # OCR reads the capital I for the lower-case l in French elisions: "I'école" -> "l'école".
    text = re.sub(r"\bI(?=['’][aeiouhéèêàâîôûy])", "l", text)
    # ... and the lower-case l for the capital I inside acronyms: "AlT" -> "AIT".
    text = re.sub(r"\b([A-Z])l([A-Z])\b", r"\1I\2", text)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    merged: list[str] = []
    for para in paragraphs:
        joined = re.sub(r"\s*\n\s*", " ", para).strip()
        if merged and _continues(merged[-1], joined):
            merged[-1] = f"{merged[-1]} {joined}"
        else:
            merged.append(joined)
    return "\n\n".join(re.sub(r" {2,}", " ", p) for p in merged)


def _continues(previous: str, nxt: str) -> bool:
    """Tell whether a paragraph is the rest of a sentence broken by a blank line."""
    if not previous or not nxt:
        return False
    if previous[-1] in '.!?:;…»"”)':
        return False
    first = nxt[0]
    return first.islower() or (previous[-1] == "," and not first.isdigit())


def looks_like_heading(paragraph: str) -> bool:
    """Tell whether a short standalone line reads as a heading."""
    p = paragraph.strip()
    if not p or "\n" in p or len(p) > 70 or len(p.split()) > 9:
        return False
    if p[-1] in ".,;:!?" or p[0].islower():
        return False
    return p.isupper() or len(p.split()) <= 6
