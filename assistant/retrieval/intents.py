"""Query intents the words alone don't carry: an age under 18, a "how often" question.

"student is 17 what do i pay them" is about the under-18 student rate, and "how often should I
meet my student" is answered by "check in weekly": the question's words miss both. `expand_intent`
appends the words the guides use, for retrieval and for picking sentences.
"""

from __future__ import annotations

import re

# An age under 18: "17", "is 16", "a 17-year-old", "17 ans", "minor", "mineur", "teenager".
_AGE = re.compile(
    r"\b(?:1[3-7])\s*(?:-?\s*years?(?:\s*-?\s*old)?|-?\s*y/?o|ans)\b"
    r"|\b(?:is|am|are|aged?|turns?|turning|only|just|a|est|âgée?s?\s+de|agee?s?\s+de)\s+(?:1[3-7])\b"
    r"|\b(?:under|below|younger than|less than)\s+18\b|\bmoins\s+de\s+18\b"
    r"|\bminors?\b(?!\s+(?:injur|change|issue|problem|detail|edit|incident|repair))"
    r"|\b(?:underage|under-age|teens?|teenagers?|mineure?s?|adolescente?s?)\b",
    re.IGNORECASE,
)
# A question about how often something happens.
_FREQUENCY = re.compile(
    r"\bhow (?:often|frequently|regularly)\b|\bhow many times\b|\bat what frequency\b"
    r"|\b(?:à|a) quelle fr[ée]quence\b|\bquelle fr[ée]quence\b|\bcombien de fois\b"
    r"|\b(?:tous|toutes) les combien\b",
    re.IGNORECASE,
)

AGE_WORDS = {"en": "under 18", "fr": "moins de 18 ans"}
FREQUENCY_WORDS = {
    "en": "weekly every two weeks regular check-in",
    "fr": "chaque semaine toutes les deux semaines suivi régulier",
}
# Sentences that state a frequency ("weekly", "every two weeks", "chaque semaine").
FREQUENCY_SENTENCE = re.compile(
    r"\b(?:daily|weekly|biweekly|bi-weekly|monthly|every (?:\w+ )?(?:day|week|month)s?"
    r"|once a (?:day|week|month)|twice a|each (?:day|week|month)"
    r"|quotidien\w*|hebdomadaire\w*|mensuel\w*|chaque (?:jour|semaine|mois)"
    r"|tou(?:s|tes) les (?:\w+ )?(?:jours|semaines|mois)|une fois par|deux fois par)\b",
    re.IGNORECASE,
)


def asks_age_under_18(text: str) -> bool:
    """True when the question gives an age under 18 or speaks of minors."""
    return bool(_AGE.search(text))


def asks_frequency(text: str) -> bool:
    """True when the question asks how often ("how often", "à quelle fréquence")."""
    return bool(_FREQUENCY.search(text))


def expand_intent(text: str, lang: str) -> str:
    """Return `text` with the guides' words for its age or frequency intent appended."""
    lang = "fr" if lang == "fr" else "en"
    extra = []
    if asks_age_under_18(text) and AGE_WORDS[lang] not in text.lower():
        extra.append(AGE_WORDS[lang])
    if asks_frequency(text):
        extra.append(FREQUENCY_WORDS[lang])
    return f"{text} {' '.join(extra)}" if extra else text
