"""Load knowledge pages and check that English/French twins agree.

A knowledge page is Markdown with YAML front matter, stored at
``<root>/<lang>/<area>/<name>.md``. Its sections are ``## Heading {#anchor}``
blocks; a section's key is ``<pair>#<anchor>``. The French twin of
``en/playbook/funding.md`` is ``fr/playbook/funding.md``.

:func:`extract_facts` turns the checkable facts of a text (amounts, percentages,
dates, durations, large numbers) into language-neutral tokens so that an English
section and its French twin can be compared: ``"$5,000"`` and ``"5 000 $"`` both
become ``money:5000``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from assistant.understanding.vocab import institution_ids

__all__ = [
    "AREAS",
    "AUDIENCES",
    "INSTITUTIONS",
    "LANGS",
    "Page",
    "check_twins",
    "extract_facts",
    "fact_differences",
    "load_page",
    "load_pages",
    "questions_of",
]

LANGS = ("en", "fr")
AREAS = ("playbook", "students", "institutions")
AUDIENCES = ("employer", "student", "all")
# The one institution registry (assistant/understanding/data/vocab/institutions.yaml).
INSTITUTIONS = institution_ids()

REQUIRED_KEYS = ("id", "pair", "title", "lang", "audience", "source_url", "reviewed")
OPTIONAL_KEYS = ("institution", "sources", "section_sources", "questions", "names")
# Front matter that must be identical in a page and its twin.
TWIN_KEYS = ("pair", "audience", "institution", "source_url", "section_sources", "reviewed")

# Slugs may use "_" because institution ids do (bow_valley, st_marys).
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_SECTION = re.compile(r"^##[ \t]+(?P<heading>.+?)[ \t]*\{#(?P<anchor>[^}\s]*)\}[ \t]*$")


@dataclass
class Page:
    """One knowledge page: its file, front matter and ``##`` sections.

    ``sections`` maps each anchor to ``(heading, text)``, in file order.
    ``errors`` collects problems found while parsing (bad YAML, a ``##``
    heading without an anchor, a duplicated anchor...); :func:`check_twins`
    reports them.
    """

    path: Path
    meta: dict[str, Any]
    sections: dict[str, tuple[str, str]]
    relpath: str = ""
    title: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def lang_dir(self) -> str:
        """Return the language folder the page sits in (``en`` or ``fr``)."""
        return self.relpath.split("/", 1)[0]

    @property
    def twin_key(self) -> str:
        """Return the path shared with the twin: ``<area>/<name>.md``."""
        return self.relpath.split("/", 1)[1] if "/" in self.relpath else self.relpath

    def section_key(self, anchor: str) -> str:
        """Return the ``<pair>#<anchor>`` key of one of this page's sections."""
        return f"{self.meta.get('pair', '')}#{anchor}"


# --------------------------------------------------------------------------- loading


def load_page(path: Path, root: Path | None = None) -> Page:
    """Parse one Markdown knowledge page; never raises on bad content."""
    relpath = path.relative_to(root).as_posix() if root is not None else path.name
    page = Page(path=path, meta={}, sections={}, relpath=relpath)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        page.errors.append(f"cannot read file: {exc}")
        return page

    match = _FRONT_MATTER.match(raw)
    if match is None:
        page.errors.append("missing YAML front matter (the file must start with '---')")
        body = raw
    else:
        body = raw[match.end() :]
        try:
            meta = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            page.errors.append(f"front matter is not valid YAML: {exc}")
            meta = {}
        if meta is None:
            meta = {}
        if not isinstance(meta, dict):
            page.errors.append("front matter must be a YAML mapping")
            meta = {}
        page.meta = {str(k): v for k, v in meta.items()}

    _parse_body(body, page)
    return page


