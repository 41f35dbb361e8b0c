"""How stored codes read to people: labels in English and French, Calgary times, references.

Exports, the console and staff notifications show `Co-op` / `Stage coop`, not `co_op`; a time in
the secretariat's zone to the second, not UTC with microseconds; and the short reference the
person was told in the chat. Labels come from the intake field registry, so a new value gets its
label in one place.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from assistant.config import load_zone
from assistant.store.models import as_utc

EN_FR = ("en", "fr")

KIND_LABELS = {
    "employer": {"en": "Employer offer", "fr": "Offre d'employeur"},
    "student": {"en": "Student profile", "fr": "Profil étudiant"},
}
STATUS_LABELS = {
    "draft": {"en": "Draft", "fr": "Brouillon"},  # rows stored before the two draft statuses
    "collecting": {"en": "Draft (in progress)", "fr": "Brouillon (en cours)"},
    "confirming": {"en": "Draft (awaiting confirmation)", "fr": "Brouillon (à confirmer)"},
    "submitted": {"en": "Submitted", "fr": "Soumis"},
    "cancelled": {"en": "Cancelled", "fr": "Annulé"},
}
LANGUAGE_LABELS = {
    "en": {"en": "English", "fr": "anglais"},
    "fr": {"en": "French", "fr": "français"},
}
CHANNEL_LABELS = {
    "web": {"en": "Web chat", "fr": "Clavardage Web"},
    "telegram": {"en": "Telegram", "fr": "Telegram"},
    "cli": {"en": "Terminal", "fr": "Terminal"},
    "api": {"en": "API", "fr": "API"},
}


def lang(locale: str | None) -> str:
    """Return "fr" for any French locale, else "en"."""
    return "fr" if (locale or "").lower().startswith("fr") else "en"


def _pick(table: dict[str, dict[str, str]], code: str | None, locale: str) -> str:
    if not code:
        return ""
    return table.get(code, {}).get(lang(locale), code)


def kind_label(kind: str | None, locale: str) -> str:
    """Return "Employer offer" / "Offre d'employeur" for a kind code."""
    return _pick(KIND_LABELS, kind, locale)


def status_label(status: str | None, locale: str) -> str:
    """Return an intake status for people."""
    return _pick(STATUS_LABELS, status, locale)


def language_label(code: str | None, locale: str) -> str:
    """Return a conversation language ("French", "anglais")."""
    return _pick(LANGUAGE_LABELS, code, locale)


def channel_label(code: str | None, locale: str) -> str:
    """Return a channel ("Web chat", "Telegram")."""
    return _pick(CHANNEL_LABELS, code, locale)


def institution_label(code: str | None) -> str:
    """Return an institution's name ("Mount Royal University") for its id."""
    from assistant.intake.messages import institution_name

    return institution_name(code) if code else ""


def term_label(term: str | None, locale: str) -> str:
    """Return a canonical term ("2027-summer") as people say it ("Summer 2027", "été 2027")."""
    from assistant.intake import format_term

    return format_term(term, lang(locale)) if term else ""


def field_label(kind: str | None, name: str, locale: str) -> str:
    """Return an intake field's label in the locale's language (the code when unknown)."""
    spec = _spec(kind, name)
    return spec.text("label", lang(locale)) if spec is not None else name


def value_label(kind: str | None, name: str, value: Any, locale: str) -> Any:
    """Return a field value for people: labels for codes, numbers left as numbers.

    Numbers stay numbers (a spreadsheet sums them); an organization size is already a range
    people read ("10-49"); free text is returned as typed.
    """
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    spec = _spec(kind, name)
    if spec is None or name == "organization_size":
        return value
    from assistant.intake.messages import format_value

    try:
        return format_value(spec, value, lang(locale))
    except (TypeError, ValueError, KeyError):
        return value


def _spec(kind: str | None, name: str) -> Any:
    from assistant.intake import fields_for

    for k in (kind,) if kind in ("employer", "student") else ("employer", "student"):
        spec = fields_for(str(k)).get(name)
        if spec is not None:
            return spec
    return None


def intake_reference(intake_id: str | None) -> str:
    """Return the short reference a person is told when their intake is submitted (e.g. ED3E2F64).

    It is the id's first eight characters in capitals: unique enough for a secretariat's volume
    and the same string in the chat, the console, the exports and the staff notifications.
    """
    return str(intake_id or "")[:8].upper()


def local_time(value: datetime | None, zone: str | ZoneInfo, *, seconds: bool = True) -> str:
    """Return a stored UTC time in the secretariat's zone, e.g. "2026-12-07 11:58:03" (no microseconds)."""
    aware = as_utc(value)
    if aware is None:
        return ""
    tz = load_zone(zone) if isinstance(zone, str) else zone
    return aware.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def local_iso(value: datetime | None, zone: str | ZoneInfo) -> str | None:
    """Return a stored time as ISO 8601 in the secretariat's zone, to the second, with its offset."""
    aware = as_utc(value)
    if aware is None:
        return None
    tz = load_zone(zone) if isinstance(zone, str) else zone
    return aware.astimezone(tz).replace(microsecond=0).isoformat()


def zone_abbreviation(value: datetime | None, zone: str | ZoneInfo) -> str:
    """Return the zone's abbreviation at that time from the pinned tzdata (MST, MDT...)."""
    aware = as_utc(value)
    if aware is None:
        return ""
    tz = load_zone(zone) if isinstance(zone, str) else zone
    return aware.astimezone(tz).tzname() or ""


def zone_periods(zone: str, first_year: int, last_year: int) -> list[tuple[int, int, str]]:
    """Return the zone's periods from the pinned tzdata: (start in UTC ms, UTC offset in minutes, abbreviation).

    The console formats times with these instead of the browser's own zone data, which can be
    older: Alberta's 2026 change (UTC-6 all year, "CST" in tzdata 2026f) showed as "MDT" in a
    browser while the staff group said "CST" for the same moment.
    """
    return list(_zone_periods(zone, first_year, last_year))


@functools.lru_cache(maxsize=8)
def _zone_periods(zone: str, first_year: int, last_year: int) -> tuple[tuple[int, int, str], ...]:
    tz = load_zone(zone)
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)

    def state(moment: datetime) -> tuple[int, str]:
        local = moment.astimezone(tz)
        offset = local.utcoffset() or timedelta(0)
        return int(offset.total_seconds() // 60), local.tzname() or ""

    periods = [(int(start.timestamp() * 1000), *state(start))]
    moment = start
    while moment < end:
        following = moment + timedelta(days=1)
        if state(following) != state(moment):
            low, high = moment, following  # the change happens in (low, high]
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (low, middle) if state(middle) != state(low) else (middle, high)
            periods.append((int(high.replace(microsecond=0).timestamp() * 1000), *state(high)))
        moment = following
    return tuple(periods)
