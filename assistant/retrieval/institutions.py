"""The institutions, from one registry: the knowledge's institution pages (front matter `institution`,
`title` and `names`), read back from the index so retrieval never keeps its own list.

A question names an institution when it contains one of its names ("MRU", "u of c", "Université de
Calgary") as whole words, compared without case or accents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from assistant.text_input import fold_casual

_BRACKETS = re.compile(r"\s*\(([^)]*)\)")
# "sait" is also a French verb ("il sait"): in French, SAIT counts only when written in capitals.
_FRENCH_VERBS = frozenset({"sait"})


@dataclass(frozen=True)
class Institution:
    """One institution: its id (front matter `institution`), names and page title per language."""

    id: str
    names: tuple[str, ...]
    titles: Mapping[str, str] = field(default_factory=dict)

    def title(self, lang: str) -> str:
        """Return the institution's page title in `lang` (else any), brackets dropped."""
        raw = self.titles.get(lang) or next(iter(self.titles.values()), self.id)
        return _BRACKETS.sub("", raw).strip()


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w'&]+", " ", fold_casual(text)).split())


class InstitutionRegistry:
    """Find the institutions a text names."""

    def __init__(self, institutions: Iterable[Institution]) -> None:
        self.institutions = {inst.id: inst for inst in institutions}
        self._patterns: dict[str, re.Pattern[str]] = {}
        for inst in self.institutions.values():
            folded = sorted({_fold(n) for n in inst.names if _fold(n)}, key=len, reverse=True)
            if folded:
                alternatives = "|".join(re.escape(n).replace(r"\ ", r"[\s.]{0,2}") for n in folded)
                self._patterns[inst.id] = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")

    @classmethod
    def from_metadata(cls, metadatas: Iterable[Mapping[str, object]]) -> InstitutionRegistry:
        """Build the registry from indexed chunks' metadata (institution pages only)."""
        names: dict[str, set[str]] = {}
        titles: dict[str, dict[str, str]] = {}
        for meta in metadatas:
            inst = str(meta.get("institution") or "")
            if not inst:
                continue
            title = str(meta.get("title") or "")
            lang = str(meta.get("lang") or "en")
            found = names.setdefault(inst, set())
            found.update(n for n in str(meta.get("institution_names") or "").split("\n") if n)
            if title:
                titles.setdefault(inst, {}).setdefault(lang, title)
                found.add(_BRACKETS.sub("", title))
                found.update(m.group(1) for m in _BRACKETS.finditer(title))
        return cls(
            Institution(inst, tuple(sorted(found)), titles.get(inst, {}))
            for inst, found in sorted(names.items())
        )

    def named(self, text: str, lang: str = "en") -> list[str]:
        """Return the ids of the institutions the text names, in the order they appear."""
        folded = _fold(text)
        hits: list[tuple[int, str]] = []
        for inst, pattern in self._patterns.items():
            for match in pattern.finditer(folded):
                word = match.group(0)
                if lang == "fr" and word in _FRENCH_VERBS and word.upper() not in text:
                    continue
                hits.append((match.start(), inst))
                break
        return [inst for _, inst in sorted(hits)]

    def find(self, folded: str) -> list[tuple[int, int, str]]:
        """Return (start, end, id) of the institution names in an already folded text (lower
        case, no accents, same length as the original), for cutting them out of it."""
        return [(*m.span(), inst) for inst, p in self._patterns.items() for m in p.finditer(folded)]

    def title(self, inst: str, lang: str) -> str:
        """Return an institution's name as the guides write it in `lang` ('' when unknown)."""
        found = self.institutions.get(inst)
        return found.title(lang) if found else ""