def _parse_body(body: str, page: Page) -> None:
    """Fill ``page.title`` and ``page.sections`` from the Markdown body."""
    current: str | None = None
    heading = ""
    lines: list[str] = []
    in_fence = False

    def flush() -> None:
        if current is not None:
            page.sections[current] = (heading, "\n".join(lines).strip())

    for line in body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if not in_fence and line.startswith("# ") and not page.title and current is None:
            page.title = line[2:].strip()
            continue
        if not in_fence and line.startswith("## "):
            flush()
            match = _SECTION.match(line)
            if match is None:
                page.errors.append(f"section heading without an {{#anchor}}: {line.strip()!r}")
                current = None
                continue
            anchor = match.group("anchor")
            heading = match.group("heading").strip()
            if anchor in page.sections:
                page.errors.append(f"duplicate anchor #{anchor}")
            current = anchor
            lines = []
            continue
        if current is not None:
            lines.append(line)
    flush()


def load_pages(root: Path) -> list[Page]:
    """Load every page under ``root/<lang>/`` for each known language, sorted by path."""
    pages: list[Page] = []
    for lang in LANGS:
        base = root / lang
        if base.is_dir():
            pages.extend(load_page(p, root) for p in sorted(base.rglob("*.md")))
    return pages


# --------------------------------------------------------------------------- facts

_MONTHS_EN = {
    "January": 1,
    "February": 2,
    "March": 3,
    "April": 4,
    "May": 5,
    "June": 6,
    "July": 7,
    "August": 8,
    "September": 9,
    "October": 10,
    "November": 11,
    "December": 12,
}
_MONTH_ABBR_EN = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Sept": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}
_MONTHS_FR = {
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
}
_MONTH_ABBR_FR = {
    "janv": 1,
    "févr": 2,
    "fevr": 2,
    "avr": 4,
    "juil": 7,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "déc": 12,
}

# "one"/"un"/"une" are left out on purpose: they are mostly articles ("a week",
# "une semaine"), and counting them would flag twins that say the same thing.
_WORDS_EN = {
    w: i
    for i, w in enumerate(
        [
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ],
        start=2,
    )
}
_WORDS_FR = {
    w: i
    for i, w in enumerate(
        [
            "deux",
            "trois",
            "quatre",
            "cinq",
            "six",
            "sept",
            "huit",
            "neuf",
            "dix",
            "onze",
            "douze",
            "treize",
            "quatorze",
            "quinze",
            "seize",
            "dix-sept",
            "dix-huit",
            "dix-neuf",
            "vingt",
        ],
        start=2,
    )
}

# Units whose count is a checkable fact. Years are compared as plain numbers
# ("num:") because French states ages with "ans" where English often has no unit
# ("aged 15 to 30" / "de 15 à 30 ans").
_UNITS_EN = {
    "months": "months",
    "month": "months",
    "weeks": "weeks",
    "week": "weeks",
    "hours": "hours",
    "hour": "hours",
    "hrs": "hours",
    "h": "hours",
    "days": "days",
    "day": "days",
    "years": "num",
    "year": "num",
    "yrs": "num",
}
_UNITS_FR = {
    "mois": "months",
    "semaines": "weeks",
    "semaine": "weeks",
    "heures": "hours",
    "heure": "hours",
    "h": "hours",
    "jours": "days",
    "jour": "days",
    "ans": "num",
    "an": "num",
    "années": "num",
    "année": "num",
}
_MULTIPLIERS = {
    "k": Decimal(1_000),
    "m": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "millions": Decimal(1_000_000),
    "b": Decimal(1_000_000_000),
    "g": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
    "billions": Decimal(1_000_000_000),
    "milliard": Decimal(1_000_000_000),
    "milliards": Decimal(1_000_000_000),
}

_SPACES = "[ \u00a0\u202f]"
# A number as written in each language: "250,000.5" in English, "250 000,5" in French.
_NUM = {
    "en": r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])",
    "fr": rf"(?<![\d.,])(?:\d{{1,3}}(?:{_SPACES}\d{{3}})+|\d+)(?:,\d+)?(?![\d])",
}


