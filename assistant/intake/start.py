"""Whether a message starts a form, and which: an employer's offer or a student's request."""

from __future__ import annotations

import re
from typing import Literal

from assistant.intake.cues import looks_like_question
from assistant.intake.gazetteers import fold

__all__ = ["detect_intake_start"]


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
