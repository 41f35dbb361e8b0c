"""Tell English from French per message, short texts included, and keep the conversation's language."""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import Literal

logger = logging.getLogger(__name__)

Lang = Literal["en", "fr"]

_WORD = re.compile(r"[a-zà-ÿ']+")
_ACCENTS = re.compile(r"[àâçéèêëîïôûùüÿœæ]")

# Words that alone settle the language of a short message ("oui", "merci", "hello").
_FR_STRONG = frozenset(
    [
        "oui",
        "non",
        "merci",
        "bonjour",
        "bonsoir",
        "salut",
        "allo",
        "svp",
        "stp",
        "d'accord",
        "daccord",
        "ouais",
        "voila",
        "coucou",
        "comment",
        "pourquoi",
        "combien",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "est-ce",
        "qu'est-ce",
        "c'est",
        "j'ai",
        "je",
        "suis",
        "aide",
        "aidez",
        "besoin",
        "stagiaire",
        "étudiant",
        "étudiante",
        "employeur",
        "entreprise",
        "stage",
        "stages",
        "financement",
        "admissibilité",
        "bourse",
        "alternance",
        "parler",
        "quelqu'un",
        "annuler",
    ]
)
_EN_STRONG = frozenset(
    [
        "yes",
        "no",
        "thanks",
        "thank",
        "hello",
        "hi",
        "hey",
        "please",
        "sure",
        "yeah",
        "nope",
        "bye",
        "help",
        "how",
        "what",
        "why",
        "when",
        "where",
        "which",
        "who",
        "student",
        "employer",
        "internship",
        "funding",
        "hire",
        "hiring",
        "talk",
        "someone",
        "person",
        "cancel",
        "eligible",
        "eligibility",
        "placement",
    ]
)
# Frequent function words: enough to decide longer messages.
_FR_COMMON = frozenset(
    [
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "du",
        "de",
        "et",
        "ou",
        "mais",
        "donc",
        "est",
        "sont",
        "être",
        "avoir",
        "je",
        "tu",
        "il",
        "elle",
        "nous",
        "vous",
        "ils",
        "elles",
        "mon",
        "ma",
        "mes",
        "ton",
        "ta",
        "votre",
        "vos",
        "notre",
        "nos",
        "leur",
        "leurs",
        "ce",
        "cet",
        "cette",
        "ces",
        "qui",
        "que",
        "quoi",
        "dans",
        "pour",
        "par",
        "sur",
        "avec",
        "sans",
        "pas",
        "plus",
        "moins",
        "peut",
        "puis",
        "dois",
        "faut",
        "veux",
        "voudrais",
        "aimerais",
        "quand",
        "où",
        "au",
        "aux",
        "en",
        "y",
        "ne",
        "se",
        "sa",
        "son",
        "si",
        "très",
        "aussi",
        "comme",
        "chez",
        "entre",
        "après",
        "avant",
        "depuis",
    ]
)
_EN_COMMON = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "so",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "have",
        "has",
        "had",
        "i",
        "you",
        "he",
        "she",
        "we",
        "they",
        "my",
        "your",
        "our",
        "their",
        "this",
        "that",
        "these",
        "those",
        "who",
        "what",
        "which",
        "in",
        "on",
        "at",
        "for",
        "by",
        "with",
        "without",
        "not",
        "more",
        "less",
        "can",
        "could",
        "should",
        "would",
        "will",
        "do",
        "does",
        "did",
        "want",
        "like",
        "when",
        "where",
        "if",
        "very",
        "also",
        "as",
        "from",
        "into",
        "about",
        "after",
        "before",
        "since",
        "to",
        "of",
        "it",
        "its",
        "me",
        "us",
        "them",
        "any",
        "some",
        "there",
        "here",
    ]
)
# Words shared by both languages that must not count ("a", "on" in French text, "co-op", "pas"...).
_AMBIGUOUS = frozenset(
    {"a", "an", "me", "en", "on", "est", "plus", "pas", "ok", "okay", "no", "non", "stage"}
)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text.lower().replace("’", "'"))


def scores(text: str) -> tuple[float, float]:
    """Return (english, french) evidence for `text`."""
    low = _fold(text)
    words = _WORD.findall(low)
    en = fr = 0.0
    for word in words:
        bare = word.strip("'")
        if bare in _FR_STRONG:
            fr += 2.0
        elif bare in _FR_COMMON and bare not in _AMBIGUOUS:
            fr += 1.0
        if bare in _EN_STRONG:
            en += 2.0
        elif bare in _EN_COMMON and bare not in _AMBIGUOUS:
            en += 1.0
        if "'" in word[1:-1] and word.split("'")[0] in {
            "l",
            "d",
            "j",
            "qu",
            "c",
            "n",
            "s",
            "m",
            "t",
        }:
            fr += 1.5  # elision: l'employeur, j'ai, qu'est
    fr += 1.0 * len(_ACCENTS.findall(low))
    # "no" alone is English; "non" alone is French.
    if words == ["no"]:
        en += 2.0
    if words == ["non"]:
        fr += 2.0
    return en, fr


def detect_language(text: str) -> Lang | None:
    """Return "en" or "fr" when the text says which, else None (too short or mixed)."""
    en, fr = scores(text)
    if max(en, fr) < 1.0:
        return None
    if fr >= en * 1.5 and fr - en >= 1.0:
        return "fr"
    if en >= fr * 1.5 and en - fr >= 1.0:
        return "en"
    return None


def choose_language(text: str, current: str | None) -> Lang:
    """Return the language to answer in: the message's own when clear, else the conversation's."""
    detected = detect_language(text)
    if detected is not None:
        return detected
    return "fr" if current == "fr" else "en"
