"""One pure validator per intake field: raw answer in, canonical value out, or InvalidValue."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from assistant.intake import gazetteers as gz
from assistant.intake import patterns as pat
from assistant.intake.cues import parse_yes_no
from assistant.intake.fuzzy import correct, fuzzy_lookup
from assistant.intake.names import NOT_A_NAME, person_name_like
from assistant.intake.numbers import numbers_in, parse_number
from assistant.intake.terms import is_valid_term, parse_term
from assistant.intake.validators_base import (
    InvalidValue,
    ParseContext,
    capitalise,
    clean_phrase,
    lookup,
    text_of,
    validate_free_text,
)
from assistant.intake.validators_study import (
    FINAL_YEAR,
    INSTITUTION_IDS,
    validate_enrollment,
    validate_institution,
    validate_institutions,
    validate_program,
    validate_programs,
    validate_residency,
    validate_year_of_study,
)

__all__ = [
    "FINAL_YEAR",
    "INSTITUTION_IDS",
    "MIN_WAGE",
    "SIZES",
    "WIL_TYPE_IDS",
    "InvalidValue",
    "ParseContext",
    "size_bucket",
    "validate_boolean",
    "validate_duration_months",
    "validate_email_address",
    "validate_enrollment",
    "validate_free_text",
    "validate_hourly_wage",
    "validate_industry",
    "validate_institution",
    "validate_institutions",
    "validate_location",
    "validate_organization_name",
    "validate_organization_size",
    "validate_paid",
    "validate_person_name",
    "validate_phone",
    "validate_program",
    "validate_programs",
    "validate_residency",
    "validate_role_title",
    "validate_students_count",
    "validate_term",
    "validate_wil_type",
    "validate_work_arrangement",
    "validate_year_of_study",
]

SIZES = ("1-9", "10-49", "50-99", "100-499", "500+")
WIL_TYPE_IDS = tuple(gz.WIL_TYPES)
MIN_WAGE = 13.0  # Alberta's lowest legal rate (students under 18), in CAD per hour.


_GREETING = r"(?:(?:hi|hey|hello|bonjour|salut|allo)(?: there)?[\s,!.]+)?"
_NAME_PREFIXES = (
    _GREETING + r"(?:i'?m|i am|my name is|my name'?s|it'?s|its|it is|this is|call me|name:|"
    r"je m'appelle|je suis|moi c'est|c'est|ici|mon nom est|je me nomme|nom ?:)"
)
_NAME_SUFFIX = re.compile(r"(?i)\s+(?:here|speaking|ici)\s*[.!]*$")


def validate_person_name(raw: object, ctx: ParseContext) -> str:
    """Return a capitalised person's name ("dana smith" -> "Dana Smith", "Kim here" -> "Kim")."""
    text = clean_phrase(_NAME_SUFFIX.sub("", text_of(raw)), _NAME_PREFIXES)
    if not re.fullmatch(r"[^\W\d_][\w.'\- ]{0,58}", text) or len(text.split()) > 5:
        raise InvalidValue("not a name")
    if not person_name_like(text):
        raise InvalidValue("not a name")
    return title_name(text)


def title_name(text: str) -> str:
    """Capitalise a name typed in lower case, each part of it ("o'brien-walsh" -> "O'Brien-Walsh")."""
    if not text.islower():
        return text
    # Exact: a name's parts are joined by hyphens, and an apostrophe after one letter ("O'", "D'").
    return re.sub(r"(?:(?<=^)|(?<=[\s-])|(?<=\b\w'))(\w)", lambda m: m.group(1).upper(), text)


_BE = {
    "am",
    "suis",
    "sommes",
    "feel",
    "feeling",
    "sens",
    "me",
    "so",
    "tres",
    "too",
    "trop",
    "un",
    "peu",
}


# Pronouns, fillers and "to be" ("I'm", "je suis perdue"): an answer made only of them names no one.
_NOT_AN_ORG = NOT_A_NAME | _BE


