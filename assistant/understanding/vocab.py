"""Vocabularies as data: institutions (the one registry), programs, sectors, places, WIL types.

Each file under `data/vocab/` maps canonical values to their aliases (regex fragments on folded
text). Adding an institution, a program or a phrasing is an edit to those files, not to Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from assistant.understanding.examples import DATA_DIR

Table = dict[str, tuple[str, ...]]
VOCAB_DIR = DATA_DIR / "vocab"


@cache
def _load(name: str) -> dict[str, Any]:
    raw = yaml.safe_load((VOCAB_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"vocabulary {name}.yaml must be a mapping")
    return raw


def table(name: str, key: str | None = None) -> Table:
    """Return a vocabulary as {canonical value: alias fragments}, in file order.

    Entries are either a list of aliases or a mapping with an `aliases` list.
    """
    section = _load(name)[key or name]
    out: Table = {}
    for value, entry in section.items():
        aliases = entry.get("aliases", ()) if isinstance(entry, dict) else entry
        out[str(value)] = tuple(str(a) for a in aliases)
    return out


def routes(name: str) -> dict[str, tuple[str, ...]]:
    """Return {canonical value: institution ids} from a vocabulary's `institutions` lists."""
    section = _load(name)[name]
    return {
        str(value): tuple(entry.get("institutions") or ())
        for value, entry in section.items()
        if isinstance(entry, dict) and entry.get("institutions")
    }


def names(name: str) -> dict[str, str]:
    """Return {canonical value: display name} for a vocabulary whose entries carry a `name`."""
    raw = _load(name)
    section = raw[name]
    out = {
        str(v): str(e["name"]) for v, e in section.items() if isinstance(e, dict) and "name" in e
    }
    if isinstance(raw.get("other"), dict):
        out["other"] = str(raw["other"]["name"])
    return out


@dataclass(frozen=True)
class Institution:
    """One institution of the registry."""

    id: str
    name: str
    aliases: tuple[str, ...]


@cache
def institutions() -> tuple[Institution, ...]:
    """Return the institutions the secretariat works with, in registry order."""
    return tuple(
        Institution(id=key, name=names("institutions")[key], aliases=aliases)
        for key, aliases in table("institutions").items()
    )


def institution_ids() -> tuple[str, ...]:
    """Return the registry's institution ids."""
    return tuple(i.id for i in institutions())
