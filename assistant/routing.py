"""Decide what a message is: a question, intake, a request for a person, small talk, cancel, deletion."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Literal

from assistant.guardrails import is_injection
from assistant.text_input import fold_casual

logger = logging.getLogger(__name__)

IntentName = Literal[
    "confirm_delete",
    "handoff_offer_refused",
    "injection",
    "delete_data",
    "handoff",
    "cancel",
    "greeting",
    "thanks",
    "goodbye",
    "intake_start",
    "intake_continue",
    "question",
]


@dataclass(frozen=True)
class Intent:
    """What the engine should do with a message, and its detail (handoff reason, intake kind, yes/no)."""

    name: IntentName
    detail: str | None = None


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", fold_casual(text)).strip()


_SMALL = r"[\s,!?.:)(*-]*"
_GREETING = re.compile(
    r"^(hi|hello|hey|hiya|good (morning|afternoon|evening)|greetings|yo|bonjour|bonsoir|salut|allo|"
    r"coucou|bon matin)( there| everyone| tout le monde)?" + _SMALL + r"$"
)
_THANKS = re.compile(
    r"^((ok(ay)?|great|perfect|super|parfait|genial|cool|awesome)[\s,!.]*)?"
    r"(thanks?( you)?( so much| a lot| very much)?|thx|ty|cheers|merci( beaucoup| bien)?|"
    r"je vous remercie|that helps|that'?s helpful|ca m'aide|c'est utile|great|perfect|parfait|super)"
    + _SMALL
    + r"$"
)
_GOODBYE = re.compile(
    r"^((ok(ay)?|thanks?|merci)[\s,!.]*)?(bye|goodbye|see you|have a (good|nice) day|au revoir|"
    r"bonne (journee|soiree)|a plus|a bientot|ciao)" + _SMALL + r"$"
)
_CANCEL = re.compile(
    r"^(cancel|stop|quit|abort|never ?mind|forget it|annuler|annule|arrete|laisse tomber|oublie ca)"
    + _SMALL
    + r"$"
)


# A message that also asks something ("... what do I do", "je fais quoi", "what are the steps?").
_ASKS = re.compile(
    r"\?|^(how|what|when|where|which|who|why|can|could|should|do|does|is|are|am|must|"
    r"comment|combien|quoi|quel(le)?s?|pourquoi|quand|est-ce|dois-je|doit-on|faut-il|que dois|que faire)\b"
    r"|\b(what (do|should|can|must) (i|we|you)( do)?|what now|what are the (steps|rules|next steps)|"
    r"how (do|should|can|must) (i|we)|who (do|should) (i|we) (call|contact|tell|report)|"
    r"(is|are) (there|we|they) (covered|required|supposed)|do (i|we) (need|have) to|"
    r"je fais quoi|on fait quoi|quoi faire|que (dois|doit|devons|faut)|qu'est-ce que (je|on) fai[st]|"
    r"comment (faire|proceder|declarer)|a qui (dois|doit|faut))\b"
)


def asks_question(text: str) -> bool:
    """Return True when the message asks something the knowledge base could answer, even inside a report."""
    return _ASKS.search(_fold(text)) is not None


def small_talk(text: str) -> IntentName | None:
    """Return "greeting", "thanks" or "goodbye" when the whole message is small talk."""
    folded = _fold(text)
    if _GREETING.match(folded):
        return "greeting"
    if _GOODBYE.match(folded):
        return "goodbye"
    if _THANKS.match(folded):
        return "thanks"
    return None


def is_cancel(text: str) -> bool:
    """Return True when the whole message asks to stop ("cancel", "annuler")."""
    return _CANCEL.match(_fold(text)) is not None


def _intake_start(text: str) -> str | None:
    try:
        from assistant.intake import detect_intake_start
    except ImportError:  # intake flow not installed in this build
        return None
    return detect_intake_start(text)


def _delete_request(text: str) -> bool:
    try:
        from assistant.intake.cues import is_delete_request
    except ImportError:  # pragma: no cover - cues ship with the package
        return False
    return is_delete_request(text)


def _yes_no(text: str) -> bool | None:
    try:
        from assistant.intake.cues import parse_yes_no
    except ImportError:  # pragma: no cover - cues ship with the package
        folded = _fold(text)
        return True if folded in {"yes", "oui"} else False if folded in {"no", "non"} else None
    return parse_yes_no(text)


def _handoff_reason(
    text: str, locale: str, previous_user_texts: list[str], decline_streak: int
) -> str | None:
    try:
        from assistant.handoff import detect_handoff
    except ImportError:  # handoff package not installed in this build
        return None
    return detect_handoff(
        text, locale, previous_user_texts=previous_user_texts, decline_streak=decline_streak
    )


def deletion_intent(text: str, pending: str | None) -> Intent | None:
    """Return the deletion step the message asks for (a request, or the answer to "delete?"), if any.

    Checked in every mode: a person can erase their data even while a liaison holds the conversation.
    """
    if pending == "delete":
        answer = _yes_no(text)
        if answer is not None:
            return Intent("confirm_delete", "yes" if answer else "no")
    if _delete_request(text) and not is_injection(text):
        return Intent("delete_data")
    return None


def route(
    text: str,
    *,
    mode: str,
    locale: str,
    pending: str | None = None,
    previous_user_texts: list[str] | None = None,
    decline_streak: int = 0,
) -> Intent:
    """Classify one message in qa or intake mode (handoff mode is relayed, not routed).

    Two declines in a row are handled by the engine (an offer, then a ticket on "yes" or on a
    third decline), so a new question after two declines is still answered.
    """
    if pending == "delete":
        answer = _yes_no(text)
        if answer is not None:
            return Intent("confirm_delete", "yes" if answer else "no")
    if pending == "offer_handoff":
        answer = _yes_no(text)
        if answer is True:
            return Intent("handoff", "declined_twice")
        if answer is False:
            return Intent("handoff_offer_refused")
    if is_injection(text):
        return Intent("injection")
    if _delete_request(text):
        return Intent("delete_data")
    reason = _handoff_reason(text, locale, previous_user_texts or [], decline_streak)
    if reason == "declined_twice":
        reason = None
    if reason is not None:
        return Intent("handoff", reason)
    if mode == "intake":
        return Intent("intake_continue")
    if is_cancel(text):
        return Intent("cancel")
    chat = small_talk(text)
    if chat is not None:
        return Intent(chat)
    kind = _intake_start(text)
    if kind is not None:
        return Intent("intake_start", kind)
    return Intent("question")
