"""The intake's default `FieldExtractor`: exact parsers for values, a learned decision for targets.

Which field a message gives is a matter of wording ("my name is Priya" answers the name even when
the form asked for the organization; "on site obviously" is the work arrangement even when it
asked for the role), so it is decided by a model trained from
`assistant/understanding/data/fields/*.yaml` given the form's kind and the field just asked.
Values themselves are read by the exact parsers (emails, phones, numbers with units, terms, yes/no)
and the vocabularies (`data/vocab/*.yaml`); a free-text value (a name, a role) is the message's
words after its field's name and a lead-in ("the job title would be ...": registry aliases and
`data/vocab/field_leadins.yaml`).
"""

from __future__ import annotations

import logging
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.intake.extract import extract_fields
from assistant.intake.gazetteers import fold
from assistant.intake.schemas import fields_for
from assistant.intake.validators import InvalidValue, ParseContext, validate_person_name
from assistant.understanding.classifier import TextClassifier
from assistant.understanding.examples import context
from assistant.understanding.models import field_target_model, masked
from assistant.understanding.protocols import Decision, Extracted
from assistant.understanding.vocab import table

logger = logging.getLogger(__name__)

__all__ = ["NONE", "LearnedFieldExtractor", "RuleFieldExtractor", "default_field_extractor"]

NONE = "none"
"""The decision's label for a message that gives no field by its words (a question, thanks)."""

# Sources that come from the message's own words answering the question asked: when the model says
# the words give another field, these are no answer to the asked one. A value with its own shape
# (an email, "12 people": `pattern`) or named ("email: ...") stays where it belongs.
_READ_AS_ASKED = frozenset({"asked", "whole", "vocab"})
# At the summary, a value the parsers find for a field the message's words do not give is kept
# when the field decision gives that field at least this chance ("make it 3 students starting
# next fall" changes both; "im quitting my job next term" is no start term). Not tuned yet.
SUMMARY_FIELD_MIN_CHANCE = 0.05
# Fields that describe the organization, which its own name may tell ("Calgary Food Bank").
_ORGANIZATION_FACTS = frozenset({"industry", "location", "organization_size"})
_QUOTED = re.compile(r"[«“\"]\s*([^«»“”\"]{2,120}?)\s*[»”\"]")
_BARE_NUMBER = re.compile(r"\s*\d+(?:[.,]\d+)?\s*[.!]?\s*")
_CODE = re.compile(r"[a-z][a-z0-9_]*")  # a vocabulary's code ("computer_science"), not free words


@cache
def _leadin(kind: str, name: str) -> re.Pattern[str] | None:
    """Return the regex for a field's name followed by a lead-in ("the job title would be")."""
    spec = fields_for(kind).get(name)
    if spec is None:
        return None
    words = table("field_leadins")
    aliases = sorted({fold(a) for a in (*spec.aliases, spec.name.replace("_", " "))}, key=len)
    alias = "|".join(re.escape(a) for a in reversed(aliases))
    owner = "|".join(words["determiners"])
    copula = "|".join(
        sorted(words["copulas"], key=len, reverse=True)
    )  # "ce serait" before "ce sera"
    # Exact: a field's own name, then a copula, then the value: the value is what follows. Some
    # fields have words of their own that introduce the value ("interested in": `<field>_leadin`).
    named = rf"(?:(?:{owner})\s*)?(?:{alias})\s*(?:{copula})"
    own = words.get(f"{name}_leadin")
    if own:
        named = rf"(?:{named}|(?:{'|'.join(own)}))"
    return re.compile(rf"(?<![\w]){named}\s*(?P<value>\S.*)$")


def _after_leadin(kind: str, name: str, text: str) -> str:
    """Return the words after the field's name and lead-in, or the text unchanged."""
    pattern = _leadin(kind, name)
    folded = fold(text)
    m = pattern.search(folded) if pattern is not None and len(folded) == len(text) else None
    return text[m.start("value") :] if m else text


