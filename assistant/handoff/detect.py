"""Decide when a person should be handed to a human liaison, and why.

The decision is the injected `HandoffDetector` (by default the model trained from
`assistant/understanding/data/handoff/`, see `assistant.understanding.models`). What stays here
is the reason vocabulary and one exact rule the model cannot see: a question asked again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.understanding.classifier import normalise

REASONS = (
    "safety",
    "harassment",
    "discrimination",
    "accommodation",
    "complaint",
    "urgent",
    "requested",
    "frustrated",
    "declined_twice",
)
# Reasons where a person must follow up; a question in the same message is still answered.
SENSITIVE = frozenset(
    {"safety", "harassment", "discrimination", "accommodation", "complaint", "urgent"}
)

_TOKEN = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "in",
        "on",
        "for",
        "and",
        "or",
        "is",
        "are",
        "do",
        "does",
        "i",
        "me",
        "my",
        "you",
        "it",
        "this",
        "that",
        "what",
        "how",
        "can",
        "le",
        "la",
        "les",
        "de",
        "des",
        "du",
        "un",
        "une",
        "et",
        "ou",
        "est",
        "je",
        "mon",
        "ma",
        "mes",
        "vous",
        "tu",
        "il",
        "que",
        "quoi",
        "comment",
        "pour",
    ]
)
# "Again" words: with one, a shorter re-ask of an earlier question counts as a repeat.
_REASK = frozenset({"again", "encore", "repeat", "repete", "redemande"})
REPEAT_THRESHOLD = 0.8
REPEAT_MIN_TOKENS = 3
REPEAT_WINDOW = 4
REPEAT_EXACT_MIN_WORDS = 4  # a word-for-word repeat needs this many words and 2 content words
REASK_CONTAINED = 0.75  # with "again": share of the new question's content words already asked


def _words(text: str) -> list[str]:
    return _TOKEN.findall(normalise(text))


def is_repeat(text: str, previous_user_texts: Sequence[str]) -> bool:
    """Return True when `text` asks again (nearly) what one of the recent messages asked.

    An exact rule over word overlap, not wording: "HOW DO I APPLY FOR THE SUBSIDY!!" repeats
    "how do i apply for the subsidy". A word-for-word repeat counts from REPEAT_EXACT_MIN_WORDS words
    and two content words, so "yes" / "oui" / "ok thanks" said twice do not.
    """
    recent = list(previous_user_texts)[-REPEAT_WINDOW:]
    words = _words(text)
    if (
        len(words) >= REPEAT_EXACT_MIN_WORDS
        and len(set(words) - _STOP) >= 2
        and any(_words(previous) == words for previous in recent)
    ):
        return True
    reask = bool(_REASK & set(words))
    tokens = {w for w in words if w not in _STOP and w not in _REASK}
    if len(tokens) < REPEAT_MIN_TOKENS:
        return False
    for previous in recent:
        other = {w for w in _words(previous) if w not in _STOP}
        if len(other) < REPEAT_MIN_TOKENS:
            continue
        if len(tokens & other) / len(tokens | other) >= REPEAT_THRESHOLD:
            return True
        # "again, when does summer intake open?" asks a shorter form of an earlier question.
        if reask and len(tokens & other) / len(tokens) >= REASK_CONTAINED:
            return True
    return False


def detect_handoff(
    text: str,
    locale: str,
    *,
    previous_user_texts: list[str],
    decline_streak: int,
) -> str | None:
    """Return why this message should go to a liaison, or None, with the default detector.

    Args:
        text: what the person just typed.
        locale: "en" or "fr".
        previous_user_texts: the person's earlier messages, oldest first (for repeated questions).
        decline_streak: answers declined in a row before this message; 2 or more hands off.

    Returns:
        One of REASONS, or None.
    """
    from assistant.understanding.models import default_handoff_detector
    from assistant.understanding.protocols import TurnSignals

    if not text.strip():
        return None
    decision = default_handoff_detector().detect(
        text,
        TurnSignals(
            locale=locale,
            previous_user_texts=tuple(previous_user_texts),
            decline_streak=decline_streak,
        ),
    )
    return None if decision.label == "none" else decision.label
