"""Small bilingual WIL glossary used to expand queries across English and French."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from assistant.retrieval.text import fold_accents

logger = logging.getLogger(__name__)

# French phrase (accents folded, lower case) -> English terms. Longer phrases are matched first.
FR_TO_EN: dict[str, str] = {
    "apprentissage integre au travail": "work-integrated learning WIL",
    "ait": "WIL work-integrated learning",
    "pspe": "SWPP Student Work Placement Program wage subsidy",
    "programme de stages pratiques pour etudiants": "Student Work Placement Program SWPP",
    "stage": "internship placement co-op work term",
    "stages": "internships placements co-op work terms",
    "stagiaire": "intern student",
    "stagiaires": "interns students",
    "alternance travail-etudes": "co-op",
    "coop": "co-op",
    "subvention": "subsidy funding grant",
    "subventions": "subsidies funding grants",
    "salariale": "wage",
    "salaire": "wage pay",
    "remuneration": "pay wage",
    "remunere": "paid",
    "non remunere": "unpaid",
    "financement": "funding",
    "finance": "funded funding",
    "financer": "fund funding",
    "fonds": "funds funding",
    "ordinateur": "computer equipment",
    "cout": "cost",
    "coute": "cost",
    "couts": "costs",
    "cumuler": "combine stack",
    "declarer": "report",
    "accueil": "host hosting",
    "accueillir": "host",
    "superviser": "supervise supervisor",
    "evaluer": "evaluate",
    "evalue": "evaluates evaluation",
    "lecons": "lessons",
    "resultats": "results",
    "bureau": "office",
    "chercher": "look for find",
    "preparer": "prepare",
    "rapport": "report",
    "entente": "agreement",
    "supplementaire": "extra additional top-up",
    "projet": "project",
    "court": "short",
    "courte": "short",
    "quelques jours": "a few days short",
    "premiere semaine": "first week",
    "salaire minimum": "minimum wage",
    "employeur": "employer",
    "employeurs": "employers",
    "etudiant": "student",
    "etudiants": "students",
    "etudiante": "student",
    "etablissement": "institution",
    "etablissements": "institutions",
    "permis de travail": "work permit",
    "permis coop": "co-op work permit",
    "etudiants internationaux": "international students",
    "etudiant international": "international student",
    "etudiant etranger": "international student",
    "heures": "hours",
    "accident du travail": "WCB workers compensation injury",
    "commission des accidents du travail": "WCB workers compensation",
    "cnesst": "WCB",
    "assurance": "insurance",
    "responsabilite civile": "liability insurance",
    "blessure": "injury hurt",
    "blesse": "injured hurt",
    "harcelement": "harassment",
    "discrimination": "discrimination",
    "handicap": "disability",
    "mesures d'adaptation": "accommodation",
    "adaptation": "accommodation",
    "teletravail": "remote",
    "a distance": "remote",
    "de la maison": "remote from home",
    "a la maison": "remote at home",
    "hybride": "hybrid",
    "admissible": "eligible",
    "admissibilite": "eligibility",
    "agent de liaison": "liaison",
    "parler a une personne": "talk to a person liaison",
    "secretariat": "secretariat",
    "projet pilote": "pilot",
    "rapport de stage": "work-term report",
    "credit": "credit",
    "releve de notes": "transcript",
    "superviseur": "supervisor",
    "evaluation": "evaluation",
    "verification des antecedents": "police check background check",
    "casier judiciaire": "police check criminal record",
    "emplois d'ete canada": "Canada Summer Jobs",
    "projet de cours": "course project",
    "micro-stage": "micro-placement",
    "micro-stages": "micro-placements",
    "recherche appliquee": "applied research",
    "apprentissage": "apprenticeship learning",
    "stage clinique": "clinical placement mandatory practice",
    "entrepreneuriat": "entrepreneurship",
    "apprentissage par le service": "service learning",
    "renseignements": "information privacy",
    "confidentialite": "privacy",
    "marathon de programmation": "hackathon",
    "securite": "safety",
    "equipement": "equipment",
    "recruter": "recruit hire",
    "embaucher": "hire",
    "embauche": "hiring hire",
    "inclusif": "inclusive",
    "sous-representes": "under-represented",
    "diversite": "diversity equity",
    "citoyennete": "citizenship",
    "residence permanente": "permanent residency",
    "temps plein": "full-time",
    "offre de stage": "placement offer",
    "trouver": "find",
    "postuler": "apply",
    "quand": "when",
    "combien": "how much how many",
    "payer": "pay",
    "legal": "legal",
    "obligatoire": "mandatory required",
    "premieres semaines": "first weeks",
    "pme": "small business",
    "petite entreprise": "small business",
    "organisme sans but lucratif": "non-profit",
}

# English phrase -> French terms (for English questions about French-only documents).
EN_TO_FR: dict[str, str] = {
    "work-integrated learning": "apprentissage intégré au travail AIT",
    "wil": "AIT",
    "swpp": "PSPE",
    "internship": "stage",
    "internships": "stages",
    "placement": "stage",
    "placements": "stages",
    "co-op": "stage coop",
    "subsidy": "subvention",
    "funding": "financement",
    "funded": "financé",
    "funder": "bailleur de fonds",
    "funders": "bailleurs de fonds",
    "employer": "employeur",
    "employers": "employeurs",
    "student": "étudiant",
    "students": "étudiants",
    "institution": "établissement",
    "institutions": "établissements EEPS",
    "pilot": "projet pilote",
    "secretariat": "secrétariat",
    "platform": "plateforme",
    "portal": "portail",
    "lessons": "enseignements leçons",
    "small business": "PME petites entreprises",
    "wage": "salaire",
    "remote": "à distance télétravail",
    "intern": "stagiaire",
    "interns": "stagiaires",
    "supervisor": "superviseur",
    "permit": "permis",
    "work permit": "permis de travail",
    "hours": "heures",
    "insurance": "assurance",
    "injury": "blessure accident",
    "harassment": "harcèlement",
    "disability": "handicap",
    "accommodation": "mesures d'adaptation",
    "eligible": "admissible",
    "eligibility": "admissibilité",
    "host": "accueillir",
    "hire": "embaucher",
    "hiring": "embauche",
    "cost": "coût",
    "pay": "salaire rémunération",
    "paid": "rémunéré",
    "unpaid": "non rémunéré",
    "transcript": "relevé de notes",
    "report": "rapport",
    "first day": "premier jour",
    "first week": "première semaine",
    "downtown": "centre-ville",
    "international students": "étudiants étrangers internationaux",
    "lessons learned": "enseignements leçons",
}


def _compile(glossary: dict[str, str]) -> list[tuple[re.Pattern[str], str]]:
    """Compile phrase patterns, longest first, matching whole words."""
    return [
        (re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])"), glossary[term])
        for term in sorted(glossary, key=len, reverse=True)
    ]


@lru_cache(maxsize=2)
def _patterns(lang: str) -> list[tuple[re.Pattern[str], str]]:
    """Return the compiled glossary for queries in `lang`."""
    return _compile(FR_TO_EN if lang == "fr" else EN_TO_FR)


def expansion_terms(query: str, lang: str) -> str:
    """Return the other language's terms for glossary phrases found in the query ('' if none)."""
    text = fold_accents(query.lower()).replace("’", "'") if lang == "fr" else query.lower()
    patterns = _patterns("fr" if lang == "fr" else "en")
    found: list[str] = []
    for pattern, terms in patterns:
        if pattern.search(text):
            text = pattern.sub(" ", text)
            found.append(terms)
    return " ".join(dict.fromkeys(found))


def expand_query(query: str, lang: str) -> str:
    """Append the other language's equivalents of known WIL terms to the query."""
    extra = expansion_terms(query, lang)
    return f"{query} {extra}".strip() if extra else query


_PROPER = re.compile(
    r"\b(?:[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*|[A-Z]{2,}|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)\b"
)


def pseudo_translation(query: str, lang: str) -> str:
    """Render a query as the other language's glossary terms plus its names and acronyms ('' if none)."""
    terms = expansion_terms(query, lang)
    if not terms:
        return ""
    names = [m.group(0) for m in _PROPER.finditer(query) if m.start() > 0 or m.group(0).isupper()]
    return " ".join(dict.fromkeys([*names, terms]))
