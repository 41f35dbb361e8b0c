"""Seed the field-target examples from the intake eval and the scored blind dialogs.

`python -m evals.seed_fields` writes `assistant/understanding/data/fields/from_evals.yaml` and
`from_dialogs.yaml`: for each message answering a form question, the field the form asked and the
field the message gives (`none` for a question or a remark). Utterances carry their expected
fields; dialog turns are played through the form with the exact parsers alone to know what was
asked, and labelled by what they gave, with `TEXT_LABELS` where the parsers read them wrong (the blind
dialogs' failures). Hand-written examples live beside them in the same folder.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from assistant.intake import IntakeState, continue_intake, start_intake
from assistant.intake.extract import extract_fields
from assistant.intake.extractor import RuleFieldExtractor
from assistant.intake.schemas import fields_for
from assistant.understanding.examples import DATA_DIR

ROOT = Path(__file__).parent / "datasets"
OUT = DATA_DIR / "fields"
TODAY = date(2026, 12, 7)
RULES = RuleFieldExtractor()

# Messages the parsers read wrong (the blind dialogs' failures, a few eval error cases): the field
# their words give, whatever was asked when they came.
TEXT_LABELS: dict[str, str] = {
    "my name is priya nair, email is priya@pixelroot.ca": "contact_name",
    "we're about 12 people": "organization_size",
    "job title would be junior developer": "role_title",
    "hybrid, 3 days a week in our office downtown": "work_arrangement",
    "Hybrid, 3 days a week in the office": "work_arrangement",
    "on site obviously, its all outdoor work": "work_arrangement",
    "its on site obviously, at our job sites around airdrie": "work_arrangement",
    "Sur place, sur nos chantiers.": "work_arrangement",
    "sur place c sur, c pas du teletravail": "work_arrangement",
    "in person at our centre": "work_arrangement",
    "c'est sur place, à l'usine, pas de télétravail": "work_arrangement",
    "100% à distance, on travaille tous de la maison": "work_arrangement",
    "It would be hybrid: two days at our warehouse, the rest from home.": "work_arrangement",
    "Merci. Le travail serait hybride, moitié au bureau, moitié à distance.": "work_arrangement",
    "landscape design assistant, helping with site plans and cad drawings": "role_title",
    "Data Analyst Intern - supporting our production forecasting team": "role_title",
    "youth program assistant": "role_title",
    "aide-cuisinier": "role_title",
    "Adjoint(e) au chargé de projets": "role_title",
    "Le titre du poste serait : assistant(e) de recherche en captage du carbone.": "role_title",
    "just 1 student for now": "students_count",
    "just one": "students_count",
    "lots of them": "students_count",
    "engineering or arts and design i guess": "programs_sought",
    "informatique": "programs_sought",
    "ok merci c'est clair. on cherche des étudiants en sciences ou en génie": "programs_sought",
    "ok thx. we're looking for engineering or trades students": "programs_sought",
    "Nous cherchons des étudiants en génie et en sciences.": "programs_sought",
    "L'Université de Calgary et SAIT seraient nos premiers choix.": "institutions_preferred",
    "J'autorise le partage de ces informations avec les établissements d'enseignement.": (
        "consent_to_share"
    ),
    "Yes, paid, $26/hour": "paid",
    "calgary, forest lawn area": "location",
    "My name is Helen Tremblay-Ross and my email is htross@bowriverfood.org. My phone number is "
    "587-555-0123.": "contact_name",
    "Je m'appelle Nathalie Bouchard, mon courriel est n.bouchard@energieboreale.com et mon "
    "téléphone le 403-555-0110.": "contact_name",
    "mon nom c'est Josée Gagnon, courriel josee.gagnon@prairiedoree.ca": "contact_name",
    "on est une soixantaine d'employés": "organization_size",
    "Before I go further, is it actually legal for us to offer an unpaid placement in Alberta? "
    "We can't afford a wage.": "none",
    "Thank you, that's helpful. The placement will be unpaid; it's for course credit through "
    "their program.": "paid",
    "Je voudrais faire un projet d'entrepreneuriat : lancer mon propre petit studio "
    "d'illustration avec l'aide de l'école.": "wil_type",
    "un practicum obligatoire pour mon brevet d'enseignement": "wil_type",
    "chu aux études à temps plein": "enrollment_status",
    "ok cool. so yeah im an international student": "residency_status",
    "ok. i'd want to start next fall": "preferred_term",
    "I would like to start in spring 2027.": "preferred_term",
    "je voudrais commencer à l'automne prochain": "preferred_term",
    "l'ete prochain, idealement dans les energies renouvelables": "preferred_term",
    "Canadian citizen": "residency_status",
    "résidente permanente": "residency_status",
    "international student": "residency_status",
    "je suis à temps plein": "enrollment_status",
    "field placement i think, thats what the school calls it": "wil_type",
    "Sur place, sur nos chantiers": "work_arrangement",
    "Deux étudiants.": "students_count",
    "2 etudiants": "students_count",
    "Oui, j'accepte que mes informations soient partagées avec les établissements.": (
        "consent_to_share"
    ),
    "final year": "year_of_study",
    "je suis en dernière année": "year_of_study",
    "sam at gmail": "email",
    "Harvard of the North": "institution",
    "I don't know": "interests",
    # Blind dialogs set 3.
    "it would be a field placement, helping with our community outreach": "wil_type",
    "they'd help run our drop-in programs, call volunteers and do some data entry": (
        "role_description"
    ),
    "ils feraient de la conception de ponceaux pis des inspections de chantier avec nos "
    "ingénieurs": "role_description",
    "it's a 4 month placement, full time": "duration_months",
    "i'm a full time student": "enrollment_status",
    "i'm part-time this year bc i work 2 jobs": "enrollment_status",
    "i'm a canadian citizen": "residency_status",
    "i'm an international student from nigeria, on a study permit": "residency_status",
    "ok good to know. i'd like to start next fall": "preferred_term",
    "j'aimerais ça travailler dans le solaire pis les bâtiments commerciaux": "interests",
    "ça m'intéresse surtout la pédiatrie pis l'urgence": "interests",
    "mostly interested in wetland ecology and water quality testing": "interests",
    "je suis intéressée par l'illustration pis l'identité visuelle pour des OBNL": "interests",
    "je voudrais faire de l'entrepreneuriat, lancer mon petit studio avec l'appui de l'école": (
        "wil_type"
    ),
    "un étudiant ça suffit": "students_count",
    "we only need one student for now": "students_count",
    "we can take 2 students": "students_count",
    "on prendrait juste un étudiant": "students_count",
    "ce serait une expérience de travail dans leur programme, pas un stage coop": "wil_type",
    "c'est pour leur stage clinique obligatoire, la pratique professionnelle qu'ils doivent faire "
    "pour avoir leur diplôme": "wil_type",
    "my email is dale.oreilly@chinooksprocket.com": "contact_email",
    "mon courriel c'est me.levesque@physio3soeurs.ca pis mon cell 403-555-0166": "contact_email",
    "my email is paris.c@rvos.ca and my cell is 403-555-0187": "contact_email",
    "email is april@bureau404.io": "contact_email",
    "on est 4 avec moi": "organization_size",
    "ok cool. it's paid, $24 an hour": "hourly_wage",
    "ok good to know thx. yes it's paid, $18.50/hr": "hourly_wage",
    "ok good to know. it's paid, $22/hr": "hourly_wage",
    "oui 22$/h": "hourly_wage",
    "yes paid, $18/hr": "hourly_wage",
    "ok. donc oui c'est payé, 18 $/h": "hourly_wage",
    "Oui, 24 $ de l'heure.": "hourly_wage",
    "ok merci. le titre du poste ce serait Assistant(e) en physiothérapie": "role_title",
    "ok parfait. le salaire serait 23$ de l'heure": "hourly_wage",
    "ok. ça durerait 4 mois": "duration_months",
    "ok merci. mes intérêts : musées, patrimoine francophone, organismes communautaires": (
        "interests"
    ),
    "we'd want 3 apprentices if possible": "students_count",
    "it's a hybrid role, 2 days a week in the airdrie office": "work_arrangement",
    "ce serait un stage (internship) de 8 mois, payé": "wil_type",
    "it's a year-long commitment for the on-the-job part": "duration_months",
    "Merci, le résumé est maintenant exact. Vous pouvez soumettre l'offre aux établissements, "
    "c'est confirmé de notre côté.": "none",
}


def _primary(kind: str, asked: str | None, given: list[str]) -> str:
    """Return the field a message gives first: the asked one, else a free-text one, else any."""
    if not given:
        return "none"
    if asked in given:
        return str(asked)
    specs = fields_for(kind)
    free = [g for g in given if g in specs and specs[g].free_text]
    return free[0] if free else given[0]


def _example(kind: str, lang: str, asked: str | None, text: str, field: str) -> dict[str, Any]:
    return {"text": text, "lang": lang, "kind": kind, "asked": asked, "field": field}


def from_utterances(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return examples from the eval's single messages that answer a question."""
    out = []
    for key, items in data.items():
        if not key.endswith("utterances"):
            continue
        for item in items or []:
            asked = item.get("asking")
            if not asked:
                continue
            given = list((item.get("expect") or {}).keys())
            label = TEXT_LABELS.get(item["text"], _primary(item["kind"], asked, given))
            out.append(_example(item["kind"], item.get("lang", "en"), asked, item["text"], label))
    return out


