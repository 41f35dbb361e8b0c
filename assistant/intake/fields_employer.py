"""The employer intake form: fields in the order they are asked."""

from __future__ import annotations

from assistant.intake import validators as v
from assistant.intake.spec import (
    SIZE_CHOICES,
    TERM_SUGGESTIONS,
    WHY_CONSENT,
    WHY_EMAIL,
    WHY_NAME,
    WIL_SUGGESTIONS,
    YES_NO,
    FieldSpec,
    make_field,
)

EMPLOYER_FIELDS: dict[str, FieldSpec] = {
    s.name: s
    for s in (
        make_field(
            "organization_name",
            True,
            "text",
            v.validate_organization_name,
            free=True,
            q=("What is the name of your organization?", "Quel est le nom de votre organisation?"),
            re=(
                "I didn't catch your organization's name: what is it called?",
                "Je n'ai pas saisi le nom de votre organisation : comment s'appelle-t-elle?",
            ),
            label=("Organization", "Organisation"),
            aliases=(
                "organization",
                "organisation",
                "company",
                "entreprise",
                "business",
                "organization name",
            ),
        ),
        make_field(
            "contact_name",
            True,
            "text",
            v.validate_person_name,
            free=True,
            why=WHY_NAME,
            q=("What is your name?", "Quel est votre nom?"),
            re=(
                "I didn't catch your name: what should we call you?",
                "Je n'ai pas saisi votre nom : comment vous appelez-vous?",
            ),
            label=("Contact", "Personne-ressource"),
            aliases=("name", "nom", "contact", "contact name"),
        ),
        make_field(
            "contact_email",
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
            aliases=("email", "e-mail", "courriel", "adresse courriel", "mail"),
        ),
        make_field(
            "contact_phone",
            False,
            "phone",
            v.validate_phone,
            why=(
                "Optional: some liaisons prefer a quick call.",
                "Facultatif : certaines personnes-ressources préfèrent un appel.",
            ),
            q=(
                "What phone number can we reach you at? (optional)",
                "À quel numéro de téléphone pouvons-nous vous joindre? (facultatif)",
            ),
            re=(
                "I didn't catch a 10-digit phone number: what is it?",
                "Je n'ai pas saisi un numéro à 10 chiffres : quel est-il?",
            ),
            label=("Phone", "Téléphone"),
            aliases=("phone", "phone number", "telephone", "téléphone", "numéro", "cell"),
        ),
        make_field(
            "organization_size",
            True,
            "choice",
            v.validate_organization_size,
            sugg=SIZE_CHOICES,
            choices=v.SIZES,
            q=(
                "How many people work at your organization?",
                "Combien de personnes travaillent dans votre organisation?",
            ),
            re=(
                "I didn't catch a number of employees: roughly how many people work there (e.g. 6, 25 or 1-9)?",
                "Je n'ai pas saisi un nombre d'employés : environ combien de personnes y travaillent (ex. 6, 25 ou 1-9)?",
            ),
            label=("Size", "Taille"),
            aliases=("size", "taille", "number of employees", "headcount", "team size"),
        ),
        make_field(
            "industry",
            True,
            "text",
            v.validate_industry,
            sugg={
                "en": ("Technology", "Energy", "Health", "Non-profit", "Construction"),
                "fr": ("Technologie", "Énergie", "Santé", "OBNL", "Construction"),
            },
            q=("What industry or sector are you in?", "Dans quel secteur d'activité êtes-vous?"),
            re=(
                "I didn't catch your industry: which sector best describes your organization?",
                "Je n'ai pas saisi votre secteur : lequel décrit le mieux votre organisation?",
            ),
            label=("Industry", "Secteur"),
            aliases=("industry", "sector", "secteur", "industrie"),
        ),
        make_field(
            "location",
            True,
            "text",
            v.validate_location,
            sugg={
                "en": ("Calgary", "Airdrie", "Cochrane", "Okotoks"),
                "fr": ("Calgary", "Airdrie", "Cochrane", "Okotoks"),
            },
            q=(
                "Where would the student work (city or town)?",
                "Où l'étudiant travaillerait-il (ville)?",
            ),
            re=(
                "I didn't catch a place: which city or town is the workplace in?",
                "Je n'ai pas saisi le lieu : dans quelle ville se trouve le lieu de travail?",
            ),
            label=("Location", "Lieu"),
            aliases=("location", "city", "lieu", "ville", "place"),
        ),
        make_field(
            "work_arrangement",
            False,
            "choice",
            v.validate_work_arrangement,
            choices=("on_site", "hybrid", "remote"),
            sugg={
                "en": ("On site", "Hybrid", "Remote"),
                "fr": ("Sur place", "Hybride", "À distance"),
            },
            q=(
                "Will the work be on site, hybrid or remote? (optional)",
                "Le travail sera-t-il sur place, hybride ou à distance? (facultatif)",
            ),
            re=(
                "I didn't catch that: on site, hybrid or remote?",
                "Je n'ai pas saisi : sur place, hybride ou à distance?",
            ),
            label=("Work arrangement", "Mode de travail"),
            aliases=("arrangement", "work arrangement", "mode de travail"),
        ),
        make_field(
            "wil_type",
            True,
            "choice",
            v.validate_wil_type,
            sugg=WIL_SUGGESTIONS,
            choices=v.WIL_TYPE_IDS,
            q=(
                "What kind of placement do you have in mind: co-op, internship, applied research, field placement...?",
                "Quel type de stage envisagez-vous : stage coop, stage, recherche appliquée, stage pratique...?",
            ),
            re=(
                "I didn't catch the kind of placement: co-op, internship, applied research, field placement, or not sure?",
                "Je n'ai pas saisi le type de stage : stage coop, stage, recherche appliquée, stage pratique, ou vous ne savez pas?",
            ),
            label=("Type of WIL", "Type d'AIT"),
            aliases=("type", "wil type", "placement type", "type de stage", "kind"),
        ),
        make_field(
            "role_title",
            True,
            "text",
            v.validate_role_title,
            free=True,
            q=(
                "What is the role's title (e.g. junior developer, marketing assistant)?",
                "Quel est le titre du poste (ex. développeur junior, adjoint marketing)?",
            ),
            re=(
                "I didn't catch a role title: what would the student's job be called?",
                "Je n'ai pas saisi le titre du poste : comment s'appellerait le poste de l'étudiant?",
            ),
            label=("Role", "Poste"),
            aliases=("role", "title", "job title", "poste", "titre", "position"),
        ),
        make_field(
            "role_description",
            False,
            "text",
            v.validate_free_text,
            free=True,
            q=(
                "In a sentence or two, what would the student do? (optional)",
                "En une ou deux phrases, que ferait l'étudiant? (facultatif)",
            ),
            re=(
                "Could you describe the work in a sentence?",
                "Pourriez-vous décrire le travail en une phrase?",
            ),
            label=("Description", "Description"),
            aliases=("description", "duties", "tâches"),
        ),
        make_field(
            "students_count",
            True,
            "integer",
            v.validate_students_count,
            sugg={"en": ("1", "2", "3", "4+"), "fr": ("1", "2", "3", "4+")},
            q=(
                "How many students would you like to host?",
                "Combien d'étudiants souhaitez-vous accueillir?",
            ),
            re=(
                "I didn't catch a number of students: how many (1 to 50)?",
                "Je n'ai pas saisi un nombre d'étudiants : combien (de 1 à 50)?",
            ),
            label=("Students", "Étudiants"),
            aliases=("students", "number of students", "étudiants", "nombre d'étudiants", "count"),
        ),
        make_field(
            "start_term",
            True,
            "term",
            v.validate_term,
            sugg=TERM_SUGGESTIONS,
            q=(
                "When would the placement start (e.g. next summer, January 2027)?",
                "Quand le stage commencerait-il (ex. l'été prochain, janvier 2027)?",
            ),
            re=(
                "I didn't catch a start date: which term or month (e.g. Fall 2027, May)?",
                "Je n'ai pas saisi la date de début : quelle session ou quel mois (ex. automne 2027, mai)?",
            ),
            label=("Start", "Début"),
            aliases=("start", "start date", "term", "date", "début", "session", "start term"),
        ),
        make_field(
            "duration_months",
            False,
            "integer",
            v.validate_duration_months,
            sugg={
                "en": ("4 months", "8 months", "12 months"),
                "fr": ("4 mois", "8 mois", "12 mois"),
            },
            q=(
                "How many months would it last? (optional)",
                "Combien de mois durerait-il? (facultatif)",
            ),
            re=(
                "I didn't catch a length: how many months (1 to 24)?",
                "Je n'ai pas saisi la durée : combien de mois (1 à 24)?",
            ),
            label=("Length (months)", "Durée (mois)"),
            aliases=("duration", "length", "durée", "months"),
        ),
        make_field(
            "paid",
            True,
            "boolean",
            v.validate_paid,
            sugg=YES_NO,
            q=(
                "Will the placement be paid? (In Alberta most internships must pay at least minimum wage.)",
                "Le stage sera-t-il rémunéré? (En Alberta, la plupart des stages doivent être payés au moins au salaire minimum.)",
            ),
            re=(
                "I didn't catch that: will the student be paid, yes or no?",
                "Je n'ai pas saisi : l'étudiant sera-t-il rémunéré, oui ou non?",
            ),
            label=("Paid", "Rémunéré"),
            aliases=("paid", "pay", "rémunéré", "rémunération"),
        ),
        make_field(
            "hourly_wage",
            False,
            "number",
            v.validate_hourly_wage,
            q=(
                "What hourly wage do you have in mind, in dollars? (optional)",
                "Quel salaire horaire envisagez-vous, en dollars? (facultatif)",
            ),
            re=(
                "I didn't catch an hourly wage in dollars, at least Alberta's minimum ($15, or $13 under 18): how much per hour?",
                "Je n'ai pas saisi un salaire horaire d'au moins le minimum albertain (15 $, 13 $ avant 18 ans) : combien de l'heure?",
            ),
            label=("Hourly wage ($)", "Salaire horaire ($)"),
            aliases=("wage", "salary", "hourly wage", "salaire", "rate"),
        ),
        make_field(
            "programs_sought",
            False,
            "list",
            v.validate_programs,
            q=(
                "Which programs or fields should the students come from? (optional)",
                "De quels programmes ou domaines les étudiants devraient-ils venir? (facultatif)",
            ),
            re=(
                "Which fields of study fit the role (e.g. engineering, business)?",
                "Quels domaines d'études conviennent au poste (ex. génie, administration)?",
            ),
            label=("Programs", "Programmes"),
            aliases=("programs", "program", "field", "programmes", "domaine"),
        ),
        make_field(
            "institutions_preferred",
            False,
            "list",
            v.validate_institutions,
            sugg={
                "en": ("No preference", "UCalgary", "MRU", "SAIT", "Bow Valley"),
                "fr": ("Aucune préférence", "UCalgary", "MRU", "SAIT", "Bow Valley"),
            },
            q=(
                "Do you prefer particular institutions? (optional)",
                "Préférez-vous certains établissements? (facultatif)",
            ),
            re=(
                "I didn't recognise an institution: which ones (e.g. SAIT, MRU) or no preference?",
                "Je n'ai pas reconnu d'établissement : lesquels (ex. SAIT, MRU) ou aucune préférence?",
            ),
            label=("Preferred institutions", "Établissements préférés"),
            aliases=("institutions", "schools", "établissements"),
        ),
        make_field(
            "consent_to_share",
            True,
            "boolean",
            v.validate_boolean,
            sugg=YES_NO,
            why=WHY_CONSENT,
            q=(
                "May we share these details with the matching post-secondary institutions so they can contact you?",
                "Pouvons-nous transmettre ces renseignements aux établissements postsecondaires correspondants pour qu'ils vous contactent?",
            ),
            re=(
                "Please answer yes or no: may we share these details with the matching institutions?",
                "Veuillez répondre oui ou non : pouvons-nous transmettre ces renseignements aux établissements?",
            ),
            label=("Consent to share", "Consentement au partage"),
            aliases=("consent", "consentement"),
        ),
    )
}
