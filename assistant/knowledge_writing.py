"""The knowledge-writing rules: each section opens with a direct answer and cites its own page.

The offline answerer leads a reply with one sentence of the section it found, then at most three
points, so every ``##`` section of a knowledge page opens with one sentence that answers its
heading on its own (the amount, the yes or no, the date, the next step). Checkable proxies of
that sentence:

- it exists and is prose (not a list item or a table row);
- it has at most ``max_words`` words (35 in English, 40 in French), and at least 4: a bare "Yes."
  says yes to nothing;
- it is not a preamble ("This section...", "Summary as of...");
- it carries no notes about sources ("These rates come from...", "as of...", "confirmed by...");
  those belong in front matter (``sources``, ``section_sources``, ``reviewed``) and the citation;
- under a heading that asks how much, how many, how long or when, it gives a figure, a date or a
  duration, or says plainly that the figure is not confirmed.

Anywhere in a section, a sentence about the sources themselves ("These figures come from a
Magnet news release") is flagged too.

The citation opens the cited page: a section cites ``section_sources[anchor]`` when the front
matter gives one, else the page's ``source_url``. A section citing a site's bare home page is
flagged when the knowledge lists a deeper page of that site.

The phrases are data (``data/knowledge_writing.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml

from assistant.answering.sentences import split_sentences
from assistant.knowledge_lint import Page, extract_facts

__all__ = [
    "check_citations",
    "check_writing",
    "first_sentence",
    "is_home_page",
    "lead_problems",
    "lead_report",
    "section_source",
]

_LIST_ITEM = re.compile(r"^\s*(?:[-*+]\s|\d{1,2}[.)]\s|\|)")
_MARKER = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class _Rules:
    """The phrases of one language, compiled."""

    max_words: int
    min_words: int
    preambles: tuple[str, ...]
    openers: tuple[str, ...]
    lead_provenance: re.Pattern[str]
    body_provenance: tuple[re.Pattern[str], ...]
    figure_headings: tuple[re.Pattern[str], ...]
    figure_words: re.Pattern[str]
    not_confirmed: re.Pattern[str]


def _words(phrases: Iterable[str]) -> re.Pattern[str]:
    """Match any of the phrases as whole words, case-insensitively."""
    alt = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])", re.IGNORECASE)


@lru_cache(maxsize=1)
def _rules() -> dict[str, _Rules]:
    raw = resources.files("assistant").joinpath("data/knowledge_writing.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(raw) or {}
    rules: dict[str, _Rules] = {}
    for lang in ("en", "fr"):
        rules[lang] = _Rules(
            max_words=int(data["max_words"][lang]),
            min_words=int(data["min_words"]),
            preambles=tuple(str(p).lower() for p in data["preambles"][lang]),
            openers=tuple(str(p).lower() for p in data["provenance_openers"][lang]),
            lead_provenance=_words(data["lead_provenance"][lang]),
            body_provenance=tuple(
                re.compile(p, re.IGNORECASE) for p in data["body_provenance"][lang]
            ),
            figure_headings=tuple(
                re.compile(p, re.IGNORECASE) for p in data["figure_headings"][lang]
            ),
            figure_words=_words(data["figure_words"][lang]),
            not_confirmed=_words(data["not_confirmed"][lang]),
        )
    return rules


def _lang(lang: str) -> str:
    return "fr" if lang == "fr" else "en"


def first_sentence(text: str, lang: str) -> str:
    """Return the section's opening sentence ("" when it opens with a list or a table)."""
    paragraph = text.strip().split("\n\n", 1)[0]
    if not paragraph or _LIST_ITEM.match(paragraph):
        return ""
    sentences = split_sentences(paragraph, _lang(lang))
    return sentences[0] if sentences else ""


def asks_for_figure(heading: str, lang: str) -> bool:
    """True when the heading asks how much, how many, how long or when."""
    return any(p.search(heading.strip()) for p in _rules()[_lang(lang)].figure_headings)


def _states_figure(sentence: str, lang: str) -> bool:
    rules = _rules()[_lang(lang)]
    return bool(
        re.search(r"\d", sentence)
        or extract_facts(sentence, _lang(lang))
        or rules.figure_words.search(sentence)
        or rules.not_confirmed.search(sentence)
    )