def play(dialog: dict[str, Any], today: date) -> list[dict[str, Any]]:
    """Return one example per turn that answered a form question, played with the parsers alone."""
    kind, lang, turns = dialog["kind"], dialog.get("lang", "en"), dialog["turns"]
    step = start_intake(kind, turns[0], locale=lang, today=today, extractor=RULES)
    out = []
    for text in turns[1:]:
        state: IntakeState = step.state
        if state.status in {"submitted", "cancelled"}:
            break
        asked = state.asking
        if state.status == "collecting" and asked:
            found = extract_fields(kind, text, asking=asked, today=today, locale=lang)
            label = _primary(kind, asked, list(found.values))
            step = continue_intake(state, text, locale=lang, today=today, extractor=RULES)
            if step.outcome == "question":
                label = "none"
            label = TEXT_LABELS.get(text, label)
            out.append(_example(kind, lang, asked, text, label))
        else:
            step = continue_intake(state, text, locale=lang, today=today, extractor=RULES)
    return out


def _write(path: Path, header: str, examples: list[dict[str, Any]]) -> None:
    seen: set[tuple[str, str | None, str]] = set()
    unique = []
    for e in examples:
        key = (e["text"], e["asked"], e["kind"])
        if key not in seen:
            seen.add(key)
            unique.append(e)
    body = yaml.safe_dump({"examples": unique}, allow_unicode=True, sort_keys=False, width=120)
    path.write_text(header + body, encoding="utf-8")
    print(f"{len(unique)} examples -> {path.name}")


