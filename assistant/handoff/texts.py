"""What the person is told during a handoff, in English and French."""

from __future__ import annotations

Texts = dict[str, str]

OPEN_IN_HOURS: Texts = {
    "en": (
        "I've asked a liaison from the secretariat to join this conversation. Someone will be "
        "with you shortly; you can keep typing here in the meantime."
    ),
    "fr": (
        "J'ai demandé à une personne-ressource du secrétariat de se joindre à cette conversation. "
        "Quelqu'un sera avec vous sous peu; vous pouvez continuer à écrire ici en attendant."
    ),
}
OPEN_AFTER_HOURS: Texts = {
    "en": (
        "I've passed your request to the secretariat. Our liaisons are away right now: "
        "a liaison will reply {when}, here in this conversation."
    ),
    "fr": (
        "J'ai transmis votre demande au secrétariat. Nos personnes-ressources sont absentes pour "
        "le moment : quelqu'un vous répondra {when}, ici même."
    ),
}
ASK_EMAIL: Texts = {
    "en": (
        "If you'd like an answer by email too, type your email address here. Otherwise keep "
        "this window open, or come back to this page later: the reply will be waiting."
    ),
    "fr": (
        "Si vous souhaitez aussi une réponse par courriel, écrivez votre adresse ici. Sinon, "
        "gardez cette fenêtre ouverte ou revenez plus tard sur cette page : la réponse vous attendra."
    ),
}
EMAIL_KNOWN: Texts = {
    "en": "The liaison can also reach you at {email}.",
    "fr": "La personne-ressource pourra aussi vous écrire à {email}.",
}
PUSH_CHANNEL: Texts = {
    "en": "You'll get the reply right here.",
    "fr": "Vous recevrez la réponse ici même.",
}
SENSITIVE_PREFACE: Texts = {
    "en": "Thank you for telling me. This is something a person from the secretariat should help you with, in confidence.",
    "fr": "Merci de m'en parler. Une personne du secrétariat est mieux placée pour vous aider, en toute confidentialité.",
}
SAFETY_PREFACE: Texts = {
    "en": "If you are in immediate danger, call 911 now.",
    "fr": "Si vous êtes en danger immédiat, composez le 911 maintenant.",
}
ALREADY_OPEN: Texts = {
    "en": "You're already in the queue for a liaison; they'll see your messages here.",
    "fr": "Votre demande est déjà dans la file d'attente; la personne-ressource verra vos messages ici.",
}
ALREADY_HELD: Texts = {
    "en": "A liaison is already with you in this conversation.",
    "fr": "Une personne-ressource est déjà avec vous dans cette conversation.",
}
ACK_FIRST: Texts = {
    "en": "Thanks, I've added that to your request. The liaison will see it when they join.",
    "fr": "Merci, j'ai ajouté ceci à votre demande. La personne-ressource le verra en se joignant à la conversation.",
}
ACK_BRIEF: Texts = {
    "en": "Added to your request.",
    "fr": "Ajouté à votre demande.",
}
ACK_EMAIL: Texts = {
    "en": "Thanks, a liaison can also reach you at {email}.",
    "fr": "Merci, une personne-ressource pourra aussi vous écrire à {email}.",
}
JOINED: Texts = {
    "en": "{name} from the secretariat has joined the conversation.",
    "fr": "{name}, du secrétariat, est maintenant avec vous dans la conversation.",
}
RESOLVED: Texts = {
    "en": (
        "The liaison has closed this conversation and you're back with the assistant. "
        "Ask me anything, or ask for a person again any time."
    ),
    "fr": (
        "La personne-ressource a terminé cette conversation; vous êtes de retour avec l'assistant. "
        "Posez-moi vos questions, ou redemandez une personne en tout temps."
    ),
}


REQUEUED: Texts = {
    "en": (
        "{name} from the secretariat is no longer available. Your request is back in the queue: "
        "another liaison will join you here."
    ),
    "fr": (
        "{name}, du secrétariat, n'est plus disponible. Votre demande est de retour dans la file "
        "d'attente : une autre personne-ressource se joindra à vous ici."
    ),
}


WITHDRAWN: Texts = {
    "en": (
        "Okay, I've cancelled your request for a person; you're back with the assistant. "
        "Ask me anything, or ask for a person again any time."
    ),
    "fr": (
        "D'accord, j'ai annulé votre demande de parler à une personne; vous êtes de retour avec "
        "l'assistant. Posez-moi vos questions, ou redemandez une personne en tout temps."
    ),
}


def say(texts: Texts, locale: str, **values: str) -> str:
    """Return the text in the locale's language (English by default), filled with `values`."""
    template = texts["fr" if locale.startswith("fr") else "en"]
    return template.format(**values) if values else template
