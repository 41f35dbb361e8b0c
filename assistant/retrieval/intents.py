"""Query intents the words alone don't carry: an age under 18, a "how often" question, a casual
ask for money, an institution's nickname, and whether a section describes rules that have ended.

"student is 17 what do i pay them" is about the under-18 student rate, "how often should I meet my
student" is answered by "check in weekly", "any money to help me pay a student?" is about the wage
subsidy (SWPP), and "co-op at MRU" is about Mount Royal University: the question's words miss all
of these. `expand_intent` appends the words the guides use, for retrieval and for picking sentences.
"""

from __future__ import annotations

import re
from functools import cache

from assistant.text_input import fold_casual
from assistant.understanding import vocab

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


# A casual ask for money to hire or pay a student ("any money to help me pay a student?", "y a
# de l'argent pour m'aider", "is there a grant", "do i get a bigger subsidy"). Matched on the
# folded text (lower case, no accents).
_FUNDING = re.compile(
    r"\b(?:money|funding|funds?|fund me|subsid(?:y|ies|ise|ize)|grants?|financial (?:help|support|aid)"
    r"|help (?:me |us )?(?:to )?pay|help paying|cover (?:the |their |a |part of )?(?:wages?|salary|pay)"
    r"|argent|financements?|subventions?|aide financiere|aides? (?:pour|a) payer|aider a payer"
    r"|m'aider a payer|nous aider a payer|payer une partie)\b"
)
# A program the guides describe on its own: a question naming it is about that program, not the
# general wage subsidy. ("swpp"/"pspe" are the subsidy itself: the hint adds nothing.)
_NAMED_PROGRAM = re.compile(
    r"\b(?:swpp|pspe|student work placement|stages pratiques|mitacs|riipen|level up|csj"
    r"|summer jobs?|emplois? d'ete|job grant|canada-alberta|subvention canada|youth employment"
    r"|jeunes de 15|step|bher|traes|accelerat\w*|bsi|business strategy"
    # International students' funding is its own answer (SWPP excludes them).
    r"|international|internationaux|foreign|etrangere?s?)\b"
)
FUNDING_WORDS = {
    "en": "wage subsidy Student Work Placement Program SWPP",
    "fr": "subvention salariale Programme de stages pratiques pour étudiants PSPE",
}
# Headings that ask about the past ("Did international students need a co-op work permit?",
# "Les étudiants étrangers avaient-ils besoin...?"): the rule they describe has been replaced.
_PAST_HEADING = re.compile(
    r"^(?:did|was|were|had|used to)\b|\b(?:used to be|no longer)\b"
    r"|\b\w+(?:ait|aient)-(?:il|elle|ils|elles|on)\b|\b(?:fallait|etait|etaient|avait|avaient)\b"
)
# A question about the past or an earlier date: then the historic section is what it wants.
_ASKS_PAST = re.compile(
    r"\b(?:did|was|were|used to|back (?:in|then)|previously|in the past|last year"
    r"|old rules?|20(?:1\d|2[0-5])(?! ?-)"
    r"|auparavant|fallait|etait|etaient|avait|avaient|l'an dernier|l'annee derniere"
    r"|anciennes? regles?|ancien)\b"
    # "before April 2026", "avant le changement" (not "before hiring").
    r"|\b(?:before|prior to|avant)\s+(?:the\s+|le\s+|l')?(?:\d|jan|feb|mar|apr|may|jun|jul|aug"
    r"|sep|oct|nov|dec|janv|fev|mars|avr|mai|juin|juil|aout|change|changement)"
)


# "what is a co-op", "c'est quoi un stage coop", "qu'est-ce qu'un micro-stage", "whats riipen".
_DEFINITION = re.compile(
    r"^(?:so |ok |and |et |pis )?(?:what(?: is|'s| are|s)|wat is|c'est quoi|cest quoi|c quoi"
    r"|qu'est-ce que?|qu'est ce que?|quoi c'est|ca veut dire quoi|que veut dire|que signifie"
    r"|what does .{1,60} mean)"
    r"\b"
)


def asks_definition(text: str) -> bool:
    """True when the question asks what something is ("what is a co-op", "c'est quoi un stage")."""
    return bool(_DEFINITION.search(fold_casual(text).strip()))


def asks_funding(text: str) -> bool:
    """True when the question asks, in general words, for money to hire or pay a student."""
    folded = fold_casual(text)
    return bool(_FUNDING.search(folded)) and not _NAMED_PROGRAM.search(folded)


@cache
def _institution_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Compile the institution registry's aliases (`understanding/data/vocab/institutions.yaml`),
    each with the name the guides use in headings."""
    return tuple(
        (re.compile(r"(?<![\w-])(?:" + "|".join(inst.aliases) + r")(?![\w-])"), inst.name)
        for inst in vocab.institutions()
        if inst.aliases
    )


def institution_names(text: str) -> list[str]:
    """The guides' names for the institutions a question names ("MRU", "u of c"), from the one
    institution registry."""
    folded = fold_casual(text)
    return [name for pattern, name in _institution_patterns() if pattern.search(folded)]


def mentions_institution(text: str) -> bool:
    """True when the question names one of the registry's institutions, in full or by a short name."""
    return bool(institution_names(text))


def is_historic_heading(heading: str) -> bool:
    """True when a section's heading asks about the past: its rule has since changed."""
    return bool(_PAST_HEADING.search(fold_casual(heading)))


def asks_past(text: str) -> bool:
    """True when the question is about the past or an earlier year ("before April 2026", "did")."""
    return bool(_ASKS_PAST.search(fold_casual(text)))


def asks_age_under_18(text: str) -> bool:
    """True when the question gives an age under 18 or speaks of minors."""
    return bool(_AGE.search(text))


def asks_frequency(text: str) -> bool:
    """True when the question asks how often ("how often", "à quelle fréquence")."""
    return bool(_FREQUENCY.search(text))


def expand_intent(
    text: str, lang: str, *, funding: bool = True, names: list[str] | None = None
) -> str:
    """Return `text` with the guides' words for its intents appended: an age under 18, a "how
    often", a general ask for money (the wage subsidy; not with `funding=False`, for picking
    sentences, where the program's name would outweigh its figures), an institution's short name
    (`names`: the guides' names of the institutions the text names, from the registry)."""
    lang = "fr" if lang == "fr" else "en"
    extra = []
    if asks_age_under_18(text) and AGE_WORDS[lang] not in text.lower():
        extra.append(AGE_WORDS[lang])
    if asks_frequency(text):
        extra.append(FREQUENCY_WORDS[lang])
    if funding and asks_funding(text):
        extra.append(FUNDING_WORDS[lang])
    folded = fold_casual(text)
    named = institution_names(text) if names is None else names
    extra += [name for name in named if fold_casual(name) not in folded]
    return f"{text} {' '.join(extra)}" if extra else text
