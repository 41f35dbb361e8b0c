"""Tell questions from answers typed with a question mark, and blank the questions out of a message.

The rule: a question about the intake ("do I need to be full time?", "est-ce que le stage doit
être rémunéré?") is answered by the engine and the field asked again; it never fills a field, even
when it names a valid value. A clause is still an answer when it is
- a bare value with a question mark: no interrogative word and at most four words once hedges
  are dropped ("full time?", "25?", "maybe three?", "plein temps?"), or
- a check that a value is acceptable: a short clause ending in "ok", "fine", "enough", "ça va",
  "c'est correct"... ("is 3 ok?", "would two be enough?", "deux, ça va?").
A question clause is a sentence ending in "?" (from its last clause starting with an interrogative
word, so "we're 12, do we qualify?" keeps "we're 12"), or a sentence without "?" that opens with
an inverted question ("do I need ...", "est-ce que ...") and signals no correction.
"""

from __future__ import annotations

import re

from assistant.intake.cues import has_correction_cue
from assistant.intake.gazetteers import fold

_WH = (
    r"how|what|when|where|who|whom|whose|why|which|"
    r"comment|combien|quoi|quel(?:le)?s?|pourquoi|quand|qui|c'est quoi|qu'est-ce"
)
_AUX = r"can|could|should|must|may|shall|will|would|is|are|am|was|were|do|does|did|have|has"
_FR_INVERTED = (
    r"est-ce|est ce|puis-je|peut-on|peuvent-ils|peuvent-elles|pouvez-vous|pourriez-vous|"
    r"pourrait-on|y a-t-il|dois-je|doit-on|doivent-ils|faut-il|ai-je|avons-nous|sommes-nous|"
    r"suis-je|est-il|est-elle|sont-ils|sont-elles|avez-vous|offrez-vous|acceptez-vous"
)
_INTERROGATIVE = r"(?:" + _WH + r"|" + _AUX + r"|" + _FR_INVERTED + r")(?![\w-])"
_SUBJECT = (
    r"(?:i|we|you|they|he|she|it|there|this|that|the|a|an|my|our|your|students?|co-?ops?|"
    r"interns?|employers?|being|having|part-?time|full-?time|international)"
)
# Without a question mark, only an unmistakable inverted question counts.
_INVERTED_START = re.compile(
    # "were a charity" with no question mark is "we're" typed without the apostrophe.
    r"^(?!were\s+(?:a|an)\s)(?:(?:"
    + _AUX
    + r")\s+"
    + _SUBJECT
    + r"(?![\w])|(?:"
    + _FR_INVERTED
    + r")(?![\w-])"
    r"|(?:" + _WH + r")\s+(?:" + _AUX + r"|much|many|long|often|est|sont|faut|dois|peut)(?![\w]))"
)
_CLAUSE_START = re.compile(
    r"(?:^|[,;:]\s*|\s[-\u2013\u2014]\s*|\s(?:and|but|so|also|et|mais|alors|donc|pis)\s+)"
    r"(?=" + _INTERROGATIVE + r")"
)
_HEDGE = re.compile(
    r"(?<![\w'])(?:maybe|perhaps|probably|possibly|i think|i guess|i'd say|um+|uh+|so|then|"
    r"just|ok|okay|peut-etre|probablement|je pense|je crois|je dirais|genre|euh|alors|donc|"
    r"bon|ben)(?![\w'])"
)
_ACCEPTABLE = re.compile(
    r"(?:\b(?:ok|okay|fine|alright|all right|enough|acceptable|correct|suffisant|suffisante|"
    r"assez)|ca (?:va|marche|convient|passe)|c'est (?:correct|bon|ok|assez|suffisant)|"
    r"(?:does|would|will) that (?:work|do)|d'accord)\s*[?!.]*$"
)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


def _words(clause: str) -> list[str]:
    return re.findall(r"[\w$'-]+", _HEDGE.sub(" ", clause))


def is_answer_like(clause: str) -> bool:
    """Say whether a question-marked clause is really an answer ("full time?", "is 3 ok?")."""
    folded = fold(clause).strip(" ,;:-")
    stripped = _HEDGE.sub(" ", folded).strip(" ,;:-")
    interrogative = re.match(_INTERROGATIVE, stripped) or re.match(_INTERROGATIVE, folded)
    words = _words(folded)
    if not interrogative and len(words) <= 4:
        return True
    return len(words) <= 8 and bool(_ACCEPTABLE.search(folded))


def question_spans(text: str) -> list[tuple[int, int]]:
    """Return the spans of the message's genuine question clauses (not answers with a "?")."""
    folded = fold(text)
    spans = []
    for sentence in _SENTENCE.finditer(folded):
        body = sentence.group(0)
        lead = len(body) - len(body.lstrip())
        start = sentence.start() + lead
        body = body.strip()
        if not body:
            continue
        if "?" in body:
            clause_at = 0
            for m in _CLAUSE_START.finditer(body):
                clause_at = m.end()
            clause_start = start + clause_at
        elif _INVERTED_START.match(body) and not has_correction_cue(body):
            clause_start = start
        else:
            continue
        end = start + len(body)
        if not is_answer_like(folded[clause_start:end]):
            spans.append((clause_start, end))
    return spans


def blank_questions(text: str) -> str:
    """Return the text with its genuine question clauses replaced by spaces (positions kept)."""
    chars = list(text)
    for start, end in question_spans(text):
        for i in range(start, end):
            chars[i] = " "
    return "".join(chars)


def is_real_question(text: str) -> bool:
    """Say whether the message asks a genuine question rather than giving an answer."""
    return bool(question_spans(text))
