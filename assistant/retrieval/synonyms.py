"""Same-language synonyms for BM25: users say 'grant' or 'boss' where the pages say 'subsidy' or 'supervisor'."""

from __future__ import annotations

# A query word (matched by stem) also matches these words of the same language. One-way on purpose:
# 'boss' finds 'supervisor' pages, but a question about supervisors is not widened to bosses.
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "coop": ("co-op",),
        "intern": ("internship",),
        "internship": ("intern",),
        "subsidy": ("grant", "funding"),
        "grant": ("subsidy", "funding"),
        "funding": ("subsidy", "grant"),
        "money": ("funding",),
        "wage": ("pay", "salary"),
        "pay": ("wage", "salary"),
        "salary": ("wage", "pay"),
        "hire": ("recruit",),
        "recruit": ("hire",),
        "hurt": ("injury", "injured"),
        "boss": ("supervisor",),
        "manager": ("supervisor",),
        "remote": ("virtual", "online"),
        "virtual": ("remote", "online"),
        "foreign": ("international",),
        "visa": ("permit",),
        "fee": ("cost",),
        "price": ("cost",),
        "home": ("remote",),
        "wfh": ("remote",),
    },
    "fr": {
        "international": ("étranger",),
        "étranger": ("international",),
        "subvention": ("financement",),
        "financement": ("subvention",),
        "salaire": ("rémunération",),
        "rémunération": ("salaire",),
        "paie": ("salaire", "rémunération"),
        "embaucher": ("recruter",),
        "recruter": ("embaucher",),
        "engager": ("embaucher", "recruter"),
        "blessure": ("accident", "blessé"),
        "blessé": ("blessure", "accident"),
        "patron": ("superviseur",),
        "gestionnaire": ("superviseur",),
        "télétravail": ("distance",),
        "argent": ("subvention", "financement", "salaire"),
        "maison": ("distance", "télétravail", "domicile"),
        "garder": ("conserver",),
        "gardez": ("conserver",),
        "dispo": ("disponible", "heures"),
    },
}

# Program and organization names: a question naming one is about it, however common the name is
# in the guides ("mitacs ça coûte combien" is about Mitacs, not about costs in general).
NAMES: frozenset[str] = frozenset(
    [
        "mitacs",
        "swpp",
        "pspe",
        "cewil",
        "ecait",
        "bher",
        "traes",
        "wcb",
        "csj",
        "ecc",
        "riipen",
        "talented",
        "yyc",
        "magnet",
        "technation",
        "esdc",
        "edsc",
        "sait",
        "mru",
        "ucalgary",
        "bow",
        "valley",
        "ambrose",
        "auarts",
    ]
)
