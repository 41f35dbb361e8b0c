"""Rule-based field extraction: regexes, number words and gazetteers, aware of the field being asked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from assistant.intake import gazetteers as gz
from assistant.intake import patterns as pat
from assistant.intake.cues import has_correction_cue, is_skip, looks_like_question
from assistant.intake.names import find_org_after_name, find_person_name, place_like
from assistant.intake.numbers import parse_number
from assistant.intake.questions import blank_questions, is_answer_like
from assistant.intake.schemas import FieldSpec, fields_for
from assistant.intake.terms import MONTH_WORDS, RULED_OUT, find_terms, parse_term, set_against
from assistant.intake.validators import InvalidValue, ParseContext
from assistant.understanding.protocols import Extracted

Origin = str
"""How a value was found, which decides where it may go (see `assistant.intake.flow`):
`asked` answers the question just asked; `named` follows the field's name ("email: ...");
`pattern` carries its own unit or shape (an email, "12 people", "$20 an hour", "next fall");
`whole` is a short message that is nothing but another field's value ("hybrid");
`vocab` is a word from a vocabulary found inside a longer message ("marketing", "Calgary")."""


Extraction = Extracted
"""The rules' result is the extractor protocol's: values, how each was found, errors, additions."""


@dataclass
class _Work:
    text: str
    folded: str
    kind: str
    ctx: ParseContext
    out: Extraction = field(default_factory=Extraction)
    claimed: list[tuple[int, int]] = field(default_factory=list)
    origin: Origin = "pattern"

    def free(self, start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in self.claimed)

    def put(
        self,
        name: str,
        raw: object,
        span: tuple[int, int] | None,
        *,
        force: bool = False,
        quiet: bool = False,
    ) -> None:
        """Validate and record a value unless an earlier rule already set it."""
        specs = fields_for(self.kind)
        if name not in specs or (name in self.out.values and not force):
            return
        try:
            self.out.values[name] = specs[name].validate(raw, self.ctx)
            self.out.errors.pop(name, None)
            self.out.sources[name] = self.origin
        except InvalidValue as exc:
            # Loose patterns (names, organizations) that fail are just not matches.
            if not quiet:
                self.out.errors.setdefault(name, str(exc))
            return
        if span:
            self.claimed.append(span)


def _rule_contacts(w: _Work) -> None:
    for m in pat.EMAIL_RE.finditer(w.text):
        w.put("contact_email" if w.kind == "employer" else "email", m.group(0), m.span())
    for m in pat.PHONE_RE.finditer(w.text):
        if w.free(*m.span()):
            w.put("contact_phone", m.group(0), m.span())
    person = find_person_name(w.text)
    if person:
        w.put(
            "contact_name" if w.kind == "employer" else "full_name",
            person.value,
            (person.start, person.end),
            quiet=True,
        )
    if w.kind != "employer":
        return
    org = find_org_after_name(w.text, person) if person else None
    if org and w.free(org.start, org.end):
        w.put("organization_name", org.value, (org.start, org.end), quiet=True)
    # "L'Université de Calgary et SAIT": an institution's own words are not an organization.
    schools = [(h.start, h.end) for h in gz.find_longest(gz.INSTITUTIONS, w.folded)]
    for m in pat.ORG_RE.finditer(w.text):
        if any(m.start("org") < b and a < m.end("org") for a, b in schools):
            continue
        name = re.split(r"\.\s", m.group("org"))[0]
        name = re.sub(r"(?:\s+(?:of|and|de|du|des|la|le|et|&))+$", "", name).rstrip(".")
        # "Boulangerie Chez Lise": a capitalised connector after a capitalised word is in the name.
        if w.text[m.start()].isupper() and re.search(r"[A-ZÀ-Ý][\w'-]*\s+$", w.text[: m.start()]):
            continue
        if len(name) >= 2 and w.free(m.start("org"), m.end("org")) and not place_like(name):
            w.put(
                "organization_name",
                name,
                (m.start("org"), m.start("org") + len(name)),
                quiet=True,
            )
            break


def _rule_numbers(w: _Work) -> None:
    f = w.folded
    for m in pat.WAGE_RE.finditer(f):
        raw: object = m.group("w") or m.group("w2") or m.group("w3")
        if raw is None:
            words = m.group("w4")
            if words.strip() in {"a", "an", "un", "une"} or (value := parse_number(words)) is None:
                continue
            raw = value
        w.put("hourly_wage", raw, m.span())
        w.put("paid", True, None)
    if w.kind == "employer":
        for m in pat.SIZE_RE.finditer(f):
            raw = next(
                g
                for g in (
                    m.group("n"),
                    m.group("n2"),
                    m.group("n3"),
                    m.group("n4"),
                    m.group("n5"),
                    m.group("band"),
                )
                if g
            )
            if w.free(*m.span()) and raw.strip() not in {"a", "an", "un", "une"}:
                # "a 6-person software company": leave "software" for the industry.
                span = m.span("n3") if m.group("n3") else m.span()
                w.put("organization_size", raw.replace(",", ""), span)
        for m in pat.MONTH_RANGE_RE.finditer(f):
            first, last = MONTH_WORDS[m.group("a")], MONTH_WORDS[m.group("b")]
            # Leave the span unclaimed: its first month is also the start term.
            w.put("duration_months", (last - first) % 12 + 1, None)
            w.put("start_term", parse_term(m.group("a"), w.ctx.today), None)
        for m in pat.DURATION_RE.finditer(f):
            if w.free(*m.span()):
                raw = m.group("n") + " months" if m.group("n") else m.group("y") + " year"
                w.put("duration_months", raw, m.span())
        # After the length: "a 4 month placement" is a length, not four students.
        for m in pat.STUDENTS_RE.finditer(f):
            if w.free(*m.span()):
                # Claim only the number: the nouns after it also name the WIL type and program.
                w.put("students_count", m.group(0), m.span("n"))
                break
        for m in pat.PAID_RE.finditer(f):
            w.put("paid", m.group("no") is None, m.span())
    else:
        for m in pat.YEAR_RE.finditer(f):
            w.put("year_of_study", m.group("o") or m.group("c") or m.group("o2"), m.span())
        final = pat.FINAL_YEAR_RE.search(f)
        if final and "year_of_study" not in w.out.values:
            length = pat.PROGRAM_LENGTH_RE.search(f)
            # With the program's length it is a number; without, an error that asks for it.
            raw = f"{final.group(0)} {length.group(0) if length else ''}"
            w.put("year_of_study", raw, final.span())


# "fall, not winter", "l'automne, pas l'hiver", "instead of mru": the value after it is ruled out.
_NEGATION = re.compile(r"(?<![\w])" + RULED_OUT + r"\s*$")


def _negated(w: _Work, start: int) -> bool:
    """Say whether "not"/"pas" rules out the value at start ("Les Petits Pas" is a name)."""
    offset = max(0, start - 20)
    m = _NEGATION.search(w.folded[offset:start])
    return m is not None and not w.text[offset + m.start()].isupper()


def _rule_terms(w: _Work, correcting: bool) -> None:
    hits = [
        h
        for h in find_terms(w.text, w.ctx.today)
        if w.free(h.start, h.end) and not _negated(w, h.start)
    ]
    if hits:
        # "make it fall not summer, we're swamped in july": the term set against another is the
        # one meant; otherwise a correction's last term, an answer's first.
        chosen = [h for h in hits if set_against(w.folded, h.end)]
        hit = chosen[0] if chosen else hits[-1] if correcting else hits[0]
        w.put(
            "start_term" if w.kind == "employer" else "preferred_term",
            hit.value,
            (hit.start, hit.end),
        )


def _rule_consent(w: _Work) -> None:
    m = pat.CONSENT_RE.search(w.folded)
    if m:
        w.put("consent_to_share", m.group("no") is None, m.span())


def _hits(w: _Work, table: gz.Table) -> list[gz.Hit]:
    return [
        h
        for h in gz.find_longest(table, w.folded)
        if w.free(h.start, h.end) and not _negated(w, h.start)
    ]


def _rule_gazetteers(w: _Work, correcting: bool = False) -> None:
    f = w.folded
    outer = w.origin
    w.origin = "vocab" if outer == "pattern" else outer
    try:
        _gazetteers(w, f, correcting)
    finally:
        w.origin = outer


def _gazetteers(w: _Work, f: str, correcting: bool) -> None:
    inst = _hits(w, gz.INSTITUTIONS)
    if w.kind == "student" and inst:
        # "mount royal, en fait non, bow valley": a correction's last institution is the one meant.
        hit = inst[-1] if correcting else inst[0]
        w.put("institution", hit.value, (hit.start, hit.end))
    elif inst:
        w.put("institutions_preferred", [h.value for h in inst], None)
        w.claimed.extend((h.start, h.end) for h in inst)
    wil = [h for h in _hits(w, gz.WIL_TYPES) if h.value != "not_sure"]
    if wil:
        # The most specific phrase wins: "stage ... en alternance travail-études" is a co-op.
        w.put("wil_type", max(wil, key=lambda h: h.end - h.start).value, None)
        w.claimed.extend((h.start, h.end) for h in wil)
    if w.kind == "employer":
        programs = []
        for h in _hits(w, gz.PROGRAM_AREAS):
            after = f[h.end : h.end + 40]
            before = f[max(0, h.start - 40) : h.start]
            # Up to three words between: "computer science or software dev students".
            if re.match(r"\s+(?:[a-z-]+\s+){0,3}?" + pat.STUDENT_NOUN, after) or re.search(
                pat.STUDENT_NOUN + r"\s+(?:(?:in|from|studying|for|en|de|d'|pour)\s*)?$", before
            ):
                programs.append(h)
        if programs:
            w.put("programs_sought", [h.value for h in programs], None)
            w.claimed.extend((h.start, h.end) for h in programs)
        arrangements = _hits(w, gz.WORK_ARRANGEMENTS)
        if arrangements:
            # Judge the whole message: "remote, in the office fridays" is hybrid; unless every
            # arrangement it does not rule out is one ("on site, not hybrid": `_hits` drops "not").
            kinds = {h.value for h in arrangements}
            ruled_out = len(gz.find_longest(gz.WORK_ARRANGEMENTS, f)) > len(arrangements)
            one = len(kinds) == 1 and ruled_out
            w.put("work_arrangement", kinds.pop() if one else w.text, None)
            w.claimed.extend((h.start, h.end) for h in arrangements)
        for table, name in (
            (gz.LOCATIONS, "location"),
            (gz.INDUSTRIES, "industry"),
        ):
            found = _hits(w, table)
            if found:
                w.put(name, found[0].value, (found[0].start, found[0].end))
    else:
        programs = _hits(w, gz.PROGRAM_AREAS)
        if programs:
            best = max(programs, key=lambda h: h.end - h.start)
            w.put("program", w.text[best.start : best.end], (best.start, best.end))
        for table, name in (
            (gz.RESIDENCY, "residency_status"),
            (gz.ENROLLMENT, "enrollment_status"),
        ):
            found = _hits(w, table)
            if found:
                w.put(name, found[0].value, (found[0].start, found[0].end))
        abbr = pat.ENROLL_ABBR_RE.search(f) or (
            (pat.YEAR_RE.search(f) or inst) and pat.ENROLL_ITEM_RE.search(f)
        )
        if abbr:
            full = abbr.group(abbr.lastgroup or 0).startswith("f")
            w.put("enrollment_status", "full_time" if full else "part_time", abbr.span())
        m = pat.INTEREST_RE.search(f)
        if m:
            w.put("interests", w.text[m.start("x") : m.end("x")], m.span("x"))
    if w.kind == "employer":
        m = pat.ROLE_RE.search(f)
        # "looking for a co-op student" names the WIL type and people, not a role.
        if m and m.group("z") and re.search(pat.PERSON_NOUN + r"|co-?op|stage", m.group("z")):
            m = None
        if m:
            group = next(g for g in ("x", "y", "z") if m.group(g))
            w.origin = "pattern"  # "as a junior developer", "the role is ...": the role is named
            w.put("role_title", w.text[m.start(group) : m.end(group)], m.span(group))


@cache
def _edit_pattern(kind: str) -> re.Pattern[str]:
    aliases = sorted(
        {gz.fold(a) for spec in fields_for(kind).values() for a in (*spec.aliases, spec.name)},
        key=len,
        reverse=True,
    )
    alt = "|".join(re.escape(a) for a in aliases)
    own = r"(?:the |my |our |your |le |la |l'|les |mon |ma |mes |notre |nos |votre )?"
    return re.compile(
        r"(?:change|update|set|correct|fix|make|modify|replace|changer|changez|modifier|modifiez|"
        r"mettre|mettez|corriger|corrigez|remplacer|remplacez)\s+"
        + own
        + r"(?P<alias>"
        + alias_group(alt)
        + r")\s+(?:to|=|:|for|with|a|en|pour|par|avec)\s+(?P<value>.+)"
        r"|"
        + own
        + r"(?P<alias2>"
        + alias_group(alt)
        + r")(?:\s*:|\s+(?:is|should be|est|devrait etre|sera))\s+"
        r"(?:actually\s+|plutot\s+|en fait\s+|now\s+)?(?P<value2>.+)"
    )


def alias_group(alternatives: str) -> str:
    """Return a regex group matching any of the alternatives as whole words."""
    return r"(?<![\w])(?:" + alternatives + r")(?![\w])"


def _field_for_alias(kind: str, alias: str) -> FieldSpec | None:
    for spec in fields_for(kind).values():
        if alias in {gz.fold(a) for a in (*spec.aliases, spec.name)}:
            return spec
    return None


def _rule_edit(w: _Work, correcting: bool) -> None:
    m = _edit_pattern(w.kind).search(w.folded)
    # "Programs: computer science" names its field as a form does; "the role is ..." only counts
    # as a change when the message corrects something.
    labelled = m is not None and w.folded[m.end("alias2") : m.start("value2")].strip() == ":"
    if not m or (m.group("alias2") and not correcting and not labelled):
        return
    alias = m.group("alias") or m.group("alias2")
    group = "value" if m.group("value") else "value2"
    spec = _field_for_alias(w.kind, alias)
    if spec is None:
        return
    raw = w.text[m.start(group) : m.end(group)].strip(" .!")
    if labelled:
        raw = re.split(r"[.;!?]\s|\n", raw)[0]  # "Job title: IT tech. Pay is 20/hr"
    w.origin = "named"
    w.put(spec.name, raw, m.span(), force=True)
    w.origin = "pattern"
    if labelled and spec.type == "list" and spec.name in w.out.values:
        w.out.adding.add(
            spec.name
        )  # a form-like "Programs: X" adds; "change programs to X" replaces


# Claimed spans become commas, squeezed into one; a decimal comma ("17,50 $") is kept as it is.
_COMMAS = re.compile(r"\s*(?<!\d),[\s,]*|(?<=\d),(?!\d)[\s,]*|\s+,[\s,]*")


def _remaining(w: _Work) -> str:
    chars = list(w.text)
    for start, end in w.claimed:
        for i in range(start, min(end, len(chars))):
            chars[i] = ","
    return _COMMAS.sub(", ", "".join(chars)).strip(" ,;.!")


def _answer_asked(w: _Work, spec: FieldSpec, correcting: bool) -> None:
    if spec.name in w.out.values:
        return
    rest = _remaining(w)
    if correcting and w.out.values:
        return
    if (spec.type == "boolean" or spec.name == "institutions_preferred") and rest:
        try:
            w.out.values[spec.name] = spec.validate(rest, w.ctx)
            return
        except InvalidValue:
            pass
    if pat.FILLER.match(rest):
        if not w.out.values:
            w.out.errors[spec.name] = "empty"
        return
    if (
        looks_like_question(rest)
        and not is_answer_like(rest)
        and spec.type not in {"integer", "boolean", "term"}
    ):
        return
    dont_know = re.search(r"(?i)\b(?:i don'?t know|no idea|je ne sais pas|aucune idee)\b", rest)
    # "not sure" is itself a valid WIL type; anywhere else a skip leaves the field empty.
    if (is_skip(rest) or dont_know) and spec.name != "wil_type":
        w.out.errors[spec.name] = "skipped"
        return
    if spec.free_text and spec.type == "text" and spec.name != "role_description":
        rest = re.split(r"[,;!?]|\.(?:\s|$)", rest)[0]
    try:
        w.out.values[spec.name] = spec.validate(rest if spec.free_text else rest or w.text, w.ctx)
    except InvalidValue as exc:
        w.out.errors[spec.name] = str(exc)
        if spec.name == "industry" and str(exc).startswith("a role"):
            w.origin = "whole"
            w.put("role_title", rest, None, quiet=True)  # a job title answers the role instead


# Vocabularies whose phrases alone never make a business name or a description; a role title
# may be "Intern" or "Co-op student", so WIL types do not count against it.
_NEVER_FREE_TEXT = (gz.WORK_ARRANGEMENTS, gz.WIL_TYPES, gz.RESIDENCY, gz.ENROLLMENT)
_NEVER_A_ROLE = (gz.WORK_ARRANGEMENTS, gz.RESIDENCY, gz.ENROLLMENT)
_FILLER = {
    "en", "a", "an", "in", "on", "the", "its", "it's", "it", "will", "be", "c'est", "cest", "ce",
    "sera", "du", "de", "le", "la", "mostly", "fully", "surtout", "plutot", "mode", "mainly",
}  # fmt: skip


def _answers_elsewhere(folded: str, asked: str) -> bool:
    """Say whether a short answer only gives another field's closed-vocabulary value."""
    if len(folded.split()) > 4:
        return False
    left = list(folded)
    hits = 0
    for table in _NEVER_A_ROLE if asked == "role_title" else _NEVER_FREE_TEXT:
        for hit in gz.find_longest(table, folded):
            hits += 1
            left[hit.start : hit.end] = " " * (hit.end - hit.start)
    rest = re.findall(r"[\w']+", "".join(left))
    return hits > 0 and all(word in _FILLER for word in rest)


