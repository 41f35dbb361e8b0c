"""What the intake says besides field questions: greetings, acknowledgements, summaries (EN/FR)."""

from __future__ import annotations

from typing import Any

from assistant.intake.gazetteers import INSTITUTION_NAMES
from assistant.intake.spec import FieldSpec, Localized, lang
from assistant.intake.terms import format_term
from assistant.intake.validators import FINAL_YEAR

TEXTS: dict[str, dict[str, str]] = {
    "start_employer": {
        "en": "Great, let's set up your request to host students. I'll ask a few quick questions; "
        'say "cancel" at any time to stop.',
        "fr": "Parfait, préparons votre demande d'accueil de stagiaires. Je vais poser quelques "
        "questions; dites « annuler » à tout moment pour arrêter.",
    },
    "start_student": {
        "en": "Great, let's find you a placement. I'll ask a few quick questions; "
        'say "cancel" at any time to stop.',
        "fr": "Parfait, trouvons-vous un stage. Je vais poser quelques questions; "
        "dites « annuler » à tout moment pour arrêter.",
    },
    "noted": {"en": "Noted: {items}.", "fr": "C'est noté : {items}."},
    "cancelled": {
        "en": "OK, I've cancelled this request. Nothing you told me for it is kept.",
        "fr": "D'accord, j'ai annulé cette demande. Rien de ce que vous m'avez dit n'est conservé.",
    },
    "summary_head": {"en": "Here is your request:", "fr": "Voici votre demande :"},
    "optional": {
        "en": "Optional, if you'd like to add them: {labels}.",
        "fr": "Facultatif, si vous souhaitez les ajouter : {labels}.",
    },
    "confirm": {
        "en": 'Shall I submit it? Say "yes" to submit, or tell me what to change.',
        "fr": "Dois-je l'envoyer? Dites « oui » pour l'envoyer, ou dites-moi quoi modifier.",
    },
    "review": {
        "en": "Here is your request: please check it, then submit it or tell me what to change.",
        "fr": "Voici votre demande : vérifiez-la, puis envoyez-la ou dites-moi quoi modifier.",
    },
    "updated": {"en": "Updated.", "fr": "C'est modifié."},
    "clarify": {
        "en": "Did you mean {first} or {last}?",
        "fr": "Vouliez-vous dire {first} ou {last}?",
    },
    "reask_final_year": {
        "en": "Which year of your program is your final year: for example 2 for a two-year "
        "diploma or 4 for a four-year degree?",
        "fr": "Votre dernière année correspond à quelle année du programme : par exemple 2 pour "
        "un diplôme de deux ans ou 4 pour un baccalauréat de quatre ans?",
    },
    "what_to_change": {
        "en": 'What would you like to change? For example: "change the email to ..." or '
        '"actually 3 students".',
        "fr": "Que souhaitez-vous modifier? Par exemple : « changer le courriel pour ... » ou "
        "« plutôt 3 étudiants ».",
    },
    "submitted": {
        "en": "Thank you, your request is submitted. It goes to: {where}. A liaison will follow "
        "up by email.",
        "fr": "Merci, votre demande est envoyée. Elle est transmise à : {where}. Une "
        "personne-ressource fera le suivi par courriel.",
    },
    "submitted_by_liaison": {
        "en": "A liaison completed your request and submitted it with your consent. Your "
        "reference is {ref}.",
        "fr": "Une personne-ressource a complété votre demande et l'a envoyée avec votre "
        "consentement. Votre numéro de référence est {ref}.",
    },
    "submitted_secretariat": {"en": "the secretariat's liaisons", "fr": "l'équipe du secrétariat"},
    "consent_refused": {
        "en": "Understood: nothing will be sent to institutions. Would you like to talk with one "
        "of our liaisons instead? They can help without sharing your details.",
        "fr": "Compris : rien ne sera transmis aux établissements. Voulez-vous plutôt parler à "
        "une personne-ressource? Elle peut vous aider sans transmettre vos renseignements.",
    },
    "resume": {"en": "Back to your request: {prompt}", "fr": "Revenons à votre demande : {prompt}"},
    "other_form_open": {
        "en": 'Your {current} is still open: let\'s finish it first, or say "cancel" to drop it '
        "and then start {other}.",
        "fr": "Une demande est déjà en cours ({current}) : terminons-la d'abord, ou dites "
        "« annuler » pour l'abandonner et commencer ensuite {other}.",
    },
    "form_employer": {"en": "offer to host students", "fr": "offre d'accueil de stagiaires"},
    "form_student": {"en": "student profile", "fr": "profil étudiant"},
    "a_form_employer": {
        "en": "an offer to host students",
        "fr": "une offre d'accueil de stagiaires",
    },
    "a_form_student": {"en": "a student profile", "fr": "un profil étudiant"},
    "guidance_head": {
        "en": "A few pointers (guidance only: your institution and the program make the final "
        "call):",
        "fr": "Quelques repères (à titre indicatif : votre établissement et le programme "
        "décident) :",
    },
    "required_note": {
        "en": "This one is needed to pass your request on.",
        "fr": "Ce renseignement est nécessaire pour transmettre votre demande.",
    },
}

