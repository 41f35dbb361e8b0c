"""The intake conversation: fill a form from free text, one question at a time, then confirm."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field

from assistant.intake import messages as m
from assistant.intake.cues import is_bare_yes_no, is_delete_request, looks_like_question
from assistant.intake.eligibility import Guidance, prescreen
from assistant.intake.extract import Extraction, extract_fields, keep_known_names
from assistant.intake.gazetteers import fold
from assistant.intake.numbers import numbers_in
from assistant.intake.questions import blank_questions
from assistant.intake.repair import decide
from assistant.intake.routing import route_intake
from assistant.intake.schemas import Kind, fields_for, lang
from assistant.intake.status import IntakeStatus
from assistant.intake.validators import InvalidValue, ParseContext
from assistant.understanding.protocols import Decision, IntentRouter

logger = logging.getLogger(__name__)

Status = IntakeStatus
Outcome = Literal["asking", "confirming", "submitted", "cancelled", "question", "consent_refused"]
LlmExtract = Callable[[str, str, str | None, str], dict[str, Any]]
Source = dict[str, Any] | None

__all__ = [
    "IntakeClosedError",
    "IntakeState",
    "IntakeStep",
    "continue_intake",
    "detect_intake_start",
    "is_delete_request",
    "resume_prompt",
    "resume_step",
    "start_intake",
    "summary",
]


class IntakeClosedError(ValueError):
    """Raised when a submitted or cancelled intake is continued."""


class IntakeState(BaseModel):
    """A draft intake: what is filled, what is being asked, and where it stands."""

    id: str | None = None
    kind: Kind
    status: Status = "collecting"
    fields: dict[str, Any] = Field(default_factory=dict)
    asking: str | None = None
    invalid: dict[str, str] = Field(default_factory=dict)
    asked: list[str] = Field(default_factory=list)
    # Where each value came from: the message's text and, when the dialogue knows them, its id,
    # time and who gave it (the person, or a liaison completing the draft).
    sources: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # A value that fits two fields, waiting for the person to say which: {value, fields, text}.
    clarify: dict[str, Any] | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def missing(self) -> list[str]:
        """Return required field names still empty, in asking order."""
        return [
            name
            for name, spec in fields_for(self.kind).items()
            if spec.required and self.fields.get(name) is None
        ]

    def public(self) -> dict[str, Any]:
        """Return the contract view: id, kind, status, filled fields, missing, asking."""
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "fields": {k: v for k, v in self.fields.items() if v is not None},
            "missing": self.missing,
            "asking": self.asking,
            "sources": {k: v for k, v in self.sources.items() if self.fields.get(k) is not None},
        }


class IntakeStep(BaseModel):
    """What one turn produced: the new state, what to say, quick replies and the outcome."""

    state: IntakeState
    reply: str
    suggestions: list[str] = Field(default_factory=list)
    outcome: Outcome
    guidance: list[Guidance] = Field(default_factory=list)


_EMPLOYER_START = re.compile(
    r"(?:host|hire|hiring|take on|recruit|offer|onboard|bring on|accueillir|embaucher|recruter|"
    r"offrir|engager|prendre)\s+(?:(?:an?|one|some|\d+|a few|des|un|une|deux|trois|quelques|"
    r"our first|notre premier)\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:students?|interns?|co-?op students?|stagiaires?|etudiante?s?|apprentie?s?|placements?|"
    r"internships?|co-?op)"
    r"|(?:looking for|need|want|cherchons|cherche|besoin d'|voulons)\s+(?:an?|some|\d+|un|une|des)?\s*"
    r"(?:[\w-]+\s+){0,2}?(?:students?|interns?|stagiaires?|etudiante?s?)(?![\w])"
    r"|^(?:host a student|accueillir un stagiaire|i'?m an employer|je suis (?:un )?employeur)"
)
_STUDENT_START = re.compile(
    r"(?:looking for|find|get|need|want|searching for|apply for|cherche|trouver|obtenir|"
    r"besoin d'|veux|voudrais|aimerais)\s+(?:an?|un|une|my|mon|ma)?\s*(?:[\w-]+\s+){0,2}?"
    r"(?:co-?op|internship|placement|practicum|stage|work term|work placement|apprenticeship)s?"
    r"(?!\s+students?)(?![\w])"
    r"|^(?:find a placement|trouver un stage|i'?m a student looking|je suis (?:un |une )?etudiante?)"
)
_DESIRE = re.compile(
    r"(?:we'?d like|i'?d like|we would like|i would like|we want|i want|we'?re looking|"
    r"i'?m looking|looking to|looking for|we need|i need|hoping to|interested in|plan to|"
    r"nous aimerions|j'aimerais|nous voulons|je veux|je voudrais|on veut|je cherche|"
    r"nous cherchons|on cherche|nous souhaitons|je souhaite|besoin)"
)


# The quick-reply chips and bare self-introductions start an intake on their own.
_CHIP = re.compile(
    r"^(?:(?:yes|oui)[\s,!.]*)?(?:i'?m a student|i am a student|je suis (?:un |une )?etudiante?|"
    r"(?:help me |aidez-moi a |aide-moi a )?(?:find|trouver) (?:a|an|un|une) "
    r"(?:placement|stage|co-?op|internship)|host a student|accueillir un stagiaire)[\s!.]*$"
)
# Intent expressed by the person ("I want to...", "can you help me find...") at the head of a clause,
# not a "need" inside a question ("what GPA do I need for co-op?").
_INTENT_LEAD = re.compile(
    r"(?:^|[.!?;:,]\s*|\s[-\u2013\u2014]\s|\b(?:and|but|so|then|et|mais|donc|alors)\s+)"
    r"(?:(?:hi|hello|bonjour|please|svp|yes|oui)[\s,!]+)*(?:" + _DESIRE.pattern + r")"
    r"|\b(?:help (?:me|us)|m'aider a|nous aider a|aidez-(?:moi|nous) a|aide-moi a)\s+"
    r"(?:find|get|host|hire|apply|trouver|obtenir|accueillir|embaucher|postuler)"
)
# Asking about eligibility, requirements or process is a question to answer, not a request to apply.
_REQUIREMENTS = re.compile(
    r"\b(?:gpa|grades?|average|requirements?|required|requis|eligib\w*|qualif\w*|criteria|"
    r"prerequisites?|deadlines?|moyenne|notes?|exigences?|admissib\w*|criteres?|conditions?|"
    r"date limite)\b"
)


# "2 engineering co-op students next summer": a head count of students the person wants, stated
# as a fact rather than a wish. With an introduction, contact details or a start date beside it,
# it is an employer's offer ("I'm Dana from Prairie Robotics, 25 people in Calgary, 2 ...").
_STUDENT_COUNT = re.compile(
    r"\b(?:\d{1,3}|one|two|three|four|five|six|a couple of|a few|un|une|deux|trois|quatre|cinq|"
    r"quelques)\s+(?:[\w-]+\s+){0,2}?(?:co-?op\s+|summer\s+|d'ete\s+)?"
    r"(?:students?|interns?|stagiaires?|etudiante?s?|apprentie?s?|co-?ops?)(?![\w-])"
)
_OFFER_CONTEXT = re.compile(
    r"@|\b(?:i'?m|i am|this is|my name|je m'appelle|je suis|moi c'est|ici)\s+\w"
    r"|\b(?:next|this|coming)\s+(?:summer|fall|autumn|winter|spring|term|year)\b"
    r"|\b(?:l'ete|l'automne|l'hiver|le printemps|la session) (?:prochaine?|qui vient)\b"
    r"|\b(?:starting|from|in|des|en|a partir de)\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|"
    r"nov|dec|janv|fev|mars|avr|mai|juin|juil|aout)\w*"
)

_ALREADY = re.compile(
    r"\b(?:already|currently|right now|last (?:summer|fall|winter|spring|year|term)|hired|had|"
    r"deja|actuellement|l'ete dernier|l'annee derniere|l'automne dernier|l'hiver dernier|"
    r"embauche|(?:on a|avons|j'ai|ai) eu)\b"
)


def _states_an_offer(folded: str) -> bool:
    """Say whether a statement gives a number of students wanted alongside who or when."""
    if _ALREADY.search(folded):
        return False  # "I'm Lee, we already have 2 co-op students": not a new request
    return bool(_STUDENT_COUNT.search(folded) and _OFFER_CONTEXT.search(folded))


def detect_intake_start(text: str) -> Literal["employer", "student"] | None:
    """Return which intake the person wants to start, or None if they are not starting one.

    Expressed intent starts one ("I want to apply for co-op", "je cherche un stage", a chip); a
    question about eligibility, requirements or process does not ("what GPA do I need for co-op?").
    """
    folded = re.sub(r"\s+", " ", fold(text)).strip()
    if _CHIP.match(folded):
        return "employer" if re.search(r"host|accueillir", folded) else "student"
    if not _INTENT_LEAD.search(folded) and (
        looks_like_question(folded) or _REQUIREMENTS.search(folded)
    ):
        return None
    if _EMPLOYER_START.search(folded):
        return "employer"
    if _STUDENT_START.search(folded):
        return "student"
    if not looks_like_question(folded) and _states_an_offer(folded):
        return "employer"
    return None


def _question(state: IntakeState, name: str, locale: str, *, reask: bool) -> str:
    spec = fields_for(state.kind)[name]
    specific = m.reask_for(name, state.invalid.get(name, ""), locale) if reask else None
    text = specific or spec.text("reask" if reask else "question", locale)
    why = spec.why(locale)
    return f"{text} {why}" if why and not reask else text


def _suggest(state: IntakeState, name: str, locale: str) -> list[str]:
    return list(fields_for(state.kind)[name].suggestions.get(lang(locale), ()))


def _noted(state: IntakeState, values: dict[str, Any], locale: str) -> str:
    specs = fields_for(state.kind)
    items = [
        f"{specs[k].text('label', locale)}: {m.format_value(specs[k], v, locale)}"
        for k, v in values.items()
        if k in specs and k != "consent_to_share"
    ]
    return m.say("noted", locale, items="; ".join(items)) if items else ""


def summary(state: IntakeState, locale: str) -> str:
    """Return a readable summary of the filled fields, the optional ones left, and the next step."""
    specs = fields_for(state.kind)
    lines = [m.say("summary_head", locale)]
    for name, spec in specs.items():
        value = state.fields.get(name)
        if value is not None:
            lines.append(f"- {spec.text('label', locale)}: {m.format_value(spec, value, locale)}")
    optional = [
        spec.text("label", locale)
        for name, spec in specs.items()
        if not spec.required and state.fields.get(name) is None
    ]
    if optional:
        lines.append(m.say("optional", locale, labels=", ".join(optional)))
    lines.append(m.say("confirm", locale))
    return "\n".join(lines)


def resume_step(state: IntakeState, locale: str) -> IntakeStep:
    """Return the step that takes a paused form up again: its pending question, asked again."""
    return _resume(state.model_copy(deep=True), locale)


def resume_prompt(state: IntakeState, locale: str) -> str:
    """Return the pending question again, to follow an answer given in the middle of the intake."""
    if state.status == "confirming":
        return m.say("resume", locale, prompt=m.say("confirm", locale))
    if state.status == "collecting" and state.asking:
        reask = state.asking in state.invalid
        return m.say("resume", locale, prompt=_question(state, state.asking, locale, reask=reask))
    return ""


def _merge_llm(
    state: IntakeState,
    text: str,
    found: Extraction,
    locale: str,
    today: date,
    llm_extract: LlmExtract | None,
) -> None:
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


def _step(
    state: IntakeState,
    reply: str,
    outcome: Outcome,
    sugg: list[str] | None = None,
    guidance: list[Guidance] | None = None,
) -> IntakeStep:
    return IntakeStep(
        state=state, reply=reply, suggestions=sugg or [], outcome=outcome, guidance=guidance or []
    )


def _cancel(state: IntakeState, locale: str) -> IntakeStep:
    new = state.model_copy(
        update={"status": "cancelled", "fields": {}, "asking": None, "invalid": {}}
    )
    return _step(new, m.say("cancelled", locale), "cancelled")


def _refuse(state: IntakeState, lead: str, locale: str) -> IntakeStep:
    new = state.model_copy(update={"status": "cancelled", "asking": None})
    reply = " ".join(p for p in (lead, m.say("consent_refused", locale)) if p)
    return _step(new, reply, "consent_refused", m.suggestions("consent_refused", locale))


def _confirming(state: IntakeState, lead: str, locale: str) -> IntakeStep:
    state.status, state.asking = "confirming", None
    guidance = prescreen(state.fields, locale) if state.kind == "student" else []
    parts = [lead] if lead else []
    if guidance:
        parts.append(
            "\n".join([m.say("guidance_head", locale), *(f"- {g.text}" for g in guidance)])
        )
    # The summary itself is the confirmation card (the turn's `intake.summary`); the text says one line.
    parts.append(m.say("review", locale))
    return _step(
        state, "\n\n".join(parts), "confirming", m.suggestions("confirm", locale), guidance
    )


def _ask_next(state: IntakeState, lead: str, locale: str) -> IntakeStep:
    # Like a liaison: an unclear answer to the question just asked is asked again at once; an
    # unclear detail volunteered earlier ("final year" in the opener) waits for its turn in the
    # form's order, then gets its specific re-ask.
    missing = state.missing
    if not missing:
        return _confirming(state, lead, locale)
    redo = state.asking in state.invalid and state.asking in missing
    name = state.asking if redo and state.asking else missing[0]
    reask = name in state.invalid
    state.status, state.asking = "collecting", name
    state.asked.append(name)
    question = _question(state, name, locale, reask=reask)
    reply = f"{lead}\n\n{question}" if lead else question
    return _step(state, reply, "asking", _suggest(state, name, locale))


SOURCE_CHARS = 300  # the start of the message a value came from, kept beside the value


def _apply(state: IntakeState, found: Extraction, text: str = "", source: Source = None) -> None:
    for name, value in found.values.items():
        state.fields[name] = value
        state.invalid.pop(name, None)
        if text:
            state.sources[name] = {"text": text[:SOURCE_CHARS], **(source or {})}
    for name, error in found.errors.items():
        if name in found.values or error == "empty":
            continue
        if name == state.asking and found.values:
            continue  # they answered something else; ask again plainly rather than scold
        if error == "skipped" and not fields_for(state.kind)[name].required:
            state.asking = None
            continue
        state.invalid[name] = error


def _named_field(state: IntakeState, text: str) -> str | None:
    folded = fold(text).strip(" .!?")
    folded = re.sub(
        r"^(?:change|edit|modify|fix|add|modifier|changer|corriger|ajouter)\s+", "", folded
    )
    folded = re.sub(r"^(?:the|my|our|le|la|l'|mon|ma|notre)\s*", "", folded)
    for name, spec in fields_for(state.kind).items():
        if folded in {fold(a) for a in (*spec.aliases, spec.name)}:
            return name
    return None


def _place(state: IntakeState, found: Extraction, *, correcting: bool) -> None:
    """Keep only the values that belong where they would go; drop the rest.

    A value goes to the field just asked, to a field the message names ("email: ..."), or to a
    field its own shape names ("12 people", "$20 an hour", an email) when that field is empty or
    being corrected. A vocabulary word inside a longer answer ("marketing", "Calgary") fills an
    empty field only when the message also answered the question asked; it never replaces a value.
    At the summary a correction may change any field: the summary is shown again before submitting.
    """
    answered = state.asking is not None and state.asking in found.values
    for name in list(found.values):
        origin = found.origins.get(name, "vocab")
        known = state.fields.get(name) is not None
        if name == state.asking or origin in ("named", "whole", "asked"):
            continue
        if correcting and state.status == "confirming":
            continue
        if origin == "pattern" and (not known or correcting):
            continue
        if origin == "vocab" and not known and answered:
            continue
        logger.debug("dropped %s: not asked, not named (%s)", name, origin)
        found.values.pop(name)
        found.origins.pop(name, None)


def _extract(
    state: IntakeState,
    text: str,
    locale: str,
    today: date,
    llm_extract: LlmExtract | None,
    *,
    correcting: bool | None,
) -> Extraction:
    found = extract_fields(
        state.kind, text, asking=state.asking, today=today, locale=locale, correcting=correcting
    )
    _merge_llm(state, text, found, locale, today, llm_extract)
    keep_known_names(found, state.fields, state.asking, text)
    return found


def _changes(state: IntakeState, found: Extraction) -> dict[str, Any]:
    """Return the extracted values that differ from what the form already holds."""
    return {k: v for k, v in found.values.items() if state.fields.get(k) != v}


def _collect(
    state: IntakeState,
    text: str,
    locale: str,
    today: date,
    llm_extract: LlmExtract | None,
    decision: Decision,
    source: Source = None,
) -> IntakeStep:
    correcting = True if decision.label == "correct" else None
    if decision.label == "correct" and state.status == "confirming":
        found = _correction(state, text, locale, today, llm_extract)
    else:
        found = _extract(state, text, locale, today, llm_extract, correcting=correcting)
    yes_no = decision.label in ("confirm", "deny") or is_bare_yes_no(text)
    if yes_no and state.asking:
        spec = fields_for(state.kind)[state.asking]
        if spec.type in ("text", "list") and found.origins.get(state.asking) == "asked":
            # "yes, submit" asked for a role title is no role title: a yes/no is never a text value.
            found.values.pop(state.asking, None)
            found.errors.pop(state.asking, None)
    _place(state, found, correcting=decision.label == "correct")
    if state.status == "confirming" and not found.values and decision.label != "question":
        clarified = _clarify_number(state, text, locale, today, source)
        if clarified is not None:
            return clarified
    answered = state.asking in found.values if state.asking else bool(found.values)
    # A question is answered by the engine, never taken as the value it names ("do I need to be
    # full time?"); anything the rest of the message gives is still kept.
    if decision.label == "question" or (looks_like_question(text) and not answered):
        if not found.values:
            return _as_question(state, locale)
        step = _collect_values(state, found, text, locale, "", source)
        if step.outcome in {"asking", "confirming"}:
            return _as_question(step.state, locale)
        return step
    return _collect_values(state, found, text, locale, "", source)


def _fits(spec: Any, value: float, today: date, locale: str) -> bool:
    try:
        spec.validate(value if spec.type == "number" else int(value), ParseContext(today, locale))
    except (InvalidValue, ValueError, TypeError):
        return False
    return value == int(value) or spec.type == "number"


def _new_number(state: IntakeState, text: str, today: date, locale: str) -> bool:
    """Say whether the message carries a number some filled field could take instead of its own.

    A safety net under the router: "mettez 30" read as a yes must not submit the form unchanged.
    """
    for value in numbers_in(fold(text)):
        for name, spec in fields_for(state.kind).items():
            current = state.fields.get(name)
            numeric = spec.type in ("integer", "number") and current is not None
            if numeric and current != value and _fits(spec, value, today, locale):
                return True
    return False


def _clarify_number(
    state: IntakeState, text: str, locale: str, today: date, source: Source
) -> IntakeStep | None:
    """A bare number at the summary ("make it 8"): change the one filled field it fits, or ask which.

    "Did you mean the students or the length?" is asked only when it fits two filled fields; the
    person's next message names one (or taps its label).
    """
    numbers = numbers_in(fold(text))
    if len(numbers) != 1:
        return None
    value = numbers[0]
    specs = fields_for(state.kind)
    fits = [
        name
        for name, spec in specs.items()
        if spec.type in ("integer", "number")
        and state.fields.get(name) is not None
        and _fits(spec, value, today, locale)
    ]
    if not fits:
        return None
    if len(fits) == 1:
        found = Extraction(
            values={fits[0]: specs[fits[0]].validate(value, ParseContext(today, locale))}
        )
        found.origins[fits[0]] = "named"
        return _collect_values(state, found, text, locale, "", source)
    state.clarify = {"value": value, "fields": fits, "text": text[:SOURCE_CHARS]}
    labels = [specs[name].text("label", locale) for name in fits]
    return _step(
        state,
        m.say("clarify", locale, first=", ".join(labels[:-1]), last=labels[-1]),
        "confirming",
        labels,
    )


def _clarified(
    state: IntakeState, text: str, locale: str, today: date, source: Source
) -> IntakeStep | None:
    """Apply a value waiting for its field once the message names one of the fields offered."""
    pending = state.clarify or {}
    state.clarify = None
    folded = fold(text).strip(" .!?")
    specs = fields_for(state.kind)
    for name in pending.get("fields", []):
        spec = specs[name]
        names = {fold(spec.text("label", lang_)) for lang_ in ("en", "fr")}
        names |= {fold(a) for a in (*spec.aliases, spec.name)}
        if folded in names or _named_field(state, text) == name:
            value = spec.validate(pending["value"], ParseContext(today, locale))
            found = Extraction(values={name: value}, origins={name: "named"})
            return _collect_values(
                state, found, str(pending.get("text") or text), locale, "", source
            )
    return None


def _correction(
    state: IntakeState, text: str, locale: str, today: date, llm_extract: LlmExtract | None
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
        found = _extract(state, plain, locale, today, llm_extract, correcting=True)
        for name, value in found.values.items():
            if name not in merged.values:
                merged.values[name] = value
                merged.origins[name] = found.origins.get(name, "named")
        for name, error in found.errors.items():
            merged.errors.setdefault(name, error)
    return merged


def _as_question(state: IntakeState, locale: str) -> IntakeStep:
    sugg = (
        _suggest(state, state.asking, locale)
        if state.status == "collecting" and state.asking
        else []
    )
    if state.status == "confirming":
        sugg = m.suggestions("confirm", locale)
    return _step(state, resume_prompt(state, locale), "question", sugg)


def _resume(state: IntakeState, locale: str) -> IntakeStep:
    """Ask the pending question again (or show the summary's prompt) after a pause."""
    step = _as_question(state, locale)
    step.outcome = "confirming" if state.status == "confirming" else "asking"
    return step


def _collect_values(
    state: IntakeState, found: Extraction, text: str, locale: str, lead: str, source: Source = None
) -> IntakeStep:
    was_confirming = state.status == "confirming"
    _apply(state, found, text, source)
    noted = _noted(state, found.values, locale)
    lead = " ".join(p for p in (lead, noted) if p)
    if found.values.get("consent_to_share") is False:
        return _refuse(state, lead, locale)
    if was_confirming and not found.values:
        target = _named_field(state, text)
        if target:
            state.status, state.asking = "collecting", target
            state.asked.append(target)
            reply = _question(state, target, locale, reask=False)
            return _step(state, reply, "asking", _suggest(state, target, locale))
        return _step(
            state, m.say("what_to_change", locale), "confirming", m.suggestions("confirm", locale)
        )
    if was_confirming and not state.invalid:
        lead = " ".join(p for p in (m.say("updated", locale), noted) if p)
    return _ask_next(state, lead, locale)


def start_intake(
    kind: Kind,
    text: str,
    *,
    locale: str,
    today: date,
    llm_extract: LlmExtract | None = None,
    source: Source = None,
) -> IntakeStep:
    """Start an intake from the opening message, filling every field it already gives."""
    state = IntakeState(kind=kind)
    found = extract_fields(kind, text, asking=None, today=today, locale=locale)
    _merge_llm(state, text, found, locale, today, llm_extract)
    _apply(state, found, text, source)
    intro = m.say(f"start_{kind}", locale)
    lead = " ".join(p for p in (intro, _noted(state, found.values, locale)) if p)
    if found.values.get("consent_to_share") is False:
        return _refuse(state, lead, locale)
    return _ask_next(state, lead, locale)


def continue_intake(
    state: IntakeState,
    text: str,
    *,
    locale: str,
    today: date,
    llm_extract: LlmExtract | None = None,
    router: IntentRouter | None = None,
    source: Source = None,
    paused: bool = False,
) -> IntakeStep:
    """Take the person's next message: answer, correction, question, cancel or confirmation.

    `paused` says the form was left open while a liaison held the conversation: the first message
    back is first read as the conversation stands (nothing asked), so "continue my offer" takes
    the form up again instead of answering its question.

    What the message does at this step (confirm, deny, correct, cancel, question, answer) is the
    intent router's decision, the form's buttons being the exact fast path (`repair.decide`).
    """
    if state.status in {"submitted", "cancelled"}:
        raise IntakeClosedError(f"intake is {state.status}")
    current = state.model_copy(deep=True)
    if current.clarify:
        clarified = _clarified(current, text, locale, today, source)
        if clarified is not None:
            return clarified
    confirming = current.status == "confirming"
    if paused:
        back = decide(router, text, step="idle", locale=locale, kind=current.kind, asked_field=None)
        if back.label == "resume":
            return _resume(current, locale)
    decision = decide(
        router,
        text,
        step="confirming" if confirming else "asked_field",
        locale=locale,
        kind=current.kind,
        asked_field=current.asking,
    )
    logger.debug("intake step %s: %s (%s)", current.status, decision.label, decision.source)
    if decision.label == "cancel" or is_delete_request(text):
        return _cancel(current, locale)
    if confirming and decision.label == "confirm":
        # A yes that also changes something ("yes, but the email is ...") is a change: the person
        # sees the updated summary before anything is sent.
        found = _correction(current, text, locale, today, llm_extract)
        if not _changes(current, found) and not _new_number(current, text, today, locale):
            return _submit(current, locale)
        decision = Decision("correct", decision.confidence, decision.source)
    if decision.label == "resume":
        # "Continue my offer": take the form up where it stopped. A value the message names or
        # shapes ("...it's 3 students now") is kept; its words are no answer to the question asked.
        found = _extract(current, text, locale, today, llm_extract, correcting=None)
        for name in list(found.values):
            if found.origins.get(name) not in ("named", "pattern"):
                found.values.pop(name)
        found.errors.clear()
        if _changes(current, found):
            return _collect_values(current, found, text, locale, "", source)
        return _resume(current, locale)
    if confirming and decision.label == "deny":
        return _step(
            current, m.say("what_to_change", locale), "confirming", m.suggestions("confirm", locale)
        )
    return _collect(current, text, locale, today, llm_extract, decision, source)


def _submit(state: IntakeState, locale: str) -> IntakeStep:
    if state.fields.get("consent_to_share") is not True:
        return _refuse(state, "", locale)
    state.status, state.asking = "submitted", None
    routed = route_intake(state.kind, state.fields)
    where = ", ".join(m.institution_name(i) for i in routed) or m.say(
        "submitted_secretariat", locale
    )
    return _step(state, m.say("submitted", locale, where=where), "submitted")