_ALL_VOCABULARIES = (
    gz.INSTITUTIONS,
    gz.WIL_TYPES,
    gz.PROGRAM_AREAS,
    gz.WORK_ARRANGEMENTS,
    gz.LOCATIONS,
    gz.INDUSTRIES,
    gz.RESIDENCY,
    gz.ENROLLMENT,
)
WHOLE_VALUE_WORDS = 5  # a message this short or shorter may be nothing but a value


def _only_vocabulary(folded: str) -> bool:
    """Say whether a short message is made only of vocabulary values (and filler words)."""
    if len(folded.split()) > WHOLE_VALUE_WORDS:
        return False
    left = list(folded)
    hits = 0
    for table in _ALL_VOCABULARIES:
        for hit in gz.find_longest(table, folded):
            hits += 1
            left[hit.start : hit.end] = " " * (hit.end - hit.start)
    rest = re.findall(r"[\w']+", "".join(left))
    return hits > 0 and all(word in _FILLER for word in rest)


def keep_known_names(
    found: Extraction, fields: dict[str, Any], asking: str | None, text: str
) -> None:
    """Drop a new name that would replace a known one unless asked for or corrected."""
    for name in ("full_name", "contact_name"):
        known = fields.get(name) and asking != name
        # A name the message names ("my name is spelled Dakotah") is a change, cue or not.
        named = found.sources.get(name) == "named"
        if name in found.values and known and not has_correction_cue(text) and not named:
            found.values.pop(name)