SUGGESTIONS: dict[str, dict[str, list[str]]] = {
    "confirm": {
        "en": ["Yes, submit", "Change something", "Cancel"],
        "fr": ["Oui, envoyer", "Modifier", "Annuler"],
    },
    "consent_refused": {
        "en": ["Talk to a liaison", "No thanks"],
        "fr": ["Parler à une personne-ressource", "Non merci"],
    },
    "start": {
        "en": ["Host a student", "Find a placement"],
        "fr": ["Accueillir un stagiaire", "Trouver un stage"],
    },
}

VALUE_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "industry": {
        "technology": {"en": "Technology", "fr": "Technologie"},
        "energy": {"en": "Energy", "fr": "Énergie"},
        "health": {"en": "Health", "fr": "Santé"},
        "construction": {"en": "Construction", "fr": "Construction"},
        "manufacturing": {"en": "Manufacturing", "fr": "Fabrication"},
        "finance": {"en": "Finance", "fr": "Finance"},
        "nonprofit": {"en": "Non-profit", "fr": "Organisme sans but lucratif"},
        "education": {"en": "Education", "fr": "Éducation"},
        "government": {"en": "Government", "fr": "Gouvernement"},
        "retail": {"en": "Retail", "fr": "Commerce de détail"},
        "hospitality": {"en": "Hospitality and tourism", "fr": "Hôtellerie et tourisme"},
        "agriculture": {"en": "Agriculture", "fr": "Agriculture"},
        "transportation": {"en": "Transportation and logistics", "fr": "Transport et logistique"},
        "creative": {"en": "Creative industries", "fr": "Industries créatives"},
        "professional_services": {"en": "Professional services", "fr": "Services professionnels"},
        "engineering": {"en": "Engineering services", "fr": "Génie-conseil"},
        "research": {"en": "Research", "fr": "Recherche"},
    },
    "programs_sought": {
        "engineering": {"en": "Engineering", "fr": "Génie"},
        "computer_science": {"en": "Computer science", "fr": "Informatique"},
        "business": {"en": "Business", "fr": "Administration"},
        "nursing": {"en": "Nursing", "fr": "Sciences infirmières"},
        "health": {"en": "Health", "fr": "Santé"},
        "arts_design": {"en": "Art and design", "fr": "Arts et design"},
        "education": {"en": "Education", "fr": "Éducation"},
        "science": {"en": "Science", "fr": "Sciences"},
        "social_work": {"en": "Social work", "fr": "Travail social"},
        "communications": {"en": "Communications", "fr": "Communications"},
        "trades": {"en": "Trades", "fr": "Métiers"},
        "hospitality": {"en": "Hospitality", "fr": "Hôtellerie"},
        "liberal_arts": {"en": "Liberal arts", "fr": "Arts libéraux"},
        "theology": {"en": "Theology", "fr": "Théologie"},
    },
}


