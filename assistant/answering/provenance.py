"""Keep notes about sources out of answer text: the citation names the page and links to it.

"These rates come from ESDC's 2019 backgrounder and from Magnet..." is dropped; "According to
Riipen's help pages, the employer pays nothing" keeps its fact ("The employer pays nothing");
"These rules come from calendar copies dated 2015 to 2024, so confirm current requirements with
your faculty" keeps its next step. The phrases are data (`data/provenance.yaml`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

# An opening clause longer than this is not an attribution ("According to the rules of ... ,").
MAX_LEADING = 90


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    path = resources.files("assistant.answering").joinpath("data/provenance.yaml")
    return dict(yaml.safe_load(path.read_text("utf-8")) or {})


def _lang(lang: str) -> str:
    return "fr" if lang == "fr" else "en"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _yes_no(lang: str) -> tuple[str, ...]:
    return tuple(_data().get("answers", {}).get(lang, ()))


def _without_sources(clause: str, lang: str) -> str:
    """Return a clause, its next step, or "" when it is about where facts come from."""
    data = _data()
    lowered = clause.lower()
    opening = re.split(r"[,;:]", lowered, maxsplit=1)[0]
    if not any(verb in opening for verb in data["source_verbs"][lang]):
        return clause
    for connector in data["next_step"][lang]:
        at = lowered.find(connector)
        if at >= 0:
            return clause[at + len(connector) :].strip()
    return ""


def strip_provenance(sentence: str, lang: str) -> str:
    """Return the sentence without its notes about sources ("" when it is nothing but one)."""
    data = _data()
    lang = _lang(lang)
    # Each clause ("...; these two figures come from third parties, so use them as a guide")
    # is judged on its own.
    clauses = [_without_sources(c, lang) for c in sentence.strip().split("; ")]
    kept = [c for c in clauses if c]
    if not kept:
        return ""
    text = "; ".join(kept)
    if text[-1:] not in ".!?" and sentence.rstrip()[-1:] in ".!?":
        text += sentence.rstrip()[-1]
    text = _capitalise(text)
    attribution = data["attribution"][lang]
    for cue in attribution["bracketed"]:
        text = re.sub(rf"\s*\((?:{re.escape(cue)})[^)]*\)", "", text, flags=re.IGNORECASE)
    for cue in attribution["leading"]:
        # "Yes, according to a third-party source: ..." keeps its "Yes, ".
        answer = re.match(r"(?:\w+,\s*)?", text)
        start = (
            answer.end() if answer and answer.group(0).rstrip(", ").lower() in _yes_no(lang) else 0
        )
        # The clause ends at a comma or colon not followed by a number ("on April 9, 2026, ...").
        clause = rf"(?:{re.escape(cue)})\b.{{0,{MAX_LEADING}}}?[,:]\s+(?!\d)"
        match = re.compile(clause, re.I).match(text, start)
        if match and match.end() < len(text):
            rest = text[match.end() :]
            text = text[:start] + rest if start else _capitalise(rest)
    for cue in attribution["trailing"]:
        text = re.sub(rf",\s*(?:{re.escape(cue)})\b[^,;.!?]*(?=[.!?]?$)", "", text, flags=re.I)
    return text.strip()