def extract_fields(
    kind: str,
    text: str,
    *,
    asking: str | None,
    today: date,
    locale: str,
    correcting: bool | None = None,
) -> Extraction:
    """Extract every field value the message gives, reading bare answers as the asked field.

    `correcting` says the message corrects the form (the intent router's decision); left None,
    the message's own wording decides.
    """
    text = blank_questions(text)  # "do I need to be full time?" asks; it does not answer
    asked_email = asking in {"email", "contact_email"}
    text = pat.spaced_email(text, asked=asked_email)  # "annesophie.bc @ hotmail.com"
    if asked_email:
        text = pat.spelled_email(text)  # "priya dot patel at ucalgary dot ca"
    # "60ish" is 60; blanks keep the folded text aligned with the original.
    folded = re.sub(r"(?<=\d)-?ish\b", lambda m: " " * len(m.group(0)), gz.fold(text))
    work = _Work(text=text, folded=folded, kind=kind, ctx=ParseContext(today=today, locale=locale))
    specs = fields_for(kind)
    asked = specs.get(asking) if asking else None
    if correcting is None:
        correcting = has_correction_cue(text)
    _rule_edit(work, correcting)
    _rule_contacts(work)
    _rule_numbers(work)
    _rule_terms(work, correcting)
    _rule_consent(work)
    # A free-text answer ("Prairie Robotics", "Junior developer") would trip the vocabularies,
    # so they only run on it when the person signals a correction.
    if asked is None or not asked.free_text or correcting:
        _rule_gazetteers(work, correcting)
    if (
        asked is not None
        and asked.free_text
        and not correcting
        and _answers_elsewhere(folded, asked.name)
    ):
        # "hybride" asked for a role title, "remote" for a business name: the person answered
        # another question; fill that one and ask again for this one.
        work.origin = "whole"
        _rule_gazetteers(work)
        work.out.errors[asked.name] = "an answer to another question"
    elif asked is not None:
        _answer_asked(work, asked, correcting)
        # An off-topic answer ("Construction" for a name) may still fill the field it belongs to.
        if asked.free_text and asked.name in work.out.errors and not work.out.values:
            work.origin = "whole" if len(folded.split()) <= 3 else "vocab"
            _rule_gazetteers(work)
        if asked.name in work.out.values:
            work.out.sources.setdefault(asked.name, "asked")
        elif _only_vocabulary(folded):
            # "temps plein" asked for the institution: the whole message is another field's
            # value, so it goes there (and the institution is asked again).
            for name, origin in list(work.out.sources.items()):
                if origin == "vocab":
                    work.out.sources[name] = "whole"
    return work.out