def _alt(words: Iterable[str]) -> str:
    """Build a regex alternation, longest words first so prefixes do not win."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class _LangRules:
    """Compiled patterns for one language."""

    date: re.Pattern[str]
    day_month: re.Pattern[str]
    month_year: re.Pattern[str]
    month: re.Pattern[str]
    money: tuple[re.Pattern[str], ...]
    percent: re.Pattern[str]
    duration: re.Pattern[str]
    unit_then_count: re.Pattern[str]
    number: re.Pattern[str]
    number_range: re.Pattern[str]
    months: dict[str, int]
    words: dict[str, int]
    units: dict[str, str]


def _build_rules(lang: str) -> _LangRules:
    num = _NUM[lang]
    if lang == "en":
        months = {**_MONTHS_EN, **_MONTH_ABBR_EN}
        month_alt = _alt(months)
        # English month names are matched case-sensitively so "may" (the verb) is not a month.
        date = re.compile(
            rf"\b(?P<m>{month_alt})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b"
        )
        day_month = re.compile(rf"\b(?P<m>{month_alt})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b")
        month_year = re.compile(rf"\b(?P<m>{month_alt})\.?,?\s+(?P<y>\d{{4}})\b")
        month = re.compile(rf"\b(?P<m>{_alt(_MONTHS_EN)})\b")
        words, units = _WORDS_EN, _UNITS_EN
        joiners = r"or|and|to|through"
        # Words that may sit between a count and its unit: "150 more hours".
        fillers = (
            r"more|additional|extra|further|consecutive|full-time|part-time|paid|unpaid|first|last"
        )
        # "a week or two": the count comes after the unit.
        unit_then_count = r"\b(?P<unit>week|month|day|hour|year)s?\s+or\s+(?P<n>two|three|[23])\b"
        money_mult = r"(?:\s*(?P<mult>million|billion|[MBK])\b)?"
        money_suffix = r"(?:\$|dollars\b)"
    else:
        months = {**_MONTHS_FR, **_MONTH_ABBR_FR}
        month_alt = _alt(months)
        flags = re.IGNORECASE
        date = re.compile(
            rf"\b(?P<d>\d{{1,2}})(?:er)?\s+(?P<m>{month_alt})\.?\s+(?P<y>\d{{4}})\b", flags
        )
        day_month = re.compile(rf"\b(?P<d>\d{{1,2}})(?:er)?\s+(?P<m>{month_alt})\b\.?", flags)
        month_year = re.compile(rf"\b(?P<m>{month_alt})\.?\s+(?P<y>\d{{4}})\b", flags)
        month = re.compile(rf"\b(?P<m>{_alt(_MONTHS_FR)})\b", flags)
        words, units = _WORDS_FR, _UNITS_FR
        joiners = r"ou|et|à|a|au"
        fillers = r"premiers|premières|derniers|dernières|autres"
        unit_then_count = (
            r"\b(?P<unit>semaine|mois|jour|heure|an|année)s?\s+ou\s+(?P<n>deux|trois|[23])\b"
        )
        money_mult = r"(?:\s*(?P<mult>millions?|milliards?|[MGk])\b\s*(?:de\s+)?)?"
        money_suffix = r"(?:\$|dollars\b)"

    prefix = re.compile(rf"\$\s?(?P<n>{num}){money_mult if lang == 'en' else ''}")
    if lang == "en":
        suffix = re.compile(rf"(?P<n>{num})\s*{money_suffix}")
    else:
        suffix = re.compile(rf"(?P<n>{num}){money_mult}\s*{money_suffix}", re.IGNORECASE)
    # English writes "$5,000", French "5 000 $": try the native form first.
    money = (prefix, suffix) if lang == "en" else (suffix, prefix)

    percent = re.compile(rf"(?P<n>{num})\s*(?:%|per\s?cent\b|pour\s+cent\b)")

    token = rf"(?:{num}|(?<![\w-])(?:{_alt(words)})(?![\w]))"
    sep = rf"(?:\s*[-–—]?\s*,?\s*(?:{joiners})(?:\s+|[-–])|\s*[-–—]\s*|\s*,\s*)"
    unit_alt = _alt(units)
    duration = re.compile(
        rf"(?P<seq>{token}(?:{sep}{token})*)\s*[-–\u2011]?\s*(?:(?:{fillers})\s+)?"
        rf"(?P<unit>{unit_alt})(?![\w])",
        re.IGNORECASE,
    )
    number = re.compile(num)
    return _LangRules(
        date=date,
        day_month=day_month,
        month_year=month_year,
        month=month,
        money=money,
        percent=percent,
        duration=duration,
        unit_then_count=re.compile(unit_then_count, re.IGNORECASE),
        number=number,
        number_range=re.compile(
            rf"(?<![\w-])(?P<a>{num})(?:\s*[-–]\s*|\s+(?:{joiners})\s+)(?P<b>{num})(?![\w-])"
        ),
        months={k.lower(): v for k, v in months.items()},
        words=words,
        units={k.lower(): v for k, v in units.items()},
    )


_RULES = {lang: _build_rules(lang) for lang in LANGS}

_ISO_DATE = re.compile(r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\d-])")
_YEAR = re.compile(
    r"(?<![\d.,$])(?P<y>(?:19|20)\d{2})(?:\s*[-–/]\s*(?P<y2>(?:19|20)\d{2}|\d{2}))?(?![\d])"
)
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_URL = re.compile(r"https?://\S+|\b[\w.-]+\.(?:ca|com|org)(?:/\S*)?", re.IGNORECASE)
_LIST_MARKER = re.compile(r"^[ \t]*\d{1,2}[.)][ \t]", re.MULTILINE)
_ANCHOR = re.compile(r"\{#[^}]*\}")


def _number(text: str, lang: str) -> Decimal | None:
    """Parse a number written the ``lang`` way ("1,400.50" / "1 400,50")."""
    french = lang == "fr"
    cleaned = re.sub(_SPACES, "", text).replace(",", ".") if french else text.replace(",", "")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def _fmt(value: Decimal) -> str:
    """Format a number without exponent or trailing zeros: 15.00 -> '15'."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _mask(text: str, start: int, end: int) -> str:
    """Blank out a matched span so later patterns cannot match it again."""
    return text[:start] + " " * (end - start) + text[end:]