def lead_problems(heading: str, text: str, lang: str) -> list[str]:
    """Return why a section's opening sentence is not a direct answer ([] when it is)."""
    rules = _rules()[_lang(lang)]
    lead = first_sentence(text, lang)
    if not lead:
        return ["does not open with a sentence (a list or a table comes first)"]
    problems: list[str] = []
    words = len(_MARKER.sub("", lead).split())
    if words > rules.max_words:
        problems.append(f"first sentence has {words} words (at most {rules.max_words})")
    if words < rules.min_words:
        problems.append(
            f"first sentence has {words} words; say what the answer is, not only yes or no"
        )
    lowered = lead.lower().lstrip('*_« "')
    preamble = next((p for p in rules.preambles if lowered.startswith(p)), None)
    if preamble:
        problems.append(f"first sentence is a preamble ({preamble!r}), not an answer")
    chatter = rules.lead_provenance.search(lead)
    opener = next((p for p in rules.openers if lowered.startswith(p + " ")), None)
    if chatter or opener:
        said = chatter.group(0) if chatter else lead[: len(opener or "")]
        problems.append(
            f"first sentence talks about sources ({said!r}); "
            "move that to front matter or the citation"
        )
    if asks_for_figure(heading, lang) and not _states_figure(lead, lang):
        problems.append(
            "the heading asks for a figure but the first sentence gives no amount, date or "
            "duration and does not say it is not confirmed"
        )
    return problems


def _body_problems(text: str, lang: str) -> list[str]:
    rules = _rules()[_lang(lang)]
    problems: list[str] = []
    for sentence in split_sentences(text, _lang(lang)):
        if any(p.search(sentence) for p in rules.body_provenance):
            problems.append(f"a sentence talks about sources: {sentence[:90]!r}")
    return problems


def _where(page: Page, anchor: str, heading: str) -> str:
    return f"{page.relpath}#{anchor} ({heading!r})"


def check_writing(pages: Iterable[Page]) -> list[str]:
    """Return a message per section whose text breaks the writing rule, naming page and section."""
    problems: list[str] = []
    for page in pages:
        lang = page.lang_dir
        for anchor, (heading, text) in page.sections.items():
            where = _where(page, anchor, heading)
            lead = first_sentence(text, lang)
            for problem in lead_problems(heading, text, lang):
                problems.append(f"{where}: {problem}: {lead[:120]!r}")
            problems += [f"{where}: {p}" for p in _body_problems(text, lang)]
    return problems


def lead_report(pages: Iterable[Page]) -> tuple[int, int]:
    """Return how many sections open with a sentence that passes the rule, and how many there are."""
    passed = total = 0
    for page in pages:
        for heading, text in page.sections.values():
            total += 1
            passed += not lead_problems(heading, text, page.lang_dir)
    return passed, total


# --------------------------------------------------------------------------- citations


def section_source(page: Page, anchor: str) -> str:
    """Return the URL a section's citation opens: its own source, else the page's."""
    own = page.meta.get("section_sources")
    if isinstance(own, dict) and isinstance(own.get(anchor), str) and own[anchor]:
        return str(own[anchor])
    return str(page.meta.get("source_url") or "")


def is_home_page(url: str) -> bool:
    """True for a site's bare home page ("https://bher.ca", "https://www.sait.ca/")."""
    parts = urlsplit(url)
    return bool(parts.netloc) and parts.path in ("", "/") and not parts.query


def _site(url: str) -> str:
    """Return a URL's site without "www." ("bher.ca", "science.ucalgary.ca")."""
    return urlsplit(url).netloc.lower().removeprefix("www.")


def _known_urls(pages: list[Page]) -> set[str]:
    urls: set[str] = set()
    for page in pages:
        meta = page.meta
        for value in (meta.get("source_url"), *(meta.get("sources") or [])):
            if isinstance(value, str):
                urls.add(value)
        own = meta.get("section_sources")
        if isinstance(own, dict):
            urls.update(v for v in own.values() if isinstance(v, str))
    return urls


def check_citations(pages: Iterable[Page]) -> list[str]:
    """Flag sections whose citation opens a home page while the knowledge lists a deeper page."""
    pages = list(pages)
    deeper: dict[str, list[str]] = {}
    for url in sorted(_known_urls(pages)):
        if not is_home_page(url):
            deeper.setdefault(_site(url), []).append(url)
    problems: list[str] = []
    for page in pages:
        for anchor, (heading, _text) in page.sections.items():
            url = section_source(page, anchor)
            if url and is_home_page(url) and _site(url) in deeper:
                problems.append(
                    f"{_where(page, anchor, heading)}: cites the home page {url}; give the "
                    f"section its page in section_sources (known: {deeper[_site(url)][0]})"
                )
    return problems
