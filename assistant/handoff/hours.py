"""Secretariat business hours: open now?, the next opening, phrased in English or French."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from assistant.config import WEEKDAYS, Settings

logger = logging.getLogger(__name__)

DAY_NAMES = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}
# The secretariat serves Calgary; its zone is named after Edmonton.
CITY_OF_ZONE = {"America/Edmonton": "Calgary"}


@dataclass(frozen=True)
class BusinessHours:
    """Opening hours on given weekdays in one time zone."""

    tz: ZoneInfo
    opens: time
    closes: time
    days: frozenset[int]  # 0 = Monday

    @classmethod
    def from_settings(cls, settings: Settings) -> BusinessHours:
        """Build the hours from `WIL_TIMEZONE`, `WIL_BUSINESS_HOURS` and `WIL_BUSINESS_DAYS`."""
        opens, closes = settings.opening_hours
        days = frozenset(WEEKDAYS.index(d) for d in settings.business_days)
        return cls(tz=settings.tz, opens=opens, closes=closes, days=days)

    @property
    def city(self) -> str:
        """Return the place name used to say whose clock the times are on."""
        key = self.tz.key
        return CITY_OF_ZONE.get(key, key.rsplit("/", 1)[-1].replace("_", " "))

    def local(self, now: datetime) -> datetime:
        """Return `now` on the secretariat's clock (naive datetimes are taken as UTC)."""
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        return now.astimezone(self.tz)

    def is_open(self, now: datetime) -> bool:
        """Return True when a liaison is expected to be at work at `now`."""
        local = self.local(now)
        return local.weekday() in self.days and self.opens <= local.time() < self.closes

    def next_opening(self, now: datetime) -> datetime:
        """Return the next opening time after `now` (local, aware); `now` itself if open."""
        local = self.local(now)
        if self.is_open(now):
            return local
        if not self.days:
            raise ValueError("no business days configured")
        day = local.date()
        if local.weekday() in self.days and local.time() < self.opens:
            return self._at(day, self.opens)
        for offset in range(1, 8):
            candidate = day + timedelta(days=offset)
            if candidate.weekday() in self.days:
                return self._at(candidate, self.opens)
        raise AssertionError("unreachable: a business day occurs within a week")

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.tz)

    def describe_next_opening(self, now: datetime, locale: str) -> str:
        """Return e.g. "Monday at 9:00 (Calgary time)" / "lundi à 9 h (heure de Calgary)"."""
        opening = self.next_opening(now)
        today = self.local(now).date()
        lang = "fr" if locale.startswith("fr") else "en"
        delta = (opening.date() - today).days
        if lang == "fr":
            day = {0: "aujourd'hui", 1: "demain"}.get(delta, DAY_NAMES["fr"][opening.weekday()])
            clock = f"{opening.hour} h" + (f" {opening.minute:02d}" if opening.minute else "")
            return f"{day} à {clock} (heure de {self.city})"
        day = {0: "today", 1: "tomorrow"}.get(delta, DAY_NAMES["en"][opening.weekday()])
        return f"{day} at {opening.hour}:{opening.minute:02d} ({self.city} time)"
