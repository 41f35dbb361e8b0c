"""Read one message into the values that belong in the form: where each may go, corrections at
the summary sentence by sentence, a number that could change a filled field."""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

from assistant.intake.extract import Extraction, keep_known_names
from assistant.intake.gazetteers import fold
from assistant.intake.numbers import numbers_in
from assistant.intake.questions import blank_questions
from assistant.intake.schemas import fields_for
from assistant.intake.state import IntakeState, LlmExtract
from assistant.intake.validators import InvalidValue, ParseContext
from assistant.understanding.protocols import FieldExtractor

logger = logging.getLogger(__name__)

__all__ = ["changes", "fits", "merge_llm", "new_number", "place", "read_correction", "read_values"]


def merge_llm(
    state: IntakeState,
    text: str,
    found: Extraction,
    locale: str,
    today: date,
    llm_extract: LlmExtract | None,
) -> None:
    """Add the language model's values (when configured) for fields the rules left empty."""
    text = blank_questions(text)  # the model, too, must not read a question as an answer
    if llm_extract is None or not text.strip():
        return
    try:
        proposed = llm_extract(state.kind, text, state.asking, locale)
    except Exception:
        # The rules already answered; a failing model must never block the intake.
        logger.warning("LLM extraction failed; keeping rule-based values", exc_info=True)
        return
    specs = fields_for(state.kind)
    ctx = ParseContext(today=today, locale=locale)
    for name, raw in (proposed or {}).items():
        if name not in specs or raw is None or name in found.values:
            continue
        try:
            found.values[name] = specs[name].validate(raw, ctx)
        except InvalidValue:
            continue
        found.errors.pop(name, None)


# How sure the field decision must be that a message's words give another field, for a vocabulary
# word to fill it when the question asked got no answer. Not tuned: set 3's status answers to the
# name question were near even (0.48 against 0.52) before their examples were added.
OTHER_FIELD_MIN_CHANCE = 0.25


def place(state: IntakeState, found: Extraction, *, correcting: bool) -> None:
    """Keep only the values that belong where they would go; drop the rest.

    A value goes to the field just asked, to a field the message names ("email: ..."), or to a
    field its own shape names ("12 people", "$20 an hour", an email) when that field is empty or
    being corrected. A vocabulary word inside a longer answer ("marketing", "Calgary") fills an
    empty field only when the message also answered the question asked; it never replaces a value.
    At the summary a correction may change any field: the summary is shown again before submitting.
    """
    answered = state.asking is not None and state.asking in found.values
    # "i'm a full time student" asked for the name is no name: the words answer another question,
    # so what they give fills that empty field instead of being lost, when the field decision
    # gives that field a fair chance ("Bowline Marketing" asked for the email names no industry).
    unanswerable = state.asking is not None and not answered and state.asking in found.errors
    target = found.target
    chances = dict(((target.label, target.confidence), *target.alternatives)) if target else {}
    for name in list(found.values):
        origin = found.sources.get(name, "vocab")
        known = state.fields.get(name) is not None
        if name == state.asking or origin in ("named", "whole", "asked"):
            continue
        if correcting and state.status == "confirming":
            continue
        if origin == "pattern" and (not known or correcting):
            continue
        likely = unanswerable and chances.get(name, 0.0) >= OTHER_FIELD_MIN_CHANCE
        if origin == "vocab" and not known and (answered or likely):
            continue
        logger.debug("dropped %s: not asked, not named (%s)", name, origin)
        found.values.pop(name)
        found.sources.pop(name, None)


def read_values(
    state: IntakeState,
    text: str,
    locale: str,
    today: date,
    llm_extract: LlmExtract | None,
    *,
    correcting: bool | None,
    extractor: FieldExtractor,
) -> Extraction:
    """Return the values the message gives for the form (the extractor's, then the LLM's)."""
    found = extractor.extract(
        state.kind,
        text,
        asked=state.asking,
        known=state.fields,
        today=today,
        locale=locale,
        correcting=correcting,
    )
    merge_llm(state, text, found, locale, today, llm_extract)
    keep_known_names(found, state.fields, state.asking, text)
    return found


def changes(state: IntakeState, found: Extraction) -> dict[str, Any]:
    """Return the extracted values that differ from what the form already holds."""
    return {k: v for k, v in found.values.items() if state.fields.get(k) != v}


def fits(spec: Any, value: float, today: date, locale: str) -> bool:
    """Say whether a number is a valid value for the field."""
    try:
        spec.validate(value if spec.type == "number" else int(value), ParseContext(today, locale))
    except (InvalidValue, ValueError, TypeError):
        return False
    return value == int(value) or spec.type == "number"


def new_number(state: IntakeState, text: str, today: date, locale: str) -> bool:
    """Say whether the message carries a number some filled field could take instead of its own.

    A safety net under the router: "mettez 30" read as a yes must not submit the form unchanged.
    """
    for value in numbers_in(fold(text)):
        for name, spec in fields_for(state.kind).items():
            current = state.fields.get(name)
            numeric = spec.type in ("integer", "number") and current is not None
            if numeric and current != value and fits(spec, value, today, locale):
                return True
    return False


def read_correction(
    state: IntakeState,
    text: str,
    locale: str,
    today: date,
    llm_extract: LlmExtract | None,
    *,
    extractor: FieldExtractor,
) -> Extraction:
    """Read a change at the summary sentence by sentence: the first to give a field's value wins.

    "Can we make it summer instead of fall? My classes end in April": the change is summer; the
    reason after it is no second value for the same field.
    """
    merged = Extraction()
    sentences = [p for p in re.split(r"(?<=[.!?])\s+", text.strip()) if p.strip()] or [text]
    for sentence in sentences:
        # A change phrased as a question ("can we make it summer?") still gives its value.
        plain = sentence.replace("?", ".")
        found = read_values(
            state, plain, locale, today, llm_extract, correcting=True, extractor=extractor
        )
        for name, value in found.values.items():
            if name not in merged.values:
                merged.values[name] = value
                merged.sources[name] = found.sources.get(name, "named")
                if name in found.adding:
                    merged.adding.add(name)
        for name, error in found.errors.items():
            merged.errors.setdefault(name, error)
    return merged
