"""The question's salient terms for the extractive composer: stems in both languages, plus synonyms.

A question says "money" or "plus court" where a section says "funding" or "micro-stages": each
content word of the question matches its own stems (in the question's language and the other one,
accents folded) fully, and its same-language synonyms (from the retrieval package's list) at a
discount.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

Weight = Callable[[str], float]

SYNONYM_CREDIT = 0.6
# The answerer's IDF weight floors unknown tokens at 0.1.
UNKNOWN_WEIGHT = 0.1
# Words that ask for a kind of answer (a length, an amount, a date) rather than name a subject:
# "How long does a micro-placement last?" is about micro-placements, not about every length.
ASPECT = re.compile(
    r"^(?:long|last|lasts|much|many|often|when|time|month|months|combien|temps|dure|durent|duree"
    r"|durée|quand|mois)$"
)
# What kind of answer a question or a heading asks for, from its wording: "when do students
# start" and "When do WIL work terms start?" both ask for a date. Checked in order.
_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # "How far ahead should I start recruiting?" asks for a lead time, not a date.
    (
        "lead",
        re.compile(
            r"\b(how far ahead|how early|how far in advance|combien de temps [àa] l'avance|[àa] l'avance)\b"
        ),
    ),
    # Before "amount": "ça dure combien" and "combien de temps durent-ils" ask for a length.
    ("length", re.compile(r"\b(how long|dur[ée]e?|durent|combien de temps)\b")),
    ("amount", re.compile(r"\b(how much|how many|combien|co[uû]te|cost|price|prix)\b")),
    (
        "time",
        re.compile(
            r"\b(when|quand|what date|quelle date|what months?|which months?|quels? mois)\b"
        ),
    ),
    ("place", re.compile(r"^(where|o[uù])\b|\b(where|o[uù]) (do|can|should|est|se|puis)\b")),
    # "Which SAIT office handles co-op...?" names whom to contact.
    (
        "person",
        re.compile(
            r"^(who|qui)\b|\bwho (do|should|can|handles)\b|\bqui (contacter|appeler)\b"
            r"|\b(which|what) (\w+ ){0,4}office\b|\bquel bureau\b"
        ),
    ),
    ("definition", re.compile(r"^(what is|what are|what's|c'est quoi|qu'est-ce qu)")),
)


@dataclass(frozen=True)
class Term:
    """One content word of the question: its stems and its synonyms' stems."""

    stems: frozenset[str]
    synonyms: frozenset[str]

    def credit(self, words: set[str]) -> float:
        """1 when the text has the word itself, SYNONYM_CREDIT for a synonym, else 0."""
        if self.stems & words:
            return 1.0
        return SYNONYM_CREDIT if self.synonyms & words else 0.0

    def weight(self, weight: Weight) -> float:
        """The word's weight: its commonest indexed stem's (a number weighs little; not a topic).

        A word's stem in the other language is often unknown to the index, or a rare accident.
        """
        weights = [weight(s) for s in self.stems]
        known = [x for x in weights if x > UNKNOWN_WEIGHT]
        w = min(known) if known else max(weights, default=1.0)
        if all(s.isdigit() for s in self.stems):
            w *= 0.3
        return w


# Composer-only synonyms (the retrieval list feeds BM25 too, where these would add noise).
EXTRA_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "pay": ("earn", "paid"),
        "money": ("subsidy", "grant", "wage"),
        "short": ("micro",),
        "shorter": ("micro", "short"),
        "hurt": ("injury", "injured"),
        "qualify": ("eligible",),
        "entitled": ("eligible",),
        "bank": ("financial institution",),
        "banks": ("financial institutions",),
        "meet": ("check-in",),
        "bigger": ("higher", "more"),
        "larger": ("higher", "more"),
        "moved": ("newcomer", "arrived"),
        "immigrant": ("newcomer", "arrived"),
        "home": ("remote",),
        "keep": ("store", "retain"),
    },
    "fr": {
        "argent": ("subvention", "financement", "salaire"),
        "court": ("micro", "courte"),
        "payé": ("rémunéré", "salaire"),
        "paye": ("rémunéré", "salaire"),
        "coûte": ("coût", "verse"),
        "blessé": ("blessure", "accident"),
        "droit": ("admissible",),
        "banque": ("institution financière",),
        "banques": ("institutions financières",),
        "rencontrer": ("suivi",),
        "gros": ("élevé", "plus"),
        "grosse": ("élevée", "plus"),
        "haute": ("élevée",),
        "arrivé": ("nouvel arrivant", "arrivés"),
        "immigrant": ("nouvel arrivant",),
        "maison": ("domicile", "distance", "télétravail"),
        "garder": ("conserver",),
        "gardez": ("conserve", "conserver"),
    },
}


@lru_cache(maxsize=2)
def _extra(lang: str) -> dict[str, frozenset[str]]:
    from assistant.retrieval.lexical import tokenize

    out: dict[str, set[str]] = {}
    for word, alternatives in EXTRA_SYNONYMS.get(lang, {}).items():
        stems = {stem for alt in alternatives for stem in tokenize(alt, lang)}
        for own in tokenize(word, lang):
            out.setdefault(own, set()).update(stems)
    return {k: frozenset(v) for k, v in out.items()}


def question_terms(text: str, lang: str, *, subject_only: bool = False) -> list[Term]:
    """Return the content words of `text` as terms; with `subject_only`, drop answer-type words."""
    try:
        from assistant.retrieval.lexical import query_synonyms, query_terms
    except ImportError:  # pragma: no cover - retrieval ships with the package
        words = {w for w in re.findall(r"\w{3,}", text.lower())}
        return [Term(frozenset({w}), frozenset()) for w in words]
    if subject_only:
        text = " ".join(w for w in re.findall(r"[\w'’-]+", text.lower()) if not ASPECT.match(w))
    terms = query_terms(text, lang)
    synonyms = query_synonyms(terms, lang)
    out: dict[frozenset[str], Term] = {}
    extra = _extra(lang)
    for stems, syn in zip(terms, synonyms, strict=True):
        key = frozenset(stems)
        more = set().union(*(extra.get(s, frozenset()) for s in stems))
        out.setdefault(key, Term(key, frozenset((syn | more) - key)))
    return list(out.values())


def coverage(terms: Iterable[Term], words: set[str], weight: Weight) -> float:
    """Return the weighted share of `terms` found in `words` (synonyms count partly)."""
    total = got = 0.0
    for term in terms:
        w = term.weight(weight)
        total += w
        got += w * term.credit(words)
    return got / total if total else 0.0


def precision(terms: Iterable[Term], words: set[str], weight: Weight) -> float:
    """Return the weighted share of `words` (a heading's) that the question's terms account for.

    A heading naming something the question doesn't ("SWPP", "recruiting") is about that.
    """
    stems: set[str] = set()
    synonyms: set[str] = set()
    for term in terms:
        stems |= term.stems
        synonyms |= term.synonyms
    total = got = 0.0
    for word in words:
        w = max(weight(word), UNKNOWN_WEIGHT)
        total += w
        got += w if word in stems else SYNONYM_CREDIT * w if word in synonyms else 0.0
    return got / total if total else 0.0


def answer_form(text: str) -> str | None:
    """Return the kind of answer a question or heading asks for ("time", "amount", ...), if clear."""
    low = text.lower().replace("’", "'").strip()
    for name, pattern in _FORMS:
        if pattern.search(low):
            return name
    return None
