"""The intake conversation: fill a form from free text, one question at a time, then confirm."""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

from assistant.intake import messages as m
from assistant.intake.cues import is_bare_yes_no, is_delete_request, looks_like_question
from assistant.intake.eligibility import Guidance, prescreen
from assistant.intake.extract import Extraction
from assistant.intake.extractor import default_field_extractor
from assistant.intake.gazetteers import fold
from assistant.intake.numbers import numbers_in
from assistant.intake.reading import (
    changes,
    fits,
    merge_llm,
    new_number,
    place,
    read_correction,
    read_values,
)
from assistant.intake.repair import decide
from assistant.intake.routing import route_intake
from assistant.intake.schemas import Kind, fields_for, lang
from assistant.intake.start import detect_intake_start
from assistant.intake.state import (
    IntakeClosedError,
    IntakeState,
    IntakeStep,
    LlmExtract,
    Outcome,
    Source,
)
from assistant.intake.validators import ParseContext
from assistant.understanding.protocols import Decision, FieldExtractor, IntentRouter, TurnSignals

logger = logging.getLogger(__name__)


__all__ = [
    "IntakeClosedError",
    "IntakeState",
    "IntakeStep",
    "absorb",
    "continue_intake",
    "detect_intake_start",
    "is_delete_request",
    "resume_prompt",
    "resume_step",
    "start_intake",
    "summary",
]


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
    step = _step(
        state, "\n\n".join(parts), "confirming", m.suggestions("confirm", locale), guidance
    )
    step.review = True
    return step


ASKS_BEFORE_MOVING_ON = 2  # times a field is asked in a row before the others go first


def _ask_next(state: IntakeState, lead: str, locale: str) -> IntakeStep:
    # Like a liaison: an unclear answer to the question just asked is asked again at once; an
    # unclear detail volunteered earlier ("final year" in the opener) waits for its turn in the
    # form's order, then gets its specific re-ask.
    missing = state.missing
    if not missing:
        return _confirming(state, lead, locale)
    redo = state.asking in state.invalid and state.asking in missing
    # A question asked twice without an answer waits for the end: the person is telling other
    # things, and the form must not stall on one field while they do.
    fresh = [f for f in missing if state.asked.count(f) < ASKS_BEFORE_MOVING_ON]
    if redo and state.asking and state.asking in fresh:
        name = state.asking
    else:
        name = fresh[0] if fresh else missing[0]
    reask = name in state.invalid
    state.status, state.asking = "collecting", name
    state.asked.append(name)
    question = _question(state, name, locale, reask=reask)
    reply = f"{lead}\n\n{question}" if lead else question
    return _step(state, reply, "asking", _suggest(state, name, locale))


# How sure the router's yes or no must be to answer a yes/no field in free words (a consent is the
# person's permission: a half-sure yes leaves the question asked again).
YES_NO_MIN_CONFIDENCE = 0.8
SOURCE_CHARS = 300  # the start of the message a value came from, kept beside the value


def _apply(state: IntakeState, found: Extraction, text: str = "", source: Source = None) -> None:
    for name, value in found.values.items():
        known = state.fields.get(name)
        if name in found.adding and isinstance(known, list) and isinstance(value, list):
            value = list(dict.fromkeys([*known, *value]))  # added to, de-duplicated
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


def _collect(
    state: IntakeState,
    text: str,
    locale: str,
    today: date,
    llm_extract: LlmExtract | None,
    decision: Decision,
    source: Source = None,
    *,
    extractor: FieldExtractor,
    router: IntentRouter | None = None,
) -> IntakeStep:
    correcting = True if decision.label == "correct" else None
    if decision.label == "correct" and state.status == "confirming":
        found = read_correction(state, text, locale, today, llm_extract, extractor=extractor)
    else:
        found = read_values(
            state, text, locale, today, llm_extract, correcting=correcting, extractor=extractor
        )
    yes_no = decision.label in ("confirm", "deny") or is_bare_yes_no(text)
    if yes_no and state.asking:
        spec = fields_for(state.kind)[state.asking]
        if spec.type in ("text", "list") and found.sources.get(state.asking) == "asked":
            # "yes, submit" asked for a role title is no role title: a yes/no is never a text value.
            found.values.pop(state.asking, None)
            found.errors.pop(state.asking, None)
    place(state, found, correcting=decision.label == "correct")
    _yes_no_answer(state, text, locale, decision, found, router)
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


