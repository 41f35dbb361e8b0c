"""Check that a sentence of a model's answer is supported by the passages it cites.

A citation marker only says which passage the model *claims* to rely on. A sentence passes when
the passages it cites actually say it, as far as text can show:

- every checkable fact (amount, percentage, date, count, duration; see `extract_facts`) and every
  number it states appears in those passages, in any of their usual written forms, in either
  language ("$5,000" / "5 000 $", "three days" / "3 days");
- every name it gives (a capitalised word inside the sentence, an acronym, a program name
  however it is typed) appears there;
- at least half of its content words (stemmed, in either language) appear there;
- when it restates one passage sentence, it agrees with it on negation ("are eligible" against
  "are not eligible" fails);
- it does not repeat the assistant's instructions.

A sentence that cites nothing is held to the same test against all the passages. The check
never looks at meaning beyond that: it removes invented specifics, not every wrong inference.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from assistant.answering.types import PassageLike
from assistant.guardrails import echoes_instructions
from assistant.knowledge_lint import extract_facts
from assistant.text_input import fold_casual

# How closely a sentence must restate one passage sentence for their polarity to be compared.
RESTATES = 0.6

# Share of a sentence's content words its passages must contain. Paraphrase keeps about two in
# three ("covers half of the wages" for "pays 50% of the wage"); invented claims keep far fewer.
MIN_OVERLAP = 0.5

MARKER = re.compile(r"\[(\d+)\]")
_PLACEHOLDER = re.compile(r"\[(?:EMAIL|PHONE|NAME)_\d+\]")
# Digits as written in either language: "25,000", "25 000", "2.4", "2,4".
_DIGITS = re.compile(r"\d+(?:[,\u00a0\u202f ]\d{3}(?!\d))*(?:[.,]\d+)?")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_POSSESSIVE = re.compile(r"['’]s$")


@dataclass(frozen=True)
class Verdict:
    """Whether a sentence may be shown, the passages (1-based) it validly cites, and why not."""

    supported: bool
    cited: tuple[int, ...]
    reason: str = "ok"


def _number_forms(text: str) -> set[str]:
    """Return the numbers written in `text`, separators removed, decimal comma read as a point."""
    out: set[str] = set()
    for match in _DIGITS.finditer(text):
        raw = re.sub(r"[\u00a0\u202f ]", "", match.group(0))
        if re.search(r"[.,]\d{1,2}$", raw):  # a decimal: "2.4", "2,4", "17.50"
            whole, _, frac = re.split(r"([.,])(?=\d{1,2}$)", raw)
            raw = whole.replace(",", "").replace(".", "") + "." + frac
        else:
            raw = raw.replace(",", "").replace(".", "")
        out.add(raw.lstrip("0") or "0")
    return out


def _fact_numbers(facts: set[str]) -> set[str]:
    """Return the numbers inside fact tokens ("days:3" -> "3", "money:5000" -> "5000")."""
    out: set[str] = set()
    for fact in facts:
        for part in re.split(r"[:\-]", fact.split(":", 1)[1]):
            if part.isdigit():
                out.add(part.lstrip("0") or "0")
            elif part:
                out.add(part)
    return out


@lru_cache(maxsize=256)
def _passage_view(
    text: str, lang: str
) -> tuple[frozenset[str], frozenset[str], frozenset[str], str]:
    """Return a passage's facts, numbers, word stems (both languages) and folded text."""
    lang = "fr" if lang == "fr" else "en"
    facts = extract_facts(text, lang)
    numbers = _number_forms(text) | _fact_numbers(facts)
    stems: set[str] = set()
    try:
        from assistant.retrieval.lexical import query_terms

        for pair in query_terms(text, lang):
            stems |= pair
    except ImportError:  # pragma: no cover - retrieval ships with the package
        stems = {w.lower() for w in _WORD.findall(text)}
    return frozenset(facts), frozenset(numbers), frozenset(stems), " " + fold_casual(text) + " "


@lru_cache(maxsize=1)
def _program_names() -> frozenset[str]:
    """Return the program and organization names retrieval knows ("mitacs", "swpp"), folded."""
    try:
        from assistant.retrieval.synonyms import NAMES
    except ImportError:  # pragma: no cover - retrieval ships with the package
        return frozenset()
    return frozenset(fold_casual(n) for n in NAMES)


@lru_cache(maxsize=1)
def _negations() -> dict[str, frozenset[str]]:
    raw = resources.files("assistant.answering").joinpath("data/negation.yaml").read_text("utf-8")
    data = yaml.safe_load(raw) or {}
    return {lang: frozenset(fold_casual(w) for w in words) for lang, words in data.items()}


def _negated(text: str, lang: str) -> bool:
    words = set(re.findall(r"[a-z]+(?:'[a-z]+)?", fold_casual(text)))
    words |= {w.split("'")[0] for w in words if "'" in w}  # French "n'est" -> "n"
    return bool(words & _negations().get(lang, frozenset()))


