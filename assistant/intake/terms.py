"""Resolve academic terms ("next summer", "cet automne", "in January") against a given date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.intake.gazetteers import fold
from assistant.intake.numbers import parse_int

SEASONS = ("winter", "spring", "summer", "fall")
# Months each term spans (Canadian academic calendar: Jan-Apr, May-Jun, May-Aug, Sep-Dec).
SEASON_MONTHS: dict[str, tuple[int, int]] = {
    "winter": (1, 4),
    "spring": (5, 6),
    "summer": (5, 8),
    "fall": (9, 12),
}
SEASON_WORDS: dict[str, str] = {
    "winter": "winter",
    "hiver": "winter",
    "spring": "spring",
    "printemps": "spring",
    "summer": "summer",
    "ete": "summer",
    "fall": "fall",
    "autumn": "fall",
    "automne": "fall",
}
MONTH_WORDS: dict[str, int] = {
    "january": 1,
    "jan": 1,
    "janvier": 1,
    "february": 2,
    "feb": 2,
    "fevrier": 2,
    "march": 3,
    "mar": 3,
    "mars": 3,
    "april": 4,
    "apr": 4,
    "avril": 4,
    "may": 5,
    "mai": 5,
    "june": 6,
    "juin": 6,
    "july": 7,
    "juillet": 7,
    "august": 8,
    "aug": 8,
    "aout": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "septembre": 9,
    "october": 10,
    "oct": 10,
    "octobre": 10,
    "november": 11,
    "nov": 11,
    "novembre": 11,
    "december": 12,
    "dec": 12,
    "decembre": 12,
}
TERM_PATTERN = re.compile(r"^(\d{4})-(winter|spring|summer|fall|0[1-9]|1[0-2])$")
SEASON_NAMES = {
    "en": {"winter": "Winter", "spring": "Spring", "summer": "Summer", "fall": "Fall"},
    "fr": {"winter": "Hiver", "spring": "Printemps", "summer": "Été", "fall": "Automne"},
}
MONTH_NAMES = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
}

_season_alt = "|".join(sorted(SEASON_WORDS, key=len, reverse=True))
# "may" and "mar" are common English words: only months written in full (or with a year) count.
# "sept" is also French for seven, so it only counts as a whole answer.
_AMBIGUOUS_MONTHS = {"may", "mar", "sep", "dec", "sept"}
_month_alt = "|".join(
    sorted((m for m in MONTH_WORDS if m not in _AMBIGUOUS_MONTHS), key=len, reverse=True)
)
# The month "may" after a time preposition ("in may", "starting may", "by early may"), never the
# modal verb ("in may be", "this may change"); "this" is left out as it mostly precedes the verb.
_MAY_AS_MONTH = (
    r"(?:(?<=in )|(?<=for )|(?<=starting )|(?<=from )|(?<=until )|(?<=till )|(?<=by )|"
    r"(?<=since )|(?<=early )|(?<=late )|(?<=mid-)|(?<=mid )|(?<=of )|(?<=next )|(?<=des )|"
    r"(?<=end )|(?<=before )|(?<=after ))may"
    r"(?! (?:be|have|not|i|we|you|they|he|she|it|need|want|also|still|well|just|only)(?![\w]))"
)
# "sept", "sep", "dec" and "mar" are months before a year ("sept 2027") or after a time word
# ("starting sept", "en sept"), unless a unit follows ("en sept jours" is seven days).
_SHORT_AS_MONTH = (
    r"(?:sept|sep|dec|mar)(?=\.? \d{4}(?![\w]))"
    r"|(?:(?<=in )|(?<=starting )|(?<=from )|(?<=until )|(?<=till )|(?<=by )|(?<=early )|"
    r"(?<=late )|(?<=mid-)|(?<=mid )|(?<=next )|(?<=this )|(?<=en )|(?<=des )|(?<=debut )|"
    r"(?<=fin )|(?<=mi-))(?:sept|sep|dec)"
    r"(?!\.?\s*(?:ans?|annees?|mois|jours?|semaines?|heures?|fois|personnes|employes|"
    r"etudiante?s?|stagiaires?|students?|people|days|weeks|months|years)(?![\w]))"
)
# "ete" (été) is also "been" in French and "fall" a verb: they need a determiner or a year, or
# another term they are set against ("make it fall not summer").
_AMBIGUOUS_SEASONS = {"ete", "fall"}
# What rules out the value after it: "fall, not winter", "instead of mru", "plutôt que l'hiver".
RULED_OUT = (
    r"(?:(?:not|no|pas|instead of|rather than|au lieu de|plutot que)"
    r"(?:\s+(?:an?|the|in|un|une|en|le|la|l'|de|du|d'))?|au lieu d'|plutot qu')"
)
_SET_AGAINST = re.compile(r"\s*,?\s*" + RULED_OUT + r"\s*(?:" + "|".join(SEASON_WORDS) + r")\b")
_NEXT = r"(?:next|the coming|this coming|upcoming|prochain(?:e)?|l'an prochain)"
_THIS = r"(?:this|cet|cette|ce|this year'?s)"
_FEW = r"one|two|three|four|five|six|a couple of|un|deux|trois|quatre|cinq|six|quelques"
TERM_SPAN = re.compile(
    r"(?<![\w])(?:"
    r"(?P<iso>\d{4}-(?:winter|spring|summer|fall|0[1-9]|1[0-2]))"
    r"|(?P<yearfirst>\d{4})[ -](?P<season0>" + _season_alt + r")"
    r"|(?:(?P<mod>"
    + _NEXT
    + r"|"
    + _THIS
    + r")\s+)?(?P<pre>(?:l'|le |la |en |in |the |a l'|au |d'|starting |from |for |pour |des |debut )\s*)?"
    r"(?P<season>" + _season_alt + r")(?:\s+(?:term|semester|session|trimestre))?"
    r"(?:\s+(?:of\s+|de\s+)?(?P<syear>\d{4}))?(?:\s+(?P<post>prochain(?:e)?|next year))?"
    r"|(?:(?P<mmod>" + _NEXT + r"|" + _THIS + r")\s+)?"
    r"(?:(?:in|en|de|d'|starting|start of|debut|au mois de)\s*)?"
    r"(?P<month>"
    + _month_alt
    + r"|may(?= \d{4})|"
    + _MAY_AS_MONTH
    + r"|"
    + _SHORT_AS_MONTH
    + r"|mai)"
    r"(?:\.?\s+(?P<myear>\d{4}))?(?:\s+(?P<mpost>prochain|next year))?"
    r"|(?P<newyear>(?:after|past|apres|passe) (?:the |le |le jour de l')?(?:new year'?s?|nouvel an|jour de l'an|"
    r"holidays|fetes|temps des fetes)|in the new year|early in the new year)"
    r"|(?P<nextmonth>next month|le mois prochain|the following month|le mois suivant)"
    r"|(?:in|dans|d'ici) (?:about |environ )?(?P<inmonths>\d{1,2}|" + _FEW + r") (?:months|mois)"
    r"|(?P<asap>asap|as soon as possible|right away|des que possible|au plus tot|next term|"
    r"la session prochaine|la prochaine session|le prochain trimestre)"
    r")(?![\w])"
)


@dataclass(frozen=True)
class TermHit:
    """A term found in text: the canonical value and its span."""

    value: str
    start: int
    end: int
    vague: bool = False


def season_after(today: date, *, strictly_future: bool) -> dict[str, int]:
    """Return, for each season, the year of its next start relative to today."""
    years = {}
    for season, (first, _) in SEASON_MONTHS.items():
        # A term already under way is too late to start a placement in, so it means next year's.
        upcoming = today.month < first if strictly_future else today.month <= first
        years[season] = today.year if upcoming else today.year + 1
    return years


def next_term(today: date) -> str:
    """Return the next term that starts after today (January, May or September)."""
    for season, month in (("winter", 1), ("summer", 5), ("fall", 9)):
        if today.month < month:
            return f"{today.year}-{season}"
    return f"{today.year + 1}-winter"


def _resolve(match: re.Match[str], today: date) -> str | None:
    groups = match.groupdict()
    if groups["iso"]:
        return groups["iso"]
    if groups["yearfirst"]:
        return f"{groups['yearfirst']}-{SEASON_WORDS[groups['season0']]}"
    if groups["season"]:
        word = groups["season"]
        qualified = groups["mod"] or groups["pre"] or groups["syear"] or groups["post"]
        if (
            word in _AMBIGUOUS_SEASONS
            and not qualified
            and match.group(0) != match.string.strip(" .!")
            and not set_against(match.string, match.end())
        ):
            return None
        season = SEASON_WORDS[word]
        if groups["syear"]:
            return f"{groups['syear']}-{season}"
        is_next = bool(groups["post"]) or bool(groups["mod"] and re.match(_NEXT, groups["mod"]))
        year = season_after(today, strictly_future=is_next)[season]
        return f"{year}-{season}"
    if groups["month"]:
        month = MONTH_WORDS[groups["month"]]
        if groups["myear"]:
            return f"{groups['myear']}-{month:02d}"
        is_next = bool(groups["mpost"]) or bool(groups["mmod"] and re.match(_NEXT, groups["mmod"]))
        this_year = month > today.month or (month == today.month and not is_next)
        year = today.year if this_year else today.year + 1
        return f"{year}-{month:02d}"
    if groups["newyear"]:
        return f"{today.year + 1}-01"
    if groups["nextmonth"] or groups["inmonths"]:
        ahead = 1 if groups["nextmonth"] else parse_int(groups["inmonths"]) or 2
        index = today.year * 12 + today.month - 1 + ahead
        return f"{index // 12}-{index % 12 + 1:02d}"
    if groups["asap"]:
        return next_term(today)
    return None


def set_against(folded: str, end: int) -> bool:
    """Say whether the term ending at `end` is set against another ("fall, not summer")."""
    return _SET_AGAINST.match(folded, end) is not None


def find_terms(text: str, today: date) -> list[TermHit]:
    """Return every term mentioned in the text, resolved against today."""
    folded = fold(text)
    hits = []
    for match in TERM_SPAN.finditer(folded):
        value = _resolve(match, today)
        if value:
            vague = bool(match.group("asap") or match.group("newyear"))
            hits.append(TermHit(value, match.start(), match.end(), vague))
    # "asap, like january", "in the new year, like feb": the concrete month says more.
    concrete = [h for h in hits if not h.vague]
    return concrete or hits


def parse_term(raw: str, today: date) -> str | None:
    """Return the canonical term (YYYY-season or YYYY-MM) for an answer, or None."""
    text = raw.strip()
    numeric = re.fullmatch(r"(\d{4})[-/](\d{1,2})", text)
    if numeric and 1 <= int(numeric.group(2)) <= 12:
        return f"{numeric.group(1)}-{int(numeric.group(2)):02d}"
    hits = find_terms(text, today)
    if hits:
        return hits[0].value
    # A month on its own ("May", "mars") is unambiguous when it is the whole answer.
    word = fold(text).strip(" .!")
    for prefix in ("in ", "en ", "starting ", "d'", "de "):
        word = word.removeprefix(prefix)
    if word in MONTH_WORDS:
        month = MONTH_WORDS[word]
        year = today.year if month >= today.month else today.year + 1
        return f"{year}-{month:02d}"
    return None


def is_valid_term(value: str) -> bool:
    """Say whether a value is already a canonical term."""
    return bool(TERM_PATTERN.match(value))


def format_term(value: str, locale: str) -> str:
    """Render a canonical term for people ("Summer 2027", "été 2027", "January 2027")."""
    lang = "fr" if locale.startswith("fr") else "en"
    match = TERM_PATTERN.match(value)
    if not match:
        return value
    year, part = match.groups()
    if part in SEASON_NAMES[lang]:
        name = SEASON_NAMES[lang][part]
        return f"{name} {year}" if lang == "en" else f"{name.lower()} {year}"
    return f"{MONTH_NAMES[lang][int(part) - 1]} {year}"
