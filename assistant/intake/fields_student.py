"""The student intake form: fields in the order they are asked."""

from __future__ import annotations

from assistant.intake import validators as v
from assistant.intake.spec import (
    INSTITUTION_SUGGESTIONS,
    TERM_SUGGESTIONS,
    WHY_CONSENT,
    WHY_EMAIL,
    WHY_NAME,
    WIL_SUGGESTIONS,
    YES_NO,
    FieldSpec,
    make_field,
)

STUDENT_FIELDS: dict[str, FieldSpec] = {
    s.name: s
    for s in (
        make_field(
            "full_name",
            True,
            "text",
            v.validate_person_name,
            free=True,
            why=WHY_NAME,
            q=("What is your full name?", "Quel est votre nom complet?"),
            re=(
                "I didn't catch your name: what is it?",
                "Je n'ai pas saisi votre nom : quel est-il?",
            ),
            label=("Name", "Nom"),
            aliases=("name", "nom", "full name", "nom complet"),
        ),
        make_field(
            "email",
            True,
            "email",
            v.validate_email_address,
            why=WHY_EMAIL,
            q=(
                "What email address should we use to reach you?",
                "À quelle adresse courriel pouvons-nous vous joindre?",
            ),
            re=(
                "That doesn't look like an email address: could you type it again (like name@example.ca)?",
                "Cela ne ressemble pas à une adresse courriel : pourriez-vous la retaper (ex. nom@exemple.ca)?",
            ),
            label=("Email", "Courriel"),
            aliases=("email", "e-mail", "courriel", "mail"),
        ),
        make_field(
            "institution",
            True,
            "choice",
            v.validate_institution,
            sugg=INSTITUTION_SUGGESTIONS,
            choices=v.INSTITUTION_IDS,
            q=("Which institution are you studying at?", "Dans quel établissement étudiez-vous?"),
            re=(
                "I didn't recognise the institution: UCalgary, MRU, SAIT, Bow Valley, Ambrose, St. Mary's, AUArts or other?",
                "Je n'ai pas reconnu l'établissement : UCalgary, MRU, SAIT, Bow Valley, Ambrose, St. Mary's, AUArts ou autre?",
            ),
            label=("Institution", "Établissement"),
            aliases=("institution", "school", "university", "college", "établissement", "école"),
        ),
        make_field(
            "program",
            True,
            "text",
            v.validate_program,
            free=True,
            q=(
                "What program are you in (e.g. nursing, computer science)?",
                "Dans quel programme êtes-vous (ex. sciences infirmières, informatique)?",
            ),
            re=(
                "I didn't catch your program: what are you studying?",
                "Je n'ai pas saisi votre programme : qu'étudiez-vous?",
            ),
            label=("Program", "Programme"),
            aliases=("program", "programme", "major", "field"),
        ),
        make_field(
            "year_of_study",
            True,
            "integer",
            v.validate_year_of_study,
            sugg={"en": ("1", "2", "3", "4", "5+"), "fr": ("1", "2", "3", "4", "5+")},
            q=(
                "What year of your program are you in?",
                "En quelle année de votre programme êtes-vous?",
            ),
            re=(
                "I didn't catch a year of study: which year are you in (1 to 6)?",
                "Je n'ai pas saisi l'année d'études : en quelle année êtes-vous (1 à 6)?",
            ),
            label=("Year of study", "Année d'études"),
            aliases=("year", "year of study", "année", "année d'études"),
        ),
        make_field(
            "enrollment_status",
            True,
            "choice",
            v.validate_enrollment,
            choices=("full_time", "part_time"),
            sugg={"en": ("Full-time", "Part-time"), "fr": ("Temps plein", "Temps partiel")},
            why=(
                "Many co-op and funded placements require full-time enrolment.",
                "Plusieurs stages coop et stages subventionnés exigent une inscription à temps plein.",
            ),
            q=(
                "Are you enrolled full-time or part-time?",
                "Êtes-vous inscrit(e) à temps plein ou à temps partiel?",
            ),
            re=(
                "I didn't catch that: full-time or part-time?",
                "Je n'ai pas saisi : temps plein ou temps partiel?",
            ),
            label=("Enrolment", "Inscription"),
            aliases=("enrollment", "enrolment", "status", "inscription"),
        ),
        make_field(
            "residency_status",
            True,
            "choice",
            v.validate_residency,
            choices=(
                "citizen",
                "permanent_resident",
                "protected_person",
                "international_student",
                "other",
            ),
            sugg={
                "en": (
                    "Citizen",
                    "Permanent resident",
                    "Protected person",
                    "International student",
                    "Other",
                ),
                "fr": (
                    "Citoyen(ne)",
                    "Résident(e) permanent(e)",
                    "Personne protégée",
                    "Étudiant(e) international(e)",
                    "Autre",
                ),
            },
            why=(
                "It decides which funding programs can pay for your placement and whether you need a work permit.",
                "Il détermine quels programmes de financement peuvent payer votre stage et si un permis de travail est nécessaire.",
            ),
            q=(
                "What is your status in Canada: citizen, permanent resident, protected person, international student, or other?",
                "Quel est votre statut au Canada : citoyen(ne), résident(e) permanent(e), personne protégée, étudiant(e) international(e) ou autre?",
            ),
            re=(
                "I didn't catch your status: citizen, permanent resident, protected person, international student, or other?",
                "Je n'ai pas saisi votre statut : citoyen(ne), résident(e) permanent(e), personne protégée, étudiant(e) international(e) ou autre?",
            ),
            label=("Status in Canada", "Statut au Canada"),
            aliases=("status", "residency", "statut", "citizenship"),
        ),
        make_field(
            "wil_type",
            True,
            "choice",
            v.validate_wil_type,
            sugg=WIL_SUGGESTIONS,
            choices=v.WIL_TYPE_IDS,
            q=(
                "What kind of placement are you looking for: co-op, internship, applied research, field placement...?",
                "Quel type de stage cherchez-vous : stage coop, stage, recherche appliquée, stage pratique...?",
            ),
            re=(
                "I didn't catch the kind of placement: co-op, internship, applied research, field placement, or not sure?",
                "Je n'ai pas saisi le type de stage : stage coop, stage, recherche appliquée, stage pratique, ou vous ne savez pas?",
            ),
            label=("Type of WIL", "Type d'AIT"),
            aliases=("type", "wil type", "placement type", "type de stage", "kind"),
        ),
        make_field(
            "preferred_term",
            True,
            "term",
            v.validate_term,
            sugg=TERM_SUGGESTIONS,
            q=(
                "When would you like to start (e.g. next summer, January 2027)?",
                "Quand aimeriez-vous commencer (ex. l'été prochain, janvier 2027)?",
            ),
            re=(
                "I didn't catch a start date: which term or month (e.g. Fall 2027, May)?",
                "Je n'ai pas saisi la date de début : quelle session ou quel mois (ex. automne 2027, mai)?",
            ),
            label=("Preferred start", "Début souhaité"),
            aliases=("start", "term", "date", "début", "session", "preferred term"),
        ),
        make_field(
            "interests",
            False,
            "text",
            v.validate_free_text,
            free=True,
            q=(
                "What kind of work interests you? (optional)",
                "Quel genre de travail vous intéresse? (facultatif)",
            ),
            re=(
                "Could you tell me in a few words what interests you?",
                "Pourriez-vous dire en quelques mots ce qui vous intéresse?",
            ),
            label=("Interests", "Intérêts"),
            aliases=("interests", "intérêts"),
        ),
        make_field(
            "consent_to_share",
            True,
            "boolean",
            v.validate_boolean,
            sugg=YES_NO,
            why=WHY_CONSENT,
            q=(
                "May we share these details with your institution's WIL office and matching employers' liaisons?",
                "Pouvons-nous transmettre ces renseignements au bureau d'AIT de votre établissement et aux personnes-ressources concernées?",
            ),
            re=(
                "Please answer yes or no: may we share these details?",
                "Veuillez répondre oui ou non : pouvons-nous transmettre ces renseignements?",
            ),
            label=("Consent to share", "Consentement au partage"),
            aliases=("consent", "consentement"),
        ),
    )
}