def _take(text: str, pattern: re.Pattern[str]) -> tuple[list[re.Match[str]], str]:
    """Return the matches of ``pattern`` and the text with those matches blanked out."""
    matches = list(pattern.finditer(text))
    for match in matches:
        text = _mask(text, match.start(), match.end())
    return matches, text


def extract_facts(text: str, lang: str) -> set[str]:
    """Return the checkable facts of ``text`` as language-neutral tokens.

    Tokens: ``money:5000``, ``pct:50``, ``date:2026-04-01``, ``day:04-20``
    (a day without a year), ``month:2025-03`` (a month and year), ``mon:09``
    (a month name alone), ``year:2026``, ``months:4``, ``weeks:12``, ``hours:420``,
    ``days:10`` and ``num:250000`` (numbers of 10 or more, decimals, both ends of a
    range written in digits such as "2 to 5", and counts of years). ``lang`` says how
    numbers and month names are written (``en`` or ``fr``).
    """
    if lang not in _RULES:
        raise ValueError(f"unsupported language: {lang!r}")
    rules = _RULES[lang]
    facts: set[str] = set()

    text = _ANCHOR.sub(" ", text)
    text = _LINK_TARGET.sub("]", text)
    text = _URL.sub(" ", text)
    text = _LIST_MARKER.sub(" ", text)

    def month_of(name: str) -> int:
        return rules.months[name.lower().rstrip(".")]

    matches, text = _take(text, _ISO_DATE)
    for match in matches:
        facts.add(f"date:{match['y']}-{match['m']}-{match['d']}")
    matches, text = _take(text, rules.date)
    for match in matches:
        facts.add(f"date:{match['y']}-{month_of(match['m']):02d}-{int(match['d']):02d}")
    matches, text = _take(text, rules.month_year)
    for match in matches:
        facts.add(f"month:{match['y']}-{month_of(match['m']):02d}")
    matches, text = _take(text, rules.day_month)
    for match in matches:
        day = int(match["d"])
        if 1 <= day <= 31:
            facts.add(f"day:{month_of(match['m']):02d}-{day:02d}")

    for pattern in rules.money:
        matches, text = _take(text, pattern)
        for match in matches:
            value = _number(match["n"], lang)
            if value is None:
                continue
            mult = match.groupdict().get("mult")
            if mult:
                value *= _MULTIPLIERS[mult.lower()]
            facts.add(f"money:{_fmt(value)}")

    matches, text = _take(text, rules.percent)
    for match in matches:
        value = _number(match["n"], lang)
        if value is not None:
            facts.add(f"pct:{_fmt(value)}")

    matches, text = _take(text, rules.unit_then_count)
    for match in matches:
        kind = rules.units[match["unit"].lower() + ("s" if lang == "en" else "")]
        count = match["n"].lower()
        facts.add(f"{kind}:{rules.words.get(count, count)}")

    matches, text = _take(text, rules.duration)
    for match in matches:
        kind = rules.units[match["unit"].lower()]
        for part in re.finditer(rf"{rules.number.pattern}|[^\W\d_]+(?:-[^\W\d_]+)*", match["seq"]):
            word = part.group(0).lower()
            if word in rules.words:
                facts.add(f"{kind}:{rules.words[word]}")
            elif part.group(0)[0].isdigit():
                value = _number(part.group(0), lang)
                if value is not None:
                    facts.add(f"{kind}:{_fmt(value)}")

    matches, text = _take(text, _YEAR)
    for match in matches:
        first = int(match["y"])
        facts.add(f"year:{first}")
        if match["y2"]:
            second = int(match["y2"])
            if second < 100:
                second += first - first % 100
            facts.add(f"year:{second}")

    matches, text = _take(text, rules.month)
    for match in matches:
        facts.add(f"mon:{month_of(match['m']):02d}")

    # Small numbers are usually words or list markers, but a range written in
    # digits ("2 to 5 work terms" / "de 2 à 5 stages") is a checkable fact.
    matches, text = _take(text, rules.number_range)
    for match in matches:
        for raw in (match["a"], match["b"]):
            value = _number(raw, lang)
            if value is not None:
                facts.add(f"num:{_fmt(value)}")

    for match in rules.number.finditer(text):
        raw = match.group(0)
        value = _number(raw, lang)
        if value is None:
            continue
        is_decimal = value != value.to_integral_value()
        if value >= 10 or is_decimal:
            facts.add(f"num:{_fmt(value)}")
    return facts


