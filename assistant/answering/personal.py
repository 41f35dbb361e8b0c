"""Say how a section's rule applies to what the person said about themselves.

"I have a 2.4 GPA, can I do co-op at MRU?" is answered "With a 2.4 GPA, you are below the minimum
of 2.5 that this rule sets [1]." followed by the rule; "I'm an international student, can my
employer get SWPP?" is answered first by the section's sentence about international students.
The words are data (`data/personal.yaml`); the comparison of two numbers is the only rule here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from assistant.text_input import fold_casual

# A GPA as written: 2.4, 3.25, 2,5 (French); the scales in use here top out at 4.
_GPA_VALUE = r"(?<![\d.,$])(?P<n>[0-4][.,]\d{1,2})(?![\d$])"
MAX_GPA = Decimal("4.5")
# How far (in characters) the number may sit from its GPA word: "a GPA of at least 2.5".
NEAR = 25


@dataclass(frozen=True)
class Applied:
    """The sentence saying how the rule applies (without its citation) and the rule's sentence."""

    lead: str
    rule: int


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    path = resources.files("assistant.answering").joinpath("data/personal.yaml")
    return dict(yaml.safe_load(path.read_text("utf-8")) or {})


@lru_cache(maxsize=2)
def _gpa_patterns(lang: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    words = "|".join(re.escape(w) for w in _data()["gpa_words"][lang])
    after = re.compile(rf"\b(?:{words})\b[^.;:?!\d]{{0,{NEAR}}}?{_GPA_VALUE}")
    before = re.compile(rf"{_GPA_VALUE}\s*(?:de\s+)?(?:{words})\b")
    return after, before


def _gpa(text: str, lang: str) -> Decimal | None:
    folded = fold_casual(text)
    for pattern in _gpa_patterns(lang):
        match = pattern.search(folded)
        if match:
            try:
                value = Decimal(match.group("n").replace(",", "."))
            except InvalidOperation:
                continue
            if 0 < value <= MAX_GPA:
                return value
    return None


def _number(value: Decimal, lang: str) -> str:
    text = format(value, "f")
    return text.replace(".", ",") if lang == "fr" else text


def _gpa_rule(question: str, sentences: list[str], qlang: str, plang: str) -> Applied | None:
    value = _gpa(question, qlang)
    if value is None:
        return None
    for i, sentence in enumerate(sentences):
        minimum = _gpa(sentence, plang)
        if minimum is None:
            continue
        verdict = "meets" if value >= minimum else "below"
        template = _data()["gpa_sentence"][qlang][verdict]
        lead = template.format(value=_number(value, qlang), minimum=_number(minimum, qlang))
        return Applied(lead=lead + ".", rule=i)
    return None


# Ages a person gives for a student; outside this range the number is something else.
AGES = range(13, 31)
ADULT = 18


def _age_rule(question: str, sentences: list[str], qlang: str, plang: str) -> Applied | None:
    age_data = _data()["age"]
    asked = fold_casual(question)
    for pattern in age_data["said"][qlang]:
        match = re.search(pattern, asked)
        if match is None or int(match.group("n")) not in AGES:
            continue
        group = "minor" if int(match.group("n")) < ADULT else "adult"
        for i, sentence in enumerate(sentences):
            if any(named in fold_casual(sentence) for named in age_data[group][plang]):
                return Applied(lead=sentences[i], rule=i)
        return None
    return None


def _status_rule(question: str, sentences: list[str], qlang: str, plang: str) -> Applied | None:
    asked = f" {fold_casual(question)} "
    folded = [f" {fold_casual(s)} " for s in sentences]
    for status in _data()["statuses"].values():
        if not any(said in asked for said in status["said"][qlang]):
            continue
        for i, text in enumerate(folded):
            if any(named in text for named in status["named"][plang]):
                return Applied(lead=sentences[i], rule=i)
    return None


def how_it_applies(
    question: str, sentences: list[str], qlang: str, plang: str | None = None
) -> Applied | None:
    """Return how the section's rule applies to what the question says about the person, if it does.

    `qlang` is the question's (and the reply's) language, `plang` the passage's.
    """
    qlang = "fr" if qlang == "fr" else "en"
    plang = "fr" if (plang or qlang) == "fr" else "en"
    return (
        _gpa_rule(question, sentences, qlang, plang)
        or _age_rule(question, sentences, qlang, plang)
        or _status_rule(question, sentences, qlang, plang)
    )


def stated_groups(question: str, lang: str) -> list[tuple[str, ...]]:
    """Return, per status the person states, the ways a section in either language names it."""
    lang = "fr" if lang == "fr" else "en"
    asked = f" {fold_casual(question)} "
    return [
        (*status["named"]["en"], *status["named"]["fr"])
        for status in _data()["statuses"].values()
        if any(said in asked for said in status["said"][lang])
    ]


def names_group(text: str, groups: list[tuple[str, ...]]) -> bool:
    """Return True when `text` names one of the groups the person said they belong to."""
    folded = fold_casual(text)
    return any(name in folded for group in groups for name in group)