def validate_organization_name(raw: object, ctx: ParseContext) -> str:
    """Return the organization's name, trimmed of lead-ins ("it's called", "c'est")."""
    text = clean_phrase(
        text_of(raw),
        r"(?:we'?re|we are|it'?s|its|it is|we'?re|the company is|our company is|the name is)"
        r"(?: called| named)?|called|i work (?:at|for)|c'est|nous sommes|chez|"
        r"(?:l'entreprise|la compagnie|ca|ça|on) s'appelle|je travaille (?:chez|pour)",
    )
    if len(text) < 2 or len(text) > 120 or "@" in text or not re.search(r"[^\W\d_]", text):
        raise InvalidValue("not an organization name")
    if all(gz.fold(w).strip("'.,!?-") in _NOT_AN_ORG for w in text.split()):
        raise InvalidValue("not an organization name")  # "I'm", "ok", "je suis perdue"
    return title_name(text) if text.islower() else capitalise(text)


def validate_email_address(raw: object, ctx: ParseContext) -> str:
    """Return a normalised email address."""
    match = re.search(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", text_of(raw))
    if not match:
        raise InvalidValue("not an email address")
    try:
        result = validate_email(match.group(0), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidValue("not an email address") from exc
    return result.normalized.lower()


def validate_phone(raw: object, ctx: ParseContext) -> str:
    """Return a North American phone number as "+1 403-555-0199"."""
    digits = re.sub(r"\D", "", text_of(raw))
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01":
        raise InvalidValue("not a 10-digit phone number")
    return f"+1 {digits[:3]}-{digits[3:6]}-{digits[6:]}"


def size_bucket(count: int) -> str:
    """Return the size band for a head count."""
    if count < 10:
        return "1-9"
    if count < 50:
        return "10-49"
    if count < 100:
        return "50-99"
    if count < 500:
        return "100-499"
    return "500+"


def validate_organization_size(raw: object, ctx: ParseContext) -> str:
    """Return a size band from a band or a head count ("6 employés" -> "1-9", "500 staff" -> "500+")."""
    if isinstance(raw, bool):
        raise InvalidValue("not a size")
    if isinstance(raw, int):
        count = raw
    else:
        text = re.sub(r"(?<=\d)-?ish\b", "", gz.fold(text_of(raw)).replace("\u2013", "-"))
        compact = re.sub(r"\s*(?:-|\bto\b|\ba\b)\s*", "-", text.strip())
        compact = re.sub(r"\s*(?:\+|or more|and up|plus|et plus)$", "+", compact)
        if compact in SIZES:
            return compact
        if re.search(r"just me|only me|myself|moi seul|solo|juste moi|seulement moi", text):
            return "1-9"
        if re.search(
            r"(?:over|more than|plus de|au-dela de)\s+500|500\+|thousands?|milliers", text
        ):
            return "500+"
        found = numbers_in(text.replace(",", ""))
        if not found:
            raise InvalidValue("not a number of people")
        count = int(found[0])
    if count < 1:
        raise InvalidValue("not a number of people")
    return size_bucket(count)


def validate_industry(raw: object, ctx: ParseContext) -> str:
    """Return a known sector id ("oil and gas" -> "energy") or the sector as written."""
    found = lookup(gz.INDUSTRIES, raw)
    if found:
        return found
    text = clean_phrase(
        text_of(raw),
        r"we'?re in|we are in|we work in|we do|on fait|nous faisons|on est dans|nous sommes dans|"
        r"in|it'?s|dans|c'est|le secteur (?:de|du|des)|we'?re an?|we are an?|were an?|"
        r"on est une?|nous sommes une?|c'est une?|we (?:make|sell|build|run|repair)|"
        r"on (?:fait|vend|construit|repare)|",
    )
    if pat.JOB_WORD_RE.search(gz.fold(text)):
        raise InvalidValue("a role, not an industry")
    # A sentence is no sector: keep a short noun phrase, otherwise ask again.
    if len(text.split()) > 4 or re.match(r"(?i)(?:on|we|nous|je|i|il|ils)\b", text):
        raise InvalidValue("not an industry")
    if len(text) < 2 or len(text) > 80 or not re.search(r"[^\W\d_]", text):
        raise InvalidValue("not an industry")
    return capitalise(text)


def validate_location(raw: object, ctx: ParseContext) -> str:
    """Return a known place ("YYC" -> "Calgary") or the place as written."""
    found = lookup(gz.LOCATIONS, raw) or fuzzy_lookup(gz.LOCATIONS, text_of(raw))
    if found:
        return found
    text = clean_phrase(
        text_of(raw), r"in|at|near|a|pres de|dans|based in|we'?re in|we are in|on est a"
    )
    if len(text) < 2 or len(text) > 80 or not re.fullmatch(r"[^\W\d_][\w .,'\-]*", text):
        raise InvalidValue("not a place")
    return " ".join(w[:1].upper() + w[1:] for w in text.split())


_SOME_DAYS = re.compile(
    r"(?<![\w])(?:\d|one|two|three|four|un|deux|trois|quatre|a few|quelques|some|certains)"
    r"(?: or \w+)? (?:days?|jours?)(?![\w])|(?:mondays|tuesdays|wednesdays|thursdays|fridays|"
    r"les (?:lundis|mardis|mercredis|jeudis|vendredis))|partly|partiellement|sometimes|parfois"
)


def validate_work_arrangement(raw: object, ctx: ParseContext) -> str:
    """Return on_site, hybrid or remote; remote and office days together make hybrid."""
    text = gz.fold(text_of(raw))
    if text in ("on_site", "hybrid", "remote"):
        return text
    kinds = {hit.value for hit in gz.find_longest(gz.WORK_ARRANGEMENTS, text)}
    if not kinds:
        raise InvalidValue("not on-site, hybrid or remote")
    if "hybrid" in kinds or {"remote", "on_site"} <= kinds:
        return "hybrid"
    if _SOME_DAYS.search(text) and len(text.split()) <= 12:
        return "hybrid"  # "2 days in the office", "remote on fridays"
    return kinds.pop()


def validate_wil_type(raw: object, ctx: ParseContext) -> str:
    """Return a WIL type id ("stage" -> internship, "stage coop" -> co_op)."""
    found = lookup(gz.WIL_TYPES, raw) or fuzzy_lookup(gz.WIL_TYPES, text_of(raw))
    # As the answer to "what kind of WIL?", "apprentissage" is the trade path; in free text it is
    # learning in general ("apprentissage intégré au travail" is WIL itself).
    if not found and re.fullmatch(
        r"(?:(?:un|l'|en|d')\s*)?apprentissage(?: (?:d'un|en|dans un) metier| des metiers)?[\s.!]*",
        gz.fold(text_of(raw)),
    ):
        found = "apprenticeship"
    # Asked what kind, "research with a prof" / "de la recherche" is applied research.
    if not found and re.search(r"(?<![\w])(?:research|recherche)(?![\w])", gz.fold(text_of(raw))):
        found = "applied_research"
    if not found:
        raise InvalidValue("not a kind of work-integrated learning")
    return found


def validate_role_title(raw: object, ctx: ParseContext) -> str:
    """Return a short role title with a capital first letter."""
    text = clean_phrase(
        text_of(raw),
        r"it'?s|it is|the role is|the title is|a|an|as an?|un|une|c'est|le poste est|poste de|un poste de",
    )
    if len(text) < 2 or len(text) > 80 or not re.search(r"[^\W\d_]", text):
        raise InvalidValue("not a role title")
    return capitalise(text)


def _bounded_int(raw: object, low: int, high: int, what: str) -> int:
    if isinstance(raw, bool):
        raise InvalidValue(f"not a number of {what}")
    if isinstance(raw, int):
        value: int | None = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    else:
        found = numbers_in(gz.fold(text_of(raw)))
        value = int(found[0]) if found and float(found[0]).is_integer() else None
    if value is None:
        raise InvalidValue(f"not a number of {what}")
    if not low <= value <= high:
        raise InvalidValue(f"{what} must be between {low} and {high}")
    return value


def validate_students_count(raw: object, ctx: ParseContext) -> int:
    """Return how many students, a whole number from 1 to 50 ("an apprentice" -> 1)."""
    if isinstance(raw, str) and re.search(
        r"^(?:a|an|one|un|une|single|just one|only one|juste un|un seul|une seule)\s+"
        # "a couple of students", "une dizaine de stagiaires": the article starts a quantity.
        r"(?!(?:couple|pair|dozen|few|handful|douzaine|dizaine|quinzaine|vingtaine|trentaine)\b)"
        r"(?:[\w-]+\s+){0,2}?" + pat.PERSON_NOUN + r"(?![\w])",
        gz.fold(raw).strip(),
    ):
        return 1
    return _bounded_int(raw, 1, 50, "students")


def validate_term(raw: object, ctx: ParseContext) -> str:
    """Return a term as YYYY-season or YYYY-MM, resolving relative words against today."""
    text = text_of(raw)
    if is_valid_term(text):
        return text
    term = parse_term(text, ctx.today) or correct(text, lambda t: parse_term(t, ctx.today))
    if term is None:
        raise InvalidValue("not a term or month")
    return term


def validate_duration_months(raw: object, ctx: ParseContext) -> int:
    """Return a duration in whole months (1 to 24); "one year" -> 12, "a semester" -> 4."""
    if isinstance(raw, str):
        text = gz.fold(raw)
        years = re.search(r"(\S+)\s+(?:years?|ans?|annees?)", text)
        if years and (n := parse_number(years.group(1))) is not None:
            return _bounded_int(int(n * 12), 1, 24, "months")
        if re.search(r"(?:a|one|un|une)\s+(?:year|an|annee)", text):
            return 12
        if re.search(r"(?:a|one|un|une)\s+(?:semester|term|session|trimestre)", text):
            return 4
        weeks = re.search(r"(\d+)\s*(?:weeks?|semaines?)", text)
        if weeks:
            return _bounded_int(max(1, round(int(weeks.group(1)) / 4.33)), 1, 24, "months")
    return _bounded_int(raw, 1, 24, "months")


def validate_boolean(raw: object, ctx: ParseContext) -> bool:
    """Return True or False from yes/no in English or French."""
    if isinstance(raw, bool):
        return raw
    answer = parse_yes_no(text_of(raw))
    if answer is None:
        raise InvalidValue("not a yes or no")
    return answer


def validate_paid(raw: object, ctx: ParseContext) -> bool:
    """Return whether the placement is paid ("unpaid", "non rémunéré" -> False; "$22/h" -> True)."""
    if isinstance(raw, bool):
        return raw
    text = gz.fold(text_of(raw))
    if re.search(
        r"unpaid|not paid|non (?:remunere|paye)|pas (?:remunere|paye)|benevole|volunteer|bénévole",
        text,
    ):
        return False
    if re.search(
        r"(?<![\w])(?:paid|remunere|paye|salaried|salarie|wage|salaire)(?![\w])|\$|\d+\s*/\s*h",
        text,
    ):
        return True
    return validate_boolean(raw, ctx)


def validate_hourly_wage(raw: object, ctx: ParseContext) -> float:
    """Return a wage in CAD per hour, at least Alberta's lowest legal rate."""
    if isinstance(raw, bool):
        raise InvalidValue("not an hourly wage")
    if isinstance(raw, (int, float)):
        value: float | None = float(raw)
    else:
        match = re.search(r"\d+(?:[.,]\d{1,2})?", text_of(raw))
        words = numbers_in(gz.fold(text_of(raw)))  # "twenty two", "dix-huit"
        value = float(match.group(0).replace(",", ".")) if match else None
        value = words[0] if value is None and words else value
    if value is None:
        raise InvalidValue("not an hourly wage")
    if value < MIN_WAGE:
        raise InvalidValue("below Alberta's minimum wage")
    if value > 300:
        raise InvalidValue("too high for an hourly wage")
    return round(value, 2)