# --------------------------------------------------------------------------- checks


def _check_page(page: Page) -> list[str]:
    """Return the problems of one page on its own (front matter, layout, sections)."""
    where = page.relpath or str(page.path)
    problems = [f"{where}: {err}" for err in page.errors]
    meta = page.meta
    parts = page.relpath.split("/")

    if len(parts) != 3:
        problems.append(f"{where}: page must be at <lang>/<area>/<name>.md")
    else:
        if parts[1] not in AREAS:
            problems.append(f"{where}: unknown area {parts[1]!r} (expected one of {AREAS})")
        if not _SLUG.match(parts[2].removesuffix(".md")):
            problems.append(f"{where}: file name must be an ASCII slug")

    for key in REQUIRED_KEYS:
        if meta.get(key) in (None, ""):
            problems.append(f"{where}: missing front matter key {key!r}")
    unknown = sorted(set(meta) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        problems.append(f"{where}: unknown front matter keys {unknown}")

    lang = meta.get("lang")
    if lang is not None and lang != page.lang_dir:
        problems.append(f"{where}: lang is {lang!r} but the page is under {page.lang_dir}/")
    pair = meta.get("pair")
    if pair is not None and not (isinstance(pair, str) and _SLUG.match(pair)):
        problems.append(f"{where}: pair {pair!r} must be an ASCII slug")
    page_id = meta.get("id")
    if page_id is not None and pair is not None and page_id != f"{pair}-{page.lang_dir}":
        problems.append(f"{where}: id {page_id!r} should be {pair}-{page.lang_dir!s}")
    audience = meta.get("audience")
    if audience is not None and audience not in AUDIENCES:
        problems.append(f"{where}: audience {audience!r} not in {AUDIENCES}")

    institution = meta.get("institution")
    area = parts[1] if len(parts) == 3 else ""
    if area == "institutions":
        if institution is None:
            problems.append(f"{where}: institution pages need an 'institution' key")
        elif institution not in INSTITUTIONS:
            problems.append(f"{where}: institution {institution!r} not in {INSTITUTIONS}")
    elif institution is not None:
        problems.append(f"{where}: 'institution' is only allowed on institutions/ pages")

    url = meta.get("source_url")
    if url is not None and not (isinstance(url, str) and url.startswith("https://")):
        problems.append(f"{where}: source_url must start with https://")
    sources = meta.get("sources")
    if sources is not None and not (
        isinstance(sources, list)
        and all(isinstance(s, str) and s.startswith("https://") for s in sources)
    ):
        problems.append(f"{where}: sources must be a list of https:// URLs")
    reviewed = meta.get("reviewed")
    if reviewed is not None and not _is_date(reviewed):
        problems.append(f"{where}: reviewed must be a YYYY-MM-DD date, got {reviewed!r}")

    problems += _check_questions(page, where)
    problems += _check_section_sources(page, where)
    names = meta.get("names")
    if names is not None:
        if area != "institutions":
            problems.append(f"{where}: 'names' is only allowed on institutions/ pages")
        elif not _string_list(names):
            problems.append(f"{where}: names must be a list of non-empty strings")

    if not page.title:
        problems.append(f"{where}: missing '# Title' line")
    if not page.sections:
        problems.append(f"{where}: no '## Heading {{#anchor}}' sections")
    for anchor, (_heading, text) in page.sections.items():
        if not _SLUG.match(anchor):
            problems.append(f"{where}#{anchor}: anchor must be a lowercase ASCII slug")
        if not text.strip():
            problems.append(f"{where}#{anchor}: empty section")
    return problems


def _string_list(value: object) -> bool:
    """True for a non-empty list of non-empty strings."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, str) and v.strip() for v in value)
    )


def _check_questions(page: Page, where: str) -> list[str]:
    """Check the front matter's `questions`: section anchor -> the questions people ask it."""
    asked = page.meta.get("questions")
    if asked is None:
        return []
    if not isinstance(asked, dict):
        return [f"{where}: questions must map section anchors to lists of questions"]
    problems: list[str] = []
    for anchor, questions in asked.items():
        if anchor not in page.sections:
            problems.append(f"{where}: questions for #{anchor}, which is no section of the page")
        if not _string_list(questions):
            problems.append(f"{where}#{anchor}: questions must be a list of non-empty strings")
    return problems


def _check_section_sources(page: Page, where: str) -> list[str]:
    """Check the front matter's `section_sources`: section anchor -> the page its citation opens."""
    own = page.meta.get("section_sources")
    if own is None:
        return []
    if not isinstance(own, dict):
        return [f"{where}: section_sources must map section anchors to https:// URLs"]
    problems: list[str] = []
    for anchor, url in own.items():
        if anchor not in page.sections:
            problems.append(
                f"{where}: section_sources for #{anchor}, which is no section of the page"
            )
        if not (isinstance(url, str) and url.startswith("https://")):
            problems.append(
                f"{where}#{anchor}: section source must be an https:// URL, got {url!r}"
            )
    return problems


def questions_of(page: Page) -> dict[str, list[str]]:
    """Return the questions the page's front matter lists per section anchor."""
    asked = page.meta.get("questions")
    if not isinstance(asked, dict):
        return {}
    return {
        str(anchor): [str(q) for q in questions if isinstance(q, str)]
        for anchor, questions in asked.items()
        if isinstance(questions, list)
    }


def _is_date(value: object) -> bool:
    if isinstance(value, dt.date):
        return True
    if isinstance(value, str):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
        return re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None
    return False


def fact_differences(a: set[str], b: set[str]) -> tuple[list[str], list[str]]:
    """Return the facts only in ``a`` and only in ``b``, sorted.

    A bare number (``num:28``) counts as present on the other side when that side
    states the same value with a unit (``hours:28``): "beyond 28" and "au-delà de
    28 heures" say the same thing.
    """

    def values(facts: set[str]) -> set[str]:
        return {f.split(":", 1)[1] for f in facts}

    def missing(mine: set[str], theirs: set[str]) -> list[str]:
        their_values = values(theirs)
        return sorted(
            f
            for f in mine - theirs
            if not (f.startswith("num:") and f.split(":", 1)[1] in their_values)
        )

    return missing(a, b), missing(b, a)


def _check_pair(en: Page, fr: Page) -> list[str]:
    """Return the disagreements between an English page and its French twin."""
    where = en.twin_key
    problems: list[str] = []
    for key in TWIN_KEYS:
        a, b = en.meta.get(key), fr.meta.get(key)
        if str(a) != str(b):
            problems.append(f"{where}: front matter {key!r} differs: en={a!r} fr={b!r}")

    en_asked, fr_asked = set(questions_of(en)), set(questions_of(fr))
    if en_asked != fr_asked:
        problems.append(
            f"{where}: twins list questions for different sections; "
            f"only in en: {sorted(en_asked - fr_asked)}; only in fr: {sorted(fr_asked - en_asked)}"
        )

    only_en = [a for a in en.sections if a not in fr.sections]
    only_fr = [a for a in fr.sections if a not in en.sections]
    if only_en:
        problems.append(f"{where}: anchors missing in the French twin: {only_en}")
    if only_fr:
        problems.append(f"{where}: anchors missing in the English twin: {only_fr}")

    for anchor, (en_heading, en_text) in en.sections.items():
        if anchor not in fr.sections:
            continue
        fr_heading, fr_text = fr.sections[anchor]
        en_facts = extract_facts(f"{en_heading}\n{en_text}", "en")
        fr_facts = extract_facts(f"{fr_heading}\n{fr_text}", "fr")
        only_en, only_fr = fact_differences(en_facts, fr_facts)
        if only_en or only_fr:
            problems.append(
                f"{where}#{anchor}: facts differ between twins; "
                f"only in en: {only_en}; only in fr: {only_fr}"
            )
    return problems


def _duplicate_questions(pages: list[Page]) -> list[str]:
    """Return the questions listed for two different sections (a question answers one section)."""
    problems: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    for page in pages:
        for anchor, questions in questions_of(page).items():
            key = page.section_key(anchor)
            for question in questions:
                folded = (page.lang_dir, " ".join(question.lower().split()).rstrip(" ?"))
                other = seen.setdefault(folded, key)
                if other != key:
                    problems.append(
                        f"{page.relpath}: question {question!r} is listed for {key} and {other}"
                    )
    return problems


def check_twins(pages: Iterable[Page]) -> list[str]:
    """Return human-readable problems across all pages; an empty list means all is well.

    Checks each page's front matter and sections, that every page has a twin in
    the other language at the same relative path, and that twins share anchors,
    ``reviewed`` date, pair, audience, institution, source URL and, section by
    section, the same checkable facts.
    """
    pages = list(pages)
    problems: list[str] = []
    by_lang: dict[str, dict[str, Page]] = {lang: {} for lang in LANGS}
    seen_ids: dict[str, str] = {}
    seen_pairs: dict[tuple[str, str], str] = {}

    for page in pages:
        problems.extend(_check_page(page))
        if page.lang_dir in by_lang:
            by_lang[page.lang_dir][page.twin_key] = page
        page_id = page.meta.get("id")
        if isinstance(page_id, str):
            if page_id in seen_ids:
                problems.append(f"{page.relpath}: id {page_id!r} also used by {seen_ids[page_id]}")
            seen_ids.setdefault(page_id, page.relpath)
        pair = page.meta.get("pair")
        if isinstance(pair, str):
            pair_lang = (pair, page.lang_dir)
            if pair_lang in seen_pairs:
                problems.append(
                    f"{page.relpath}: pair {pair!r} also used by {seen_pairs[pair_lang]}"
                )
            seen_pairs.setdefault(pair_lang, page.relpath)

    problems += _duplicate_questions(pages)

    en_pages, fr_pages = by_lang["en"], by_lang["fr"]
    for key in sorted(set(en_pages) | set(fr_pages)):
        en, fr = en_pages.get(key), fr_pages.get(key)
        if en is None:
            problems.append(f"fr/{key}: no English twin at en/{key}")
        elif fr is None:
            problems.append(f"en/{key}: no French twin at fr/{key}")
        else:
            problems.extend(_check_pair(en, fr))
    return problems
