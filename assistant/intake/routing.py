"""Route a submitted intake to the institutions that fit it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistant.intake.gazetteers import INSTITUTIONS

ALL_INSTITUTIONS: tuple[str, ...] = tuple(INSTITUTIONS)

# Which institutions train students in each program area, best fit first.
PROGRAM_ROUTES: dict[str, tuple[str, ...]] = {
    "engineering": ("ucalgary", "sait"),
    "computer_science": ("ucalgary", "mru", "sait", "bow_valley"),
    "business": ("mru", "ucalgary", "bow_valley"),
    "nursing": ("mru", "ucalgary", "bow_valley"),
    "health": ("mru", "ucalgary", "bow_valley"),
    "arts_design": ("auarts",),
    "education": ("st_marys", "ambrose", "ucalgary"),
    "science": ("ucalgary", "mru"),
    "social_work": ("mru", "bow_valley", "ucalgary"),
    "communications": ("mru", "sait", "auarts"),
    "trades": ("sait", "bow_valley"),
    "hospitality": ("sait", "bow_valley"),
    "liberal_arts": ("st_marys", "ambrose", "mru", "ucalgary"),
    "theology": ("ambrose",),
}

# Used when no program is given: who offers that kind of WIL most often.
WIL_ROUTES: dict[str, tuple[str, ...]] = {
    "co_op": ("ucalgary", "mru", "sait"),
    "apprenticeship": ("sait",),
    "applied_research": ("ucalgary", "mru", "sait"),
    "service_learning": ("ambrose", "mru", "st_marys"),
    "mandatory_practice": ("mru", "ucalgary", "bow_valley"),
    "entrepreneurship": ("mru", "ucalgary", "sait"),
}


def route_intake(kind: str, fields: Mapping[str, Any]) -> list[str]:
    """Return the institution ids a submitted intake should go to; empty means the secretariat."""
    if kind == "student":
        institution = fields.get("institution")
        return [institution] if institution in INSTITUTIONS else []
    preferred = [i for i in fields.get("institutions_preferred") or [] if i in INSTITUTIONS]
    if preferred:
        return list(dict.fromkeys(preferred))
    routed: list[str] = []
    for area in fields.get("programs_sought") or []:
        routed.extend(PROGRAM_ROUTES.get(area, ()))
    if not routed:
        routed.extend(WIL_ROUTES.get(str(fields.get("wil_type")), ALL_INSTITUTIONS))
    return list(dict.fromkeys(routed))