CHOICE_LABELS: dict[str, dict[str, Localized]] = {
    "wil_type": {
        "co_op": {"en": "Co-op", "fr": "Stage coop"},
        "internship": {"en": "Internship", "fr": "Stage"},
        "applied_research": {
            "en": "Applied research project",
            "fr": "Projet de recherche appliquée",
        },
        "field_placement": {"en": "Field placement", "fr": "Stage pratique"},
        "service_learning": {"en": "Service learning", "fr": "Apprentissage par le service"},
        "work_experience": {"en": "Work experience", "fr": "Expérience de travail"},
        "mandatory_practice": {
            "en": "Mandatory practice",
            "fr": "Pratique professionnelle obligatoire",
        },
        "entrepreneurship": {"en": "Entrepreneurship", "fr": "Entrepreneuriat"},
        "apprenticeship": {"en": "Apprenticeship", "fr": "Apprentissage d'un métier"},
        "not_sure": {"en": "Not sure yet", "fr": "Pas encore déterminé"},
    },
    "work_arrangement": {
        "on_site": {"en": "On site", "fr": "Sur place"},
        "hybrid": {"en": "Hybrid", "fr": "Hybride"},
        "remote": {"en": "Remote", "fr": "À distance"},
    },
    "enrollment_status": {
        "full_time": {"en": "Full-time", "fr": "Temps plein"},
        "part_time": {"en": "Part-time", "fr": "Temps partiel"},
    },
    "residency_status": {
        "citizen": {"en": "Canadian citizen", "fr": "Citoyen(ne) canadien(ne)"},
        "permanent_resident": {"en": "Permanent resident", "fr": "Résident(e) permanent(e)"},
        "protected_person": {"en": "Protected person", "fr": "Personne protégée"},
        "international_student": {
            "en": "International student",
            "fr": "Étudiant(e) international(e)",
        },
        "other": {"en": "Other", "fr": "Autre"},
    },
}


def say(key: str, locale: str, **values: str) -> str:
    """Return a flow message in the locale's language, filled with values."""
    return TEXTS[key][lang(locale)].format(**values)


# Re-asks tailored to why an answer failed, keyed by field and validator error.
SPECIFIC_REASKS: dict[tuple[str, str], str] = {
    ("year_of_study", FINAL_YEAR): "reask_final_year",
}


def reask_for(field_name: str, error: str, locale: str) -> str | None:
    """Return the re-ask tailored to this field's error, if there is one."""
    key = SPECIFIC_REASKS.get((field_name, error))
    return say(key, locale) if key else None


def suggestions(key: str, locale: str) -> list[str]:
    """Return quick replies for a flow step in the locale's language."""
    return list(SUGGESTIONS[key][lang(locale)])


def institution_name(inst_id: str) -> str:
    """Return an institution's display name."""
    return INSTITUTION_NAMES.get(inst_id, inst_id)


def format_value(spec: FieldSpec, value: Any, locale: str) -> str:
    """Render a field value for people to read."""
    language = lang(locale)
    if spec.type == "boolean":
        return ("Oui" if value else "Non") if language == "fr" else ("Yes" if value else "No")
    if spec.type == "term":
        return format_term(str(value), locale)
    if spec.name in {"institution", "institutions_preferred"}:
        items = value if isinstance(value, list) else [value]
        if not items:
            return "aucune préférence" if language == "fr" else "no preference"
        return ", ".join(institution_name(i) for i in items)
    labels = CHOICE_LABELS.get(spec.name) or VALUE_LABELS.get(spec.name) or {}
    if isinstance(value, list):
        if not value:
            return "tous" if language == "fr" else "any"
        return ", ".join(labels.get(str(i), {}).get(language, str(i)) for i in value)
    if spec.name == "organization_size":
        return f"{value} {'employés' if language == 'fr' else 'employees'}"
    if spec.name == "hourly_wage":
        return f"{value:.2f} $".replace(".", ",") if language == "fr" else f"${value:.2f}"
    return labels.get(str(value), {}).get(language, str(value))
