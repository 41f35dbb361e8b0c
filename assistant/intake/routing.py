"""Route a submitted intake to the institutions that fit it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistant.intake.gazetteers import INSTITUTIONS
from assistant.understanding.vocab import routes

ALL_INSTITUTIONS: tuple[str, ...] = tuple(INSTITUTIONS)

# Which institutions train students in each program area, best fit first, and (when no program
# is given) who offers each kind of WIL most often: both are data (vocab/programs, vocab/wil_types).
PROGRAM_ROUTES: dict[str, tuple[str, ...]] = routes("programs")
WIL_ROUTES: dict[str, tuple[str, ...]] = routes("wil_types")


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
