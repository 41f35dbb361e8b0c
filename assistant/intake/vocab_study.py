"""Study vocabularies: institutions, program areas, residency and enrolment phrases.

The tables are data (`assistant/understanding/data/vocab/`); this module only names them for the
intake code. Matching runs on folded text (see `gazetteers.fold`).
"""

from __future__ import annotations

from assistant.understanding.vocab import Table, names, table

INSTITUTIONS: Table = table("institutions")
INSTITUTION_NAMES: dict[str, str] = names("institutions")
PROGRAM_AREAS: Table = table("programs")
PROGRAM_NAMES: dict[str, str] = names("programs")
RESIDENCY: Table = table("residency")
# Looser phrases accepted only as an answer to the residency question.
RESIDENCY_LOOSE: Table = table("residency", "loose")
ENROLLMENT: Table = table("enrollment")

__all__ = [
    "ENROLLMENT",
    "INSTITUTIONS",
    "INSTITUTION_NAMES",
    "PROGRAM_AREAS",
    "PROGRAM_NAMES",
    "RESIDENCY",
    "RESIDENCY_LOOSE",
    "Table",
]
