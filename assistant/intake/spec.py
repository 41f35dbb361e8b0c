"""Field specifications: what each intake field needs to be asked, validated and shown."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.intake import validators as v
from assistant.intake.validators import ParseContext

FieldType = Literal[
    "text", "email", "phone", "choice", "integer", "number", "boolean", "term", "list"
]
Localized = dict[str, str]
Suggestions = Mapping[str, tuple[str, ...]]


def lang(locale: str) -> str:
    """Return "fr" for any French locale, else "en"."""
    return "fr" if locale.lower().startswith("fr") else "en"


@dataclass(frozen=True)
class FieldSpec:
    """One intake field: whether it is required, how to validate it and how to ask for it."""

    name: str
    required: bool
    type: FieldType
    validate: Callable[[object, ParseContext], Any]
    question: Localized
    reask: Localized
    label: Localized
    reason: Localized | None = None
    suggestions: Suggestions = field(default_factory=dict)
    choices: tuple[str, ...] = ()
    free_text: bool = False
    aliases: tuple[str, ...] = ()

    def text(self, which: Literal["question", "reask", "label"], locale: str) -> str:
        """Return the question, re-ask or label in the locale's language."""
        texts: Localized = getattr(self, which)
        return texts[lang(locale)]

    def why(self, locale: str) -> str | None:
        """Return the reason this personal field is asked, if it has one."""
        return self.reason[lang(locale)] if self.reason else None


YES_NO = {"en": ("Yes", "No"), "fr": ("Oui", "Non")}
SIZE_CHOICES = {"en": v.SIZES, "fr": v.SIZES}
TERM_SUGGESTIONS = {
    "en": ("Winter (January)", "Summer (May)", "Fall (September)", "Not sure yet"),
    "fr": ("Hiver (janvier)", "Été (mai)", "Automne (septembre)", "Pas encore sûr"),
}
WIL_SUGGESTIONS = {
    "en": ("Co-op", "Internship", "Applied research", "Field placement", "Not sure"),
    "fr": ("Stage coop", "Stage", "Recherche appliquée", "Stage pratique", "Je ne sais pas"),
}
INSTITUTION_SUGGESTIONS = {
    "en": ("UCalgary", "MRU", "SAIT", "Bow Valley", "Ambrose", "St. Mary's", "AUArts", "Other"),
    "fr": ("UCalgary", "MRU", "SAIT", "Bow Valley", "Ambrose", "St. Mary's", "AUArts", "Autre"),
}


def make_field(
    name: str,
    required: bool,
    type_: FieldType,
    validate: Callable[[object, ParseContext], Any],
    *,
    q: tuple[str, str],
    re: tuple[str, str],
    label: tuple[str, str],
    why: tuple[str, str] | None = None,
    sugg: Suggestions | None = None,
    choices: tuple[str, ...] = (),
    free: bool = False,
    aliases: tuple[str, ...] = (),
) -> FieldSpec:
    return FieldSpec(
        name=name,
        required=required,
        type=type_,
        validate=validate,
        question={"en": q[0], "fr": q[1]},
        reask={"en": re[0], "fr": re[1]},
        label={"en": label[0], "fr": label[1]},
        reason={"en": why[0], "fr": why[1]} if why else None,
        suggestions=sugg or {},
        choices=choices,
        free_text=free,
        aliases=aliases,
    )


WHY_EMAIL = (
    "We use it only so a liaison and the matching institutions can reply to you.",
    "Nous l'utilisons seulement pour qu'une personne-ressource et les établissements puissent vous répondre.",
)
WHY_NAME = (
    "So the liaison who follows up knows who to ask for.",
    "Pour que la personne-ressource qui fera le suivi sache à qui s'adresser.",
)
WHY_CONSENT = (
    "Nothing is sent to institutions without your yes.",
    "Rien n'est envoyé aux établissements sans votre accord.",
)
