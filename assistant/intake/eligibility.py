"""Student eligibility pre-screen: guidance grounded in program rules, each with its source."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from assistant.intake.gazetteers import INSTITUTION_NAMES, INSTITUTIONS
from assistant.intake.schemas import lang


class Guidance(BaseModel):
    """One pointer for the person, with the knowledge section that backs it."""

    text: str
    source_key: str


_TEXTS: dict[str, dict[str, str]] = {
    "funded": {
        "en": "As a {status}, you can usually be hired into placements funded by the Student Work "
        "Placement Program (SWPP), which is open to Canadian citizens, permanent residents "
        "and protected persons.",
        "fr": "En tant que {status}, vous pouvez généralement occuper un stage financé par le "
        "Programme de stages pratiques pour étudiants (PSPE), ouvert aux citoyens canadiens, "
        "aux résidents permanents et aux personnes protégées.",
    },
    "international": {
        "en": "As an international student, SWPP and Canada Summer Jobs subsidies generally do "
        "not cover your placement, but Mitacs programs are open to you. A placement your "
        "program requires must be allowed by your permit (check with your institution).",
        "fr": "En tant qu'étudiant(e) international(e), les subventions du PSPE et d'Emplois d'été "
        "Canada ne couvrent généralement pas votre stage, mais les programmes de Mitacs "
        "vous sont ouverts. Un stage exigé par votre programme doit être autorisé par votre "
        "permis (vérifiez auprès de votre établissement).",
    },
    "hours": {
        "en": "Optional work off campus during classes is limited to 24 hours a week for most "
        "study-permit holders; full-time is allowed during scheduled breaks.",
        "fr": "Le travail facultatif hors campus pendant les cours est limité à 24 heures par "
        "semaine pour la plupart des titulaires d'un permis d'études; le temps plein est "
        "permis pendant les congés prévus.",
    },
    "other_status": {
        "en": "Funding and work-permit rules depend on your exact status; a liaison can help you "
        "check what applies before you apply.",
        "fr": "Les règles de financement et de permis dépendent de votre statut exact; une "
        "personne-ressource peut vous aider à vérifier ce qui s'applique.",
    },
    "part_time": {
        "en": "Many co-op programs and funded placements expect full-time enrolment, so check "
        "whether part-time study limits your options.",
        "fr": "Plusieurs programmes coop et stages subventionnés exigent une inscription à temps "
        "plein; vérifiez si vos études à temps partiel limitent vos options.",
    },
    "institution": {
        "en": "{name} sets its own eligibility rules (for example GPA and required workshops); "
        "its WIL office confirms whether you qualify.",
        "fr": "{name} fixe ses propres critères d'admissibilité (par exemple la moyenne et les "
        "ateliers obligatoires); son bureau d'AIT confirme si vous êtes admissible.",
    },
}

_STATUS_NAMES = {
    "citizen": {"en": "Canadian citizen", "fr": "citoyen(ne) canadien(ne)"},
    "permanent_resident": {"en": "permanent resident", "fr": "résident(e) permanent(e)"},
    "protected_person": {"en": "protected person", "fr": "personne protégée"},
}


def prescreen(fields: Mapping[str, Any], locale: str) -> list[Guidance]:
    """Return eligibility guidance for a student's answers; never a decision."""
    language = lang(locale)
    out: list[Guidance] = []
    residency = fields.get("residency_status")
    if residency in _STATUS_NAMES:
        text = _TEXTS["funded"][language].format(status=_STATUS_NAMES[residency][language])
        out.append(Guidance(text=text, source_key="students-eligibility#residency-funding"))
    elif residency == "international_student":
        out.append(
            Guidance(
                text=_TEXTS["international"][language],
                source_key="students-eligibility#international",
            )
        )
        out.append(
            Guidance(
                text=_TEXTS["hours"][language],
                source_key="playbook-international-students#hour-limits",
            )
        )
    elif residency == "other":
        out.append(
            Guidance(
                text=_TEXTS["other_status"][language],
                source_key="students-eligibility#residency-funding",
            )
        )
    if fields.get("enrollment_status") == "part_time":
        out.append(
            Guidance(
                text=_TEXTS["part_time"][language], source_key="students-eligibility#enrollment"
            )
        )
    institution = fields.get("institution")
    if institution in INSTITUTIONS:
        text = _TEXTS["institution"][language].format(name=INSTITUTION_NAMES[institution])
        out.append(Guidance(text=text, source_key=f"institution-{institution}#eligibility"))
    return out