def main() -> None:
    """Write the seeded example files."""
    OUT.mkdir(parents=True, exist_ok=True)
    intake = yaml.safe_load((ROOT / "intake.yaml").read_text(encoding="utf-8"))
    today = intake.get("today") or TODAY
    seeded = from_utterances(intake)
    for key, dialogs in intake.items():
        if key.endswith("dialogs"):
            for dialog in dialogs or []:
                seeded += play(dialog, today)
    _write(
        OUT / "from_evals.yaml",
        "# Seeded by evals/seed_fields.py from evals/datasets/intake.yaml: do not edit by hand.\n",
        seeded,
    )
    blind: list[dict[str, Any]] = []
    for name in ("set1", "dialogs2", "dialogs3"):
        raw = yaml.safe_load((ROOT / "blind" / name / "dialogs.yaml").read_text(encoding="utf-8"))
        for dialog in raw["dialogs"]:
            blind += play(dialog, TODAY)
    _write(
        OUT / "from_dialogs.yaml",
        "# Seeded by evals/seed_fields.py from the scored blind dialogs (set1, dialogs2,\n"
        "# dialogs3): training data now, no longer blind. Do not edit by hand: fix a label in the\n"
        "# script's TEXT_LABELS.\n",
        blind,
    )


if __name__ == "__main__":
    main()