def _yes_no_answer(
    state: IntakeState,
    text: str,
    locale: str,
    decision: Decision,
    found: Extraction,
    router: IntentRouter | None,
) -> None:
    """Read a yes/no field's answer in free words as the router's yes or no to the question.

    "J'autorise le partage de ces informations", "go ahead and share it with the schools": the
    parsers know "yes" and "oui"; what else answers a yes/no question is learned (step `yes_no`).
    A consent never read keeps the form from its summary, and the offer is lost. Only a message
    the field decision says gives this field is read so ("ok good to know, it's paid $22/hr" asked
    for consent gives the wage, not a yes), and only a sure yes or no.
    """
    asked = state.asking
    if router is None or asked is None or asked in found.values or state.status != "collecting":
        return
    target = found.target
    if target is None or target.label != asked:
        return
    if fields_for(state.kind)[asked].type != "boolean" or decision.label not in (
        "answer",
        "correct",
    ):
        return
    said = router.route(text, TurnSignals(locale=locale, step="yes_no"))
    if said.label in ("confirm", "deny") and said.confidence >= YES_NO_MIN_CONFIDENCE:
        found.values[asked] = said.label == "confirm"
        found.sources[asked] = "asked"
        found.errors.pop(asked, None)


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
    candidates = [
        name
        for name, spec in specs.items()
        if spec.type in ("integer", "number")
        and state.fields.get(name) is not None
        and fits(spec, value, today, locale)
    ]
    if not candidates:
        return None
    if len(candidates) == 1:
        found = Extraction(
            values={
                candidates[0]: specs[candidates[0]].validate(value, ParseContext(today, locale))
            }
        )
        found.sources[candidates[0]] = "named"
        return _collect_values(state, found, text, locale, "", source)
    state.clarify = {"value": value, "fields": candidates, "text": text[:SOURCE_CHARS]}
    labels = [specs[name].text("label", locale) for name in candidates]
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
            found = Extraction(values={name: value}, sources={name: "named"})
            return _collect_values(
                state, found, str(pending.get("text") or text), locale, "", source
            )
    return None


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
    extractor: FieldExtractor | None = None,
) -> IntakeStep:
    """Start an intake from the opening message, filling every field it already gives."""
    state = IntakeState(kind=kind)
    reader = extractor or default_field_extractor()
    found = reader.extract(kind, text, asked=None, known={}, today=today, locale=locale)
    merge_llm(state, text, found, locale, today, llm_extract)
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
    extractor: FieldExtractor | None = None,
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
    reader = extractor or default_field_extractor()
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
        found = read_correction(current, text, locale, today, llm_extract, extractor=reader)
        if not changes(current, found) and not new_number(current, text, today, locale):
            return _submit(current, locale)
        decision = Decision("correct", decision.confidence, decision.source)
    if decision.label == "resume":
        # "Continue my offer": take the form up where it stopped. A value the message names or
        # shapes ("...it's 3 students now") is kept; its words are no answer to the question asked.
        found = read_values(
            current, text, locale, today, llm_extract, correcting=None, extractor=reader
        )
        for name in list(found.values):
            if found.sources.get(name) not in ("named", "pattern"):
                found.values.pop(name)
        found.errors.clear()
        if changes(current, found):
            return _collect_values(current, found, text, locale, "", source)
        return _resume(current, locale)
    if decision.label == "switch":
        # The other kind of form, asked for inside this one: one form at a time, this one kept.
        other = "student" if current.kind == "employer" else "employer"
        told = m.say(
            "other_form_open",
            locale,
            current=m.say(f"form_{current.kind}", locale),
            other=m.say(f"a_form_{other}", locale),
        )
        step = _resume(current, locale)
        step.reply = f"{told}\n\n{step.reply}"
        return step
    if confirming and decision.label == "deny":
        return _step(
            current, m.say("what_to_change", locale), "confirming", m.suggestions("confirm", locale)
        )
    return _collect(
        current, text, locale, today, llm_extract, decision, source, extractor=reader, router=router
    )


def absorb(
    state: IntakeState,
    text: str,
    *,
    locale: str,
    today: date,
    source: Source = None,
    extractor: FieldExtractor | None = None,
) -> IntakeState | None:
    """Keep the form values a message gives while a liaison holds the conversation, or None.

    The message is written to the liaison, not answering the form's question: only a value the
    message names ("Description: ...") is taken, or one whose shape names it (an email) for a
    field still empty. The form resumes with them once the ticket is resolved.
    """
    if state.status not in ("collecting", "confirming"):
        return None
    current = state.model_copy(deep=True)
    asking, current.asking = current.asking, None
    reader = extractor or default_field_extractor()
    found = reader.extract(
        current.kind, text, asked=None, known=current.fields, today=today, locale=locale
    )
    for name in list(found.values):
        origin = found.sources.get(name)
        empty = current.fields.get(name) is None
        if not (origin == "named" or (origin == "pattern" and empty)):
            found.values.pop(name)
    if not changes(current, found):
        return None
    _apply(current, found, text, source)
    current.asking = asking if asking not in found.values else None
    if current.asking is None and current.status == "collecting":
        current.asking = next(iter(current.missing), None)
        if current.asking is None:
            current.status = "confirming"
    return current


def _submit(state: IntakeState, locale: str) -> IntakeStep:
    if state.fields.get("consent_to_share") is not True:
        return _refuse(state, "", locale)
    state.status, state.asking = "submitted", None
    routed = route_intake(state.kind, state.fields)
    where = ", ".join(m.institution_name(i) for i in routed) or m.say(
        "submitted_secretariat", locale
    )
    return _step(state, m.say("submitted", locale, where=where), "submitted")
