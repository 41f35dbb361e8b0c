"""What the Telegram channel itself says (commands, hints), in English and French."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "help": {
        "en": (
            "I answer questions about work-integrated learning in Calgary (co-ops, internships, "
            "funding, eligibility) from the secretariat's knowledge base, help you post a "
            "placement or a student profile, and can put you in touch with a person.\n\n"
            "/start - start over\n"
            "/human - talk to a person\n"
            "/cancel - stop the current form or stop waiting for a person\n"
            "/language - switch between English and French (/language fr)\n"
            "/help - this message"
        ),
        "fr": (
            "Je réponds aux questions sur l'apprentissage intégré au travail (AIT) à Calgary "
            "(stages coop, stages, financement, admissibilité) à partir de la base de "
            "connaissances du secrétariat, je vous aide à proposer un stage ou un profil "
            "étudiant, et je peux vous mettre en contact avec une personne.\n\n"
            "/start - recommencer\n"
            "/human - parler à une personne\n"
            "/cancel - arrêter le formulaire en cours ou cesser d'attendre une personne\n"
            "/language - passer du français à l'anglais (/language en)\n"
            "/help - ce message"
        ),
    },
    "human_request": {
        "en": "I want to talk to a person",
        "fr": "Je veux parler à une personne",
    },
    "cancel_request": {"en": "cancel", "fr": "annuler"},
    "language_set": {
        "en": "I'll answer in English from now on.",
        "fr": "Je vous répondrai en français à partir de maintenant.",
    },
    "language_unknown": {
        "en": "I speak English (en) and French (fr): try /language fr.",
        "fr": "Je parle français (fr) et anglais (en) : essayez /language en.",
    },
    "text_only": {
        "en": "I can only read text messages. Please type your question.",
        "fr": "Je ne peux lire que les messages texte. Veuillez écrire votre question.",
    },
    "error": {
        "en": "Sorry, something went wrong on my side. Please try again in a moment.",
        "fr": "Désolé, un problème est survenu de mon côté. Veuillez réessayer dans un instant.",
    },
    "liaison_label": {"en": "Liaison", "fr": "Personne-ressource"},
    "sources": {"en": "Sources", "fr": "Sources"},
}

COMMANDS: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("start", "Start over"),
        ("help", "What I can do"),
        ("human", "Talk to a person"),
        ("cancel", "Stop the current form or stop waiting"),
        ("language", "Switch between English and French"),
    ],
    "fr": [
        ("start", "Recommencer"),
        ("help", "Ce que je peux faire"),
        ("human", "Parler à une personne"),
        ("cancel", "Arrêter le formulaire en cours ou l'attente"),
        ("language", "Passer du français à l'anglais"),
    ],
}


def text(key: str, locale: str) -> str:
    """Return a channel text in the locale (English when the locale is unknown)."""
    variants = TEXTS[key]
    return variants.get(locale, variants["en"])


def locale_from_language_code(code: str | None) -> str:
    """Return "fr" for French Telegram clients (fr, fr-CA, ...), else "en"."""
    return "fr" if code and code.lower().startswith("fr") else "en"
