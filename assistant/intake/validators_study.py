"""Validators for the student-side fields: institutions, programs, year, enrolment, residency."""

from __future__ import annotations

import re

from assistant.intake import gazetteers as gz
from assistant.intake import patterns as pat
from assistant.intake.numbers import parse_ordinal
from assistant.intake.validators_base import (
    InvalidValue,
    ParseContext,
    clean_phrase,
    lookup,
    text_of,
    validate_free_text,
)

INSTITUTION_IDS = (*gz.INSTITUTIONS, "other")
FINAL_YEAR = "final year without a number"

_NO_PREFERENCE = re.compile(
    r"no preference|any(?: of them| institution| school)?|anyone|doesn'?t matter|no|none|all|all of them|"
    r"aucune(?: preference)?|peu importe|n'importe (?:lequel|laquelle)|tous|toutes|pas de preference|non"
)
# Said inside a longer answer ("honestly it doesnt matter to us").
_NO_PREFERENCE_PHRASE = re.compile(
    r"(?<![\w])(?:no (?:real )?preference|(?:does ?n'?t|does not|do ?n'?t) (?:really )?(?:matter|care|mind)|"
    r"any (?:of them|school|institution|is fine)|either (?:one|is fine|way)|open to (?:all|any)|"
    r"whichever|aucune preference|pas de preference|peu importe|n'importe (?:lequel|laquelle|ou)|"
    r"ca (?:m'est|nous est) egal|ca (?:ne )?(?:nous |me )?derange pas|tous les etablissements)(?![\w])"
)


def validate_institutions(raw: object, ctx: ParseContext) -> list[str]:
    """Return preferred institution ids; "no preference" is an empty list."""
    if isinstance(raw, list):
        ids = [str(item) for item in raw]
        if not all(item in gz.INSTITUTIONS for item in ids):
            raise InvalidValue("unknown institution")
        return list(dict.fromkeys(ids))
    text = gz.fold(text_of(raw)).strip(" .!")
    if _NO_PREFERENCE.fullmatch(text):
        return []
    hits = gz.find_longest(gz.INSTITUTIONS, text)
    if not hits and _NO_PREFERENCE_PHRASE.search(text):
        return []
    if not hits:
        raise InvalidValue("no known institution")
    return list(dict.fromkeys(hit.value for hit in hits))


def validate_programs(raw: object, ctx: ParseContext) -> list[str]:
    """Return program areas sought ("mechanical engineering" -> ["engineering"]); "any" is []."""
    if isinstance(raw, list):
        return list(dict.fromkeys(str(item) for item in raw if str(item).strip()))
    text = gz.fold(text_of(raw)).strip(" .!")
    if re.fullmatch(
        r"any(?: program| field)?|all|open|no preference|peu importe|tous|n'importe", text
    ):
        return []
    hits = gz.find_longest(gz.PROGRAM_AREAS, text)
    if hits:
        return list(dict.fromkeys(hit.value for hit in hits))
    return [validate_free_text(raw, ctx)]


def validate_institution(raw: object, ctx: ParseContext) -> str:
    """Return the student's institution id; a named institution outside the seven is "other"."""
    text = text_of(raw)
    if text in INSTITUTION_IDS:
        return text
    found = gz.first_value(gz.INSTITUTIONS, gz.fold(text))
    if found:
        return found
    if re.search(
        r"(?i)univers|college|collège|institut|polytech|school|ecole|école|nait|other|autre|athabasca",
        text,
    ):
        return "other"
    raise InvalidValue("not an institution")


def validate_program(raw: object, ctx: ParseContext) -> str:
    """Return the student's program as written ("nursing" -> "Nursing")."""
    text = clean_phrase(
        text_of(raw), r"i'?m in|i study|i am in|in|je suis en|j'etudie en|en|my program is"
    )
    if len(text) < 2 or len(text) > 120 or not re.search(r"[^\W\d_]", text):
        raise InvalidValue("not a program")
    return " ".join(
        w[:1].upper() + w[1:] if w.islower() and len(w) > 3 else w for w in text.split()
    )


def validate_year_of_study(raw: object, ctx: ParseContext) -> int:
    """Return the year of study from 1 to 6; "final year" counts only with the program's length."""
    if isinstance(raw, bool):
        raise InvalidValue("not a year of study")
    if isinstance(raw, int):
        value: int | None = raw
    else:
        text = gz.fold(text_of(raw))
        lengths = [m.group("n") or m.group("n2") for m in pat.PROGRAM_LENGTH_RE.finditer(text)]
        # "first year of a 2 year diploma": the length is not the year.
        text = pat.PROGRAM_LENGTH_RE.sub(" ", text)
        value = None
        for token in re.findall(
            r"\d+\s*(?:st|nd|rd|th|re|ere|er|eme|ieme|e)?(?![\w])|[a-z]+", text
        ):
            value = parse_ordinal(token.replace(" ", ""))
            if value is not None and token not in {"a", "an", "un", "une"}:
                break
            value = None
        if value is None and pat.FINAL_YEAR_RE.search(text):
            # The final year of a program of unknown length is no number: ask for it.
            if not lengths:
                raise InvalidValue(FINAL_YEAR)
            value = parse_ordinal(lengths[-1])
    if value is None:
        raise InvalidValue("not a year of study")
    if not 1 <= value <= 6:
        raise InvalidValue("year of study must be between 1 and 6")
    return value


def validate_enrollment(raw: object, ctx: ParseContext) -> str:
    """Return full_time or part_time."""
    found = lookup(gz.ENROLLMENT, raw)
    if found:
        return found
    text = gz.fold(text_of(raw))
    abbr = re.fullmatch(r"(?:i'?m |im |je suis )?(f|p)/?t[\s.!]*", text)  # asked: "ft", "pt"
    if abbr:
        return "full_time" if abbr.group(1) == "f" else "part_time"
    if re.search(r"(?<![\w])(?:full|plein|complet)(?![\w])", text):
        return "full_time"
    if re.search(r"(?<![\w])(?:part|partiel)(?![\w])", text):
        return "part_time"
    raise InvalidValue("not full-time or part-time")


def validate_residency(raw: object, ctx: ParseContext) -> str:
    """Return citizen, permanent_resident, protected_person, international_student or other."""
    found = lookup(gz.RESIDENCY, raw) or lookup(gz.RESIDENCY_LOOSE, raw)
    if not found:
        raise InvalidValue("not a residency status")
    return found
