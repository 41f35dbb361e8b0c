"""Conversational cues: yes/no, cancel, questions, corrections, skips and delete requests (EN/FR)."""

from __future__ import annotations

import re

from assistant.intake.gazetteers import fold

_YES = (
    r"yes|yeah|yep|yup|ya|y|sure|of course|absolutely|definitely|certainly|correct|right|ok|okay|"
    r"that'?s right|that'?s correct|it is|it'?s paid|i agree|i consent|agreed|go ahead|please do|"
    r"oui|ouais|bien sur|d'accord|absolument|certainement|exact|exactement|tout a fait|"
    r"j'accepte|je consens|volontiers|c'est correct|c'est ca|bien entendu|evidemment|oui oui|si|"
    # Casual and spoken forms: "ya", "yeh", "ouin", "ben oui", "ok pour moi", "ça marche".
    r"yeh|yea|yass|sounds good|that'?s fine|thats fine|fine by me|ouin|ouaip|(?:ben|bin|ah|eh) oui|"
    r"mets-en|ca marche|ca me va|ok pour moi|correct pour moi|pas de probleme|no problem"
)
_NO = (
    r"no|nope|nah|nan|nenon|n|not really|no thanks|no thank you|i don'?t agree|i do not agree|i disagree|"
    r"don'?t|do not|never|not at all|i refuse|i decline|"
    r"non|pas du tout|non merci|je refuse|jamais|pas vraiment|je ne (?:suis pas d'accord|consens pas)|"
    r"je n'accepte pas"
)
_YES_RE = re.compile(
    r"^(?:"
    + _YES
    + r")(?:[\s,!.]+(?:"
    + _YES
    + r"|please|merci|thanks|thank you|s'il vous plait|svp))*[\s!.]*$"
)
_NO_RE = re.compile(
    r"^(?:" + _NO + r")(?:[\s,!.]+(?:" + _NO + r"|thanks|thank you|merci))*[\s!.]*$"
)
_YES_LEAD = re.compile(r"^(?:" + _YES + r")\b[\s,!.:-]")
_NO_LEAD = re.compile(r"^(?:" + _NO + r")\b[\s,!.:-]")

_CONFIRM = re.compile(
    r"^(?:(?:" + _YES + r")[\s,!.]*)?(?:please\s+)?(?:submit(?: it)?|send(?: it)?|confirm(?:ed)?|"
    r"looks good|all good|that'?s all|go for it|envoyer|envoyez|soumettre|soumettez|confirmer|"
    r"je confirme|c'est bon|parfait|tout est bon|valider)(?:\s+(?:it|please|svp|merci|thanks))*[\s!.]*$"
)
_CANCEL = re.compile(
    r"(?<![\w])(?:cancel|stop(?: this| it)?|quit|abort|never ?mind|forget it|forget about it|"
    r"i changed my mind|start over|annuler|annule[rz]?|arrete[rz]?|laisse[rz]? tomber|oublie[rz]?(?: ca)?|"
    r"j'abandonne|abandonner)(?![\w])"
)
_QUESTION_WORDS = re.compile(
    r"^(?:how|what|when|where|who|whom|whose|why|which|can|could|is|are|do|does|did|will|would|"
    r"should|may|shall|have|has|am|tell me|explain|"
    r"comment|combien|quoi|quel(?:le)?s?|pourquoi|ou|quand|qui|est-ce|est ce|puis-je|peut-on|"
    r"pouvez-vous|pourriez-vous|y a-t-il|dois-je|faut-il|c'est quoi|qu'est-ce)(?![\w])"
)
_CORRECTION = re.compile(
    r"(?<![\w])(?:actually|in fact|sorry|correction|change|changed|update|instead|rather|i meant|"
    r"make (?:it|that)|not \w+ but|en fait|plutot|finalement|correction|changer|changez|modifier|"
    r"modifiez|je voulais dire|au lieu de|pardon|oups|oops|wait)(?![\w])"
)
_SKIP = re.compile(
    r"^(?:skip|pass|next|none|n/?a|no thanks|not now|later|i'?d rather not|rather not say|"
    r"passer|suivant|aucun(?:e)?|plus tard|je prefere ne pas|pas maintenant|non merci)[\s!.]*$"
)
_DELETE = re.compile(
    r"(?:(?:delete|erase|remove|wipe|forget)\s+(?:all\s+)?(?:of\s+)?(?:my|our)\s+(?:personal\s+)?"
    r"(?:data|information|info|details|records?)"
    r"|(?:supprime[rz]?|efface[rz]?|retire[rz]?|oublie[rz]?)\s+(?:toutes\s+)?(?:mes|nos)\s+"
    r"(?:donnees|informations|renseignements|coordonnees)"
    r"|right to be forgotten|droit a l'oubli)"
)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", fold(text)).strip()


def parse_yes_no(text: str) -> bool | None:
    """Return True for a yes, False for a no, None when the text is neither."""
    norm = _norm(text)
    if _YES_RE.match(norm):
        return True
    if _NO_RE.match(norm):
        return False
    if _NO_LEAD.match(norm + " "):
        return False
    if _YES_LEAD.match(norm + " "):
        return True
    return None


def is_confirmation(text: str) -> bool:
    """Say whether the text approves a summary ("yes", "oui", "looks good, submit")."""
    norm = _norm(text)
    return bool(_YES_RE.match(norm) or _CONFIRM.match(norm))


def is_bare_yes_no(text: str) -> bool:
    """Say whether the whole message is a yes or a no ("yes, submit", "non merci"), nothing more."""
    norm = _norm(text)
    return bool(_YES_RE.match(norm) or _NO_RE.match(norm) or _CONFIRM.match(norm))


def is_cancel(text: str) -> bool:
    """Say whether the person wants to stop the intake ("cancel", "annuler", "never mind")."""
    norm = _norm(text)
    if "?" in norm or len(norm.split()) > 8:
        return False
    return bool(_CANCEL.search(norm))


def looks_like_question(text: str) -> bool:
    """Say whether the text reads as a question (question mark or leading interrogative)."""
    norm = _norm(text)
    return "?" in norm or bool(_QUESTION_WORDS.match(norm))


def has_correction_cue(text: str) -> bool:
    """Say whether the text signals a correction ("actually", "change", "plutôt", "en fait")."""
    return bool(_CORRECTION.search(_norm(text)))


def is_skip(text: str) -> bool:
    """Say whether the person declines to answer an optional question."""
    return bool(_SKIP.match(_norm(text)))


def is_delete_request(text: str) -> bool:
    """Say whether the person asks to delete their data ("delete my data", "supprimez mes données")."""
    return bool(_DELETE.search(_norm(text)))
