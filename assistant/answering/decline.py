"""What to say when the knowledge base has no answer or the question is outside WIL."""

from __future__ import annotations

from assistant.answering.types import Answer

_NO_ANSWER = {
    "en": (
        "I couldn't find that in the secretariat's guides, and I'd rather not guess about programs, "
        "amounts, dates or eligibility. A liaison can look into it with you: just say "
        '"talk to a person".'
    ),
    "fr": (
        "Je n'ai pas trouvé cette information dans les guides du secrétariat, et je préfère ne pas "
        "deviner au sujet des programmes, des montants, des dates ou de l'admissibilité. Un agent de "
        "liaison peut vous aider : écrivez simplement « parler à quelqu'un »."
    ),
}
_OUT_OF_SCOPE = {
    "en": (
        "That's outside what I can help with: I only answer questions about work-integrated "
        "learning (co-ops, internships, hosting students, funding and eligibility) in Calgary. "
        "If you need something else from the secretariat, a liaison can help."
    ),
    "fr": (
        "Cela dépasse ce que je peux faire : je réponds seulement aux questions sur l'apprentissage "
        "intégré au travail (stages coop, stages, accueil d'étudiants, financement et admissibilité) "
        "à Calgary. Si vous avez besoin d'autre chose du secrétariat, un agent de liaison peut vous aider."
    ),
}
_AGAIN = {
    "en": " Since I couldn't help twice in a row, would you like me to connect you with a liaison now?",
    "fr": " Comme je n'ai pas pu vous aider deux fois de suite, voulez-vous que je vous mette en contact avec un agent de liaison?",
}
DECLINE_SUGGESTIONS = {
    "en": ["Talk to a person", "What is WIL?", "Funding to host a student"],
    "fr": ["Parler à quelqu'un", "Qu'est-ce que l'AIT?", "Financement pour accueillir un étudiant"],
}


def _lang(locale: str) -> str:
    return "fr" if locale == "fr" else "en"


def decline(
    locale: str, *, out_of_scope: bool = False, streak: int = 1, best_score: float | None = None
) -> Answer:
    """Return a plain decline in the locale; from the second in a row, offer a liaison outright."""
    lang = _lang(locale)
    text = (_OUT_OF_SCOPE if out_of_scope else _NO_ANSWER)[lang]
    if streak >= 2:
        text += _AGAIN[lang]
    return Answer(
        text=text,
        status="out_of_scope" if out_of_scope else "declined",
        best_score=best_score,
    )


def decline_suggestions(locale: str) -> list[str]:
    """Return the quick replies shown with a decline (a liaison first)."""
    return list(DECLINE_SUGGESTIONS[_lang(locale)])


_NEARBY = {
    "en": (
        "I'm not sure the guides answer that exactly, and I'd rather not answer a different "
        'question. Nearby, they cover: {topics}. Pick one below, or say "talk to a person" and a '
        "liaison will help."
    ),
    "fr": (
        "Je ne suis pas sûr que les guides répondent exactement à cette question, et je préfère ne "
        "pas répondre à une autre. Ils traitent de sujets proches : {topics}. Choisissez-en un "
        "ci-dessous, ou écrivez « parler à quelqu'un » et un agent de liaison vous aidera."
    ),
}
NEARBY_TOPICS = 3


def nearby(
    locale: str, headings: list[str], *, streak: int = 1, best_score: float | None = None
) -> Answer:
    """Return a decline that names the nearest sections the guides do have (their headings, which
    are questions) and offers a person; the headings come back as suggestions."""
    lang = _lang(locale)
    topics: list[str] = []
    for heading in headings:
        if heading and heading not in topics:
            topics.append(heading)
    topics = topics[:NEARBY_TOPICS]
    if not topics:
        return decline(locale, streak=streak, best_score=best_score)
    quote = ("« {} »" if lang == "fr" else "“{}”").format
    text = _NEARBY[lang].format(topics="; ".join(quote(t) for t in topics))
    if streak >= 2:
        text += _AGAIN[lang]
    return Answer(text=text, status="declined", best_score=best_score, nearby=topics)
