"""The assistant's fixed replies (greeting, small talk, deletion, offers), in English and French."""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "fr"]

GREETINGS = {
    "en": (
        "Hi! I'm the work-integrated learning assistant for Calgary's regional secretariat. "
        "Ask me about co-ops, internships, funding or eligibility, post a placement, "
        "or ask to talk to a person. This chat is kept so a liaison can follow up; "
        'type "delete my data" any time to erase it.'
    ),
    "fr": (
        "Bonjour! Je suis l'assistant en apprentissage intégré au travail (AIT) du secrétariat "
        "régional de Calgary. Posez-moi vos questions sur les stages coop, les stages, le "
        "financement ou l'admissibilité, proposez un stage, ou demandez à parler à quelqu'un. "
        "Cette conversation est conservée pour qu'un agent de liaison puisse faire le suivi; "
        "écrivez « supprimer mes données » en tout temps pour l'effacer."
    ),
}

START_SUGGESTIONS = {
    "en": ["Where do I start?", "Host a student", "I'm a student", "Talk to a person"],
    "fr": [
        "Par où commencer?",
        "Accueillir un stagiaire",
        "Je suis étudiant",
        "Parler à quelqu'un",
    ],
}

TEXTS: dict[str, dict[str, str]] = {
    "greeting_again": {
        "en": "Hello! What can I help you with: a question about work-integrated learning, hosting a student, or finding a placement?",
        "fr": "Bonjour! Comment puis-je vous aider : une question sur l'apprentissage intégré au travail, l'accueil d'un stagiaire ou la recherche d'un stage?",
    },
    "thanks": {
        "en": "You're welcome! Anything else I can help with?",
        "fr": "Avec plaisir! Puis-je vous aider avec autre chose?",
    },
    "goodbye": {
        "en": "Goodbye, and good luck! Come back any time.",
        "fr": "Au revoir et bonne chance! Revenez quand vous voulez.",
    },
    "nothing_to_cancel": {
        "en": "There's nothing in progress to cancel. What would you like to do?",
        "fr": "Il n'y a rien en cours à annuler. Que voulez-vous faire?",
    },
    "delete_confirm": {
        "en": "I can permanently delete this conversation's {messages} message(s) and {intakes} form(s) you filled in. Delete them? (yes/no)",
        "fr": "Je peux supprimer définitivement les {messages} message(s) de cette conversation et les {intakes} formulaire(s) que vous avez remplis. Voulez-vous les supprimer? (oui/non)",
    },
    "delete_done": {
        "en": "Done: I deleted {messages} message(s) and {intakes} form(s). Nothing you gave in this conversation is kept.",
        "fr": "C'est fait : j'ai supprimé {messages} message(s) et {intakes} formulaire(s). Rien de ce que vous avez donné dans cette conversation n'est conservé.",
    },
    "delete_tickets_confirm": {
        "en": "This also erases {tickets} request(s) you sent to a liaison, with their summaries and notes.",
        "fr": "Cela efface aussi {tickets} demande(s) envoyée(s) à un agent de liaison, avec leurs résumés et leurs notes.",
    },
    "delete_tickets_done": {
        "en": "I also erased {tickets} request(s) to a liaison, with their summaries and notes; a liaison who still had one open only sees that you deleted your data.",
        "fr": "J'ai aussi effacé {tickets} demande(s) à un agent de liaison, avec leurs résumés et leurs notes; un agent qui en avait une ouverte voit seulement que vous avez supprimé vos données.",
    },
    "delete_kept": {
        "en": "OK, I kept everything. What else can I help with?",
        "fr": "D'accord, je n'ai rien supprimé. Puis-je vous aider avec autre chose?",
    },
    "delete_nothing": {
        "en": "There's nothing stored from you in this conversation to delete.",
        "fr": "Il n'y a rien de vous à supprimer dans cette conversation.",
    },
    "offer_refused": {
        "en": "No problem. Ask me something else whenever you like.",
        "fr": "Pas de problème. Posez-moi une autre question quand vous voulez.",
    },
    "no_liaison": {
        "en": "I can't reach a liaison from here right now. Please contact the secretariat{email} and someone will help you.",
        "fr": "Je ne peux pas joindre un agent de liaison d'ici pour le moment. Communiquez avec le secrétariat{email} et quelqu'un vous aidera.",
    },
    "intake_unavailable": {
        "en": 'I can\'t take placement or profile details in this chat right now. A liaison can help: say "talk to a person".',
        "fr": "Je ne peux pas recueillir de renseignements sur un stage ou un profil dans ce clavardage pour le moment. Un agent de liaison peut vous aider : écrivez « parler à quelqu'un ».",
    },
    "submitted_next": {
        "en": "Your reference is {ref}. Liaisons review new requests during business hours; the next review starts {when}.",
        "fr": "Votre numéro de référence est {ref}. Les agents de liaison examinent les nouvelles demandes pendant les heures d'ouverture; le prochain examen commence {when}.",
    },
    "prescreen_intro": {
        "en": "Before then, a few things to check:",
        "fr": "D'ici là, quelques points à vérifier :",
    },
    "soon": {"en": "shortly", "fr": "sous peu"},
    "offer_form_start_employer": {
        "en": "Would you like to post this as a placement offer? I can take the details here.",
        "fr": "Voulez-vous en faire une offre de stage? Je peux en prendre les détails ici.",
    },
    "offer_form_start_student": {
        "en": "Would you like me to take your student profile so the secretariat can match you?",
        "fr": "Voulez-vous que je prenne votre profil étudiant pour que le secrétariat vous jumelle?",
    },
}

SUGGESTIONS: dict[str, dict[str, list[str]]] = {
    "yes_no_delete": {"en": ["Yes, delete", "No, keep"], "fr": ["Oui, supprimer", "Non, garder"]},
    "offer_handoff": {
        "en": ["Yes, talk to a person", "No thanks"],
        "fr": ["Oui, parler à quelqu'un", "Non merci"],
    },
    "after_submit": {
        "en": ["Talk to a person", "What happens next?", "Ask a question"],
        "fr": ["Parler à quelqu'un", "Quelle est la suite?", "Poser une question"],
    },
    "offer_form_start_employer": {"en": ["Host a student"], "fr": ["Accueillir un stagiaire"]},
    "offer_form_start_student": {"en": ["Find a placement"], "fr": ["Trouver un stage"]},
    "after_answer": {
        "en": ["Talk to a person", "Host a student", "I'm a student"],
        "fr": ["Parler à quelqu'un", "Accueillir un stagiaire", "Je suis étudiant"],
    },
}


def lang_of(locale: str) -> Lang:
    """Return "fr" for French locales, else "en"."""
    return "fr" if locale.startswith("fr") else "en"


def text(key: str, locale: str, **values: object) -> str:
    """Return a fixed reply in the locale, with values filled in."""
    return TEXTS[key][lang_of(locale)].format(**values)


def suggestions(key: str, locale: str) -> list[str]:
    """Return a set of quick replies in the locale."""
    return list(SUGGESTIONS[key][lang_of(locale)])