@cache
def _opener_cues(kind: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Return (field, regex) for the free-text fields a first message may introduce by a cue."""
    words = table("field_leadins")
    ends = "|".join(words["value_ends"])
    out = []
    for key, cues in words.items():
        name = key.removesuffix("_opener")
        if key.endswith("_opener") and name in fields_for(kind):
            cue = "|".join(cues)
            out.append(
                (
                    name,
                    re.compile(
                        rf"(?<![\w])(?:{cue})\s*(?P<value>[^,.;!?()]+?)(?=\s+(?:{ends})\s|[,.;!?()]|$)"
                    ),
                )
            )
    return tuple(out)


def _opener_values(kind: str, text: str, found: Extracted, today: date, locale: str) -> None:
    """Fill a free-text field a first message introduces by its cue, when nothing else read it.

    The words of such a value are no other field's: "i run programs at remote village outreach
    society" names no remote work, so the rest of the message is read again without them. What a
    name says of the organization itself (its sector, its town) stays: "Clinique Physio ...".
    """
    folded = fold(text)
    if len(folded) != len(text):
        return
    spans = _cued_values(kind, text, folded, found, today, locale)
    if not spans:
        return
    blanked = list(text)
    for start, end in spans:
        blanked[start:end] = "," * (end - start)
    again = extract_fields(kind, "".join(blanked), asking=None, today=today, locale=locale)
    for name in list(found.values):
        if name in _ORGANIZATION_FACTS or found.sources.get(name) != "vocab":
            continue
        if name not in again.values:
            found.values.pop(name)
            found.sources.pop(name, None)


def _cued_values(
    kind: str, text: str, folded: str, found: Extracted, today: date, locale: str
) -> list[tuple[int, int]]:
    """Fill the opener's cued free-text fields; return the spans of the values taken."""
    spans: list[tuple[int, int]] = []
    specs = fields_for(kind)
    for name, pattern in _opener_cues(kind):
        m = pattern.search(folded)
        if name in found.values or m is None:
            continue
        try:
            value = specs[name].validate(
                text[m.start("value") : m.end("value")].strip(), ParseContext(today, locale)
            )
        except InvalidValue:
            continue
        found.values[name] = value
        found.sources[name] = "pattern"
        spans.append((m.start("value"), m.end("value")))
    return spans


def _whole_lists(kind: str, text: str, found: Extracted, today: date, locale: str) -> None:
    """Read a list field from the whole message when that finds more of its vocabulary.

    "des étudiants en sciences ou en génie": the parsers tie a program to the word "students";
    the field's own validator reads every program the message names.
    """
    specs = fields_for(kind)
    for name, value in list(found.values.items()):
        if specs.get(name) is None or specs[name].type != "list" or not isinstance(value, list):
            continue
        try:
            whole = specs[name].validate(text, ParseContext(today, locale))
        except InvalidValue:
            continue
        if isinstance(whole, list) and set(value) < set(whole):
            found.values[name] = whole


def respelled(known: str, new: Any) -> Any:
    """Return a known full name with one of its words respelled, when the new value is that word.

    "My name is spelled Dakotah" at the summary changes "Dakota Fairweather" to "Dakotah
    Fairweather", not to "Dakotah": one word close in spelling (one or two letters apart) to one
    word of the known name replaces it.
    """
    words = known.split()
    if not isinstance(new, str) or len(new.split()) != 1 or len(words) < 2:
        return new
    near = [i for i, w in enumerate(words) if _letters_apart(fold(w), fold(new)) <= 2]
    if len(near) != 1:
        return new
    words[near[0]] = new
    return " ".join(words)


def _letters_apart(a: str, b: str) -> int:
    """Return the edit distance between two short words."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


class LearnedFieldExtractor:
    """Read a message's field values: the learned target decision, then the exact parsers.

    Args:
        model: the trained field-target classifier (`assistant.understanding.models`).
        threshold: how sure the model must be before a message's words go to a field other than
            the one asked (below it, the rules' reading of the asked field stands).
    """

    def __init__(self, model: TextClassifier, threshold: float = 0.35) -> None:
        self.model = model
        self.threshold = threshold

    def target(self, kind: str, text: str, asked: str | None) -> Decision:
        """Return which field the message's words give (`none` for none), with its confidence."""
        proba = self.model.proba_one(text, context(kind, asked))
        labels = self.model.labels
        proba = masked(self.model, proba, frozenset({NONE, *fields_for(kind)}))
        order = [int(i) for i in np.argsort(-proba)]
        alternatives = tuple((labels[i], float(proba[i])) for i in order[1:3] if proba[i] > 0)
        return Decision(labels[order[0]], float(proba[order[0]]), "model", None, alternatives)

    def extract(
        self,
        kind: str,
        text: str,
        *,
        asked: str | None,
        known: dict[str, Any],
        today: date,
        locale: str,
        correcting: bool | None = None,
    ) -> Extracted:
        """Return the values the message gives, each where the learned decision says it belongs."""
        found = self._read(kind, text, asked, today, locale, correcting)
        if asked is None and not known:
            _opener_values(kind, text, found, today, locale)
        if asked is None and correcting and known and text.strip():
            return self._summary_change(kind, text, found, known, today, locale)
        if asked is None or not text.strip():
            return found  # an opener or a summary change: every field is read by its own shape
        if _BARE_NUMBER.fullmatch(text) and asked in found.values:
            return found  # exact: a number and nothing else answers the question asked ("25")
        decision = self.target(kind, text, asked)
        found.target = decision
        label = decision.label
        if label == asked or decision.confidence < self.threshold:
            return found
        if label == NONE:
            if fields_for(kind)[asked].free_text and found.sources.get(asked) in _READ_AS_ASKED:
                # "ok thanks" or a remark is no organization name or role title.
                found.values.pop(asked, None)
                found.sources.pop(asked, None)
            return found
        logger.debug("field target %s (%.2f), asked %s", label, decision.confidence, asked)
        other = self._read(kind, text, label, today, locale, correcting)
        if label not in other.values and label not in found.values:
            return found
        out = Extracted(target=decision, adding=set(other.adding))
        for name, value in (*found.values.items(), *other.values.items()):
            source = other.sources.get(name) if name in other.values else found.sources.get(name)
            if name == asked and source in _READ_AS_ASKED:
                continue  # the words answer another field, not the one asked
            out.values[name] = value
            # Another field's vocabulary word fills it only while it is empty (`pattern`).
            out.sources[name] = "pattern" if source == "vocab" else source or "pattern"
        out.sources[label] = "named"  # the message gives this field: the model's decision
        _whole_lists(kind, text, out, today, locale)
        if asked not in out.values:
            out.errors[asked] = "an answer to another question"
        return out

    def _summary_change(
        self,
        kind: str,
        text: str,
        found: Extracted,
        known: dict[str, Any],
        today: date,
        locale: str,
    ) -> Extracted:
        """Read a change said at the summary: the field its words give, by the learned decision.

        "actually put full time, im quitting my job next term": the words give the enrolment; "next
        term" is the reason, not a new start (a value another field's parser found is kept only
        when it is named or the model gives its field some chance). "ajouter l'informatique aux
        programmes recherchés": the words give the programs, read by that field's parser and
        added to the list (at a summary a list is added to; a list named with its field replaces).
        """
        decision = self.target(kind, text, None)
        found.target = decision
        if decision.label == NONE or decision.confidence < self.threshold:
            return found
        label, specs = decision.label, fields_for(kind)
        if label not in found.values and specs[label].type == "list":
            # "Pouvez-vous ajouter l'informatique aux programmes?": the list's own vocabulary,
            # read in the whole message (a question's words are no free-text value).
            try:
                value = specs[label].validate(text, ParseContext(today, locale))
            except InvalidValue:
                value = None
            if isinstance(value, list) and value and all(_CODE.fullmatch(str(v)) for v in value):
                found.values[label] = value
                found.sources[label] = "named"
                found.adding.add(label)
        if specs[label].free_text and found.sources.get(label) != "named":
            # "my name is spelled Dakotah": the words after the field's name and lead-in.
            named = self._read(kind, text, label, today, locale, True)
            if named.sources.get(label) == "named":
                found.values[label] = named.values[label]
                found.sources[label] = "named"
        if label not in found.values:
            return found
        if specs[label].type == "list" and found.sources.get(label) != "named":
            # "ah pis ajoute SAIT aussi": at the summary a list is added to, unless the message
            # rules one of its values out ("mru, not sait"), which says the list it wants.
            try:
                whole = specs[label].validate(text, ParseContext(today, locale))
            except InvalidValue:
                whole = found.values[label]
            if not set(whole) - set(found.values[label]):
                found.adding.add(label)
        if specs[label].validate is validate_person_name:
            found.values[label] = respelled(str(known.get(label) or ""), found.values[label])
        chance = self._chances(kind, text, None)
        for name in list(found.values):
            if name == label or found.sources.get(name) == "named":
                continue
            if specs[name].type in ("email", "phone"):
                continue  # its shape names it: "change the phone to ... and the email to ..."
            if chance.get(name, 0.0) < SUMMARY_FIELD_MIN_CHANCE:
                logger.debug("summary change: %s dropped (the words give %s)", name, label)
                found.values.pop(name)
                found.sources.pop(name, None)
        return found

    def _chances(self, kind: str, text: str, asked: str | None) -> dict[str, float]:
        """Return the model's probability for each field of the form (and none)."""
        proba = self.model.proba_one(text, context(kind, asked))
        labels = self.model.labels
        keep = {i: lb for i, lb in enumerate(labels) if lb == NONE or lb in fields_for(kind)}
        total = float(sum(proba[i] for i in keep)) or 1.0
        return {lb: float(proba[i]) / total for i, lb in keep.items()}

    @staticmethod
    def _read(
        kind: str, text: str, asked: str | None, today: date, locale: str, correcting: bool | None
    ) -> Extracted:
        """Return the parsers' reading with `asked` as the field the free words answer.

        When the message names the field with a lead-in ("mon nom c'est Josée Gagnon"), a free-text
        value is the words after it; a field the whole message does not give is read from them too.
        """
        found = extract_fields(
            kind, text, asking=asked, today=today, locale=locale, correcting=correcting
        )
        if asked is None:
            return found
        quoted = _QUOTED.findall(text)
        if fields_for(kind)[asked].free_text and len(quoted) == 1:
            # Exact: a value typed between quotes is the value, whatever words are around it
            # ("change le nom pour « Le Hibou Distrait Café-Traiteur », c'est le nom officiel").
            try:
                found.values[asked] = fields_for(kind)[asked].validate(
                    quoted[0].strip(), ParseContext(today, locale)
                )
                found.sources[asked] = "named"
                found.errors.pop(asked, None)
                return found
            except InvalidValue:
                pass
        if asked in found.values and not fields_for(kind)[asked].free_text:
            return found  # a parsed value (a number, a term) has no lead-in words to drop
        rest = _after_leadin(kind, asked, text)
        if rest == text:
            return found
        # The words after the field's own name are its value, even in a correction.
        again = extract_fields(
            kind, rest, asking=asked, today=today, locale=locale, correcting=False
        )
        if asked not in again.values:
            return found
        found.values[asked] = again.values[asked]
        found.sources[asked] = "named"
        found.errors.pop(asked, None)
        return found


def default_field_extractor(cache_dir: Path | None = None) -> LearnedFieldExtractor:
    """Return the field extractor with the target model trained from the shipped examples."""
    return LearnedFieldExtractor(field_target_model(cache_dir))


class RuleFieldExtractor:
    """Read a message with the exact parsers alone: the asked field takes the message's words.

    The extractor before the learned decision; the seed script reads the eval dialogs with it, and
    tests use it where the model's judgement is not what they check.
    """

    def extract(
        self,
        kind: str,
        text: str,
        *,
        asked: str | None,
        known: dict[str, Any],
        today: date,
        locale: str,
        correcting: bool | None = None,
    ) -> Extracted:
        """Return the rules' values for the message, the asked field reading its free words."""
        return extract_fields(
            kind, text, asking=asked, today=today, locale=locale, correcting=correcting
        )
