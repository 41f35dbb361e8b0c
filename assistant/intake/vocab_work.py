"""Workplace vocabularies: WIL types, industries, places and work arrangements (data files)."""

from __future__ import annotations

from assistant.understanding.vocab import Table, table

WIL_TYPES: Table = table("wil_types")
INDUSTRIES: Table = table("industries")
LOCATIONS: Table = table("locations")
WORK_ARRANGEMENTS: Table = table("work_arrangements")

__all__ = ["INDUSTRIES", "LOCATIONS", "WIL_TYPES", "WORK_ARRANGEMENTS"]