def _terms(text: str, lang: str) -> list[set[str]]:
    try:
        from assistant.retrieval.lexical import query_terms
    except ImportError:  # pragma: no cover
        return []
    return [t for t in query_terms(re.sub(r"\d", " ", text), lang) if t]


@lru_cache(maxsize=256)
def _sentence_views(text: str, lang: str) -> tuple[tuple[frozenset[str], bool], ...]:
    """Return each sentence of a passage as (its stems in both languages, whether it is negated)."""
    from assistant.answering.sentences import split_sentences

    views = []
    for sentence in split_sentences(text, lang):
        stems: set[str] = set()
        for pair in _terms(sentence, lang):
            stems |= pair
        views.append((frozenset(stems), _negated(sentence, lang)))
    return tuple(views)


def _names(body: str) -> list[str]:
    """Return the names a sentence gives: acronyms, capitalised words after its first word, and
    program names however they are typed ("mitacs")."""
    names: list[str] = []
    programs = _program_names()
    for i, match in enumerate(_WORD.finditer(body)):
        word = _POSSESSIVE.sub("", match.group(0)).strip("'’-")
        if len(word) < 2:
            continue
        letters = [c for c in word if c.isalpha()]
        acronym = len(letters) >= 2 and all(c.isupper() for c in letters)
        if acronym or (i > 0 and word[0].isupper()) or fold_casual(word) in programs:
            names.append(word)
    return names


def _named_in(name: str, folded: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(fold_casual(name))}", folded) is not None


class ClaimChecker:
    """Judge the sentences of one answer against the numbered passages it was composed from."""

    def __init__(
        self,
        passages: Sequence[PassageLike],
        locale: str,
        instructions: str = "",
        min_overlap: float = MIN_OVERLAP,
    ) -> None:
        self.passages = list(passages)
        self.lang = "fr" if locale == "fr" else "en"
        self.instructions = instructions
        self.min_overlap = min_overlap

    def _view(self, numbers: Sequence[int]) -> tuple[set[str], set[str], set[str], str]:
        facts: set[str] = set()
        nums: set[str] = set()
        stems: set[str] = set()
        folded = ""
        for n in numbers:
            p = self.passages[n - 1]
            f, d, s, t = _passage_view(f"{p.title}\n{p.section}\n{p.text}", p.lang or self.lang)
            facts |= f
            nums |= d
            stems |= s
            folded += t
        return facts, nums, stems, folded

    def check(self, sentence: str) -> Verdict:
        """Return whether `sentence` (with its markers, placeholders masked) may be shown."""
        cited = tuple(
            dict.fromkeys(
                n
                for n in (int(m) for m in MARKER.findall(sentence))
                if 1 <= n <= len(self.passages)
            )
        )
        body = _PLACEHOLDER.sub(" ", MARKER.sub(" ", sentence))
        body = re.sub(r"\s+", " ", body).strip()
        if self.instructions and echoes_instructions(body, self.instructions):
            return Verdict(False, cited, "instructions")
        against = cited or tuple(range(1, len(self.passages) + 1))
        if not against:
            return Verdict(False, cited, "no passage")
        facts, numbers, stems, folded = self._view(against)
        if not extract_facts(body, self.lang) <= facts:
            return Verdict(False, cited, "fact")
        if not _number_forms(body) <= numbers:
            return Verdict(False, cited, "number")
        if any(not _named_in(name, folded) for name in _names(body)):
            return Verdict(False, cited, "name")
        if self._overlap(body, stems) < self.min_overlap:
            return Verdict(False, cited, "words")
        if self._flips_polarity(body, against):
            return Verdict(False, cited, "negation")
        return Verdict(True, cited)

    def _flips_polarity(self, body: str, numbers: Sequence[int]) -> bool:
        """Return True when the sentence restates a passage sentence with the opposite polarity."""
        terms = _terms(body, self.lang)
        if not terms:
            return False
        best, best_negated = 0.0, False
        for n in numbers:
            p = self.passages[n - 1]
            plang = "fr" if (p.lang or self.lang) == "fr" else "en"
            for stems, negated in _sentence_views(p.text, plang):
                share = sum(1 for t in terms if t & stems) / len(terms)
                if share > best:
                    best, best_negated = share, negated
        return best >= RESTATES and best_negated != _negated(body, self.lang)

    def _overlap(self, body: str, stems: set[str]) -> float:
        try:
            from assistant.retrieval.lexical import query_terms
        except ImportError:  # pragma: no cover
            return 1.0
        terms = [t for t in query_terms(re.sub(r"\d", " ", body), self.lang) if t]
        if not terms:
            return 1.0  # nothing but connecting words ("Yes."): the facts checks decided
        return sum(1 for t in terms if t & stems) / len(terms)
