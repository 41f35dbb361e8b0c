"""Secretariat business hours: open now?, the next opening, phrased in English or French.

Closed days are the weekdays outside `WIL_BUSINESS_DAYS`, Alberta's holidays (computed here for
any year, offline; `WIL_HOLIDAY_CALENDAR=none` turns them off) and `WIL_CLOSED_DATES`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

from assistant.config import WEEKDAYS, Settings
from assistant.intake.terms import MONTH_NAMES

logger = logging.getLogger(__name__)

DAY_NAMES = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}
# The secretariat serves Calgary; its zone is named after Edmonton.
CITY_OF_ZONE = {"America/Edmonton": "Calgary"}
# How far ahead to look for an opening (a year of closures is a configuration mistake).
SEARCH_DAYS = 400
MONDAY, SUNDAY = 0, 6


def easter_sunday(year: int) -> date:
    """Return Easter Sunday of a Gregorian year (the anonymous Meeus/Jones/Butcher computus)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """Return the n-th (1-based) given weekday (0 = Monday) of a month."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


@functools.lru_cache(maxsize=64)
def alberta_holidays(year: int, truth_and_reconciliation: bool = True) -> Mapping[date, str]:
    """Return the days the secretariat closes for holidays in `year`, each with its name.

    Statutory general holidays under Alberta's Employment Standards Code (nine): New Year's Day,
    Alberta Family Day, Good Friday, Victoria Day, Canada Day (July 2 when July 1 is a Sunday),
    Labour Day, Thanksgiving Day, Remembrance Day, Christmas Day.

    Observed by the secretariat's choice (optional in Alberta): Heritage Day, Boxing Day and, unless
    `truth_and_reconciliation` is False, the National Day for Truth and Reconciliation (a federal
    statutory holiday, not an Alberta one). Easter Monday is not observed.

    A holiday falling on a weekend is not moved to a weekday (the Code has no such rule, apart
    from Canada Day's): Boxing Day on a Saturday leaves the Monday open. Days the secretariat
    closes in lieu go in `WIL_CLOSED_DATES`.
    """
    good_friday = easter_sunday(year) - timedelta(days=2)
    may_25 = date(year, 5, 25)
    victoria_day = may_25 - timedelta(days=(may_25.weekday() - MONDAY) % 7 or 7)
    moving = {
        nth_weekday(year, 2, MONDAY, 3): "Alberta Family Day",  # statutory
        good_friday: "Good Friday",  # statutory
        victoria_day: "Victoria Day",  # statutory: the Monday before May 25
        nth_weekday(year, 8, MONDAY, 1): "Heritage Day",  # optional, observed by choice
        nth_weekday(year, 9, MONDAY, 1): "Labour Day",  # statutory
        nth_weekday(year, 10, MONDAY, 2): "Thanksgiving Day",  # statutory
    }
    canada_day = date(year, 7, 1)
    if canada_day.weekday() == SUNDAY:
        canada_day = date(year, 7, 2)  # statutory rule, not a substitute by choice
    fixed = {
        date(year, 1, 1): "New Year's Day",  # statutory
        canada_day: "Canada Day",  # statutory
        date(year, 11, 11): "Remembrance Day",  # statutory
        date(year, 12, 25): "Christmas Day",  # statutory
        date(year, 12, 26): "Boxing Day",  # optional, observed by choice
    }
    if truth_and_reconciliation:
        # Federal statutory holiday; optional in Alberta, observed by choice.
        fixed[date(year, 9, 30)] = "National Day for Truth and Reconciliation"
    return MappingProxyType(dict(sorted({**moving, **fixed}.items())))  # cached: read-only


@dataclass(frozen=True)
class BusinessHours:
    """Opening hours on given weekdays in one time zone, minus holidays and closure dates."""

    tz: ZoneInfo
    opens: time
    closes: time
    days: frozenset[int]  # 0 = Monday
    holidays: bool = True  # Alberta's holiday calendar (see `alberta_holidays`)
    truth_and_reconciliation: bool = True
    closed_dates: frozenset[date] = frozenset()

    @classmethod
    def from_settings(cls, settings: Settings) -> BusinessHours:
        """Build the hours from `WIL_TIMEZONE`, `WIL_BUSINESS_*`, the holiday settings and closures."""
        opens, closes = settings.opening_hours
        days = frozenset(WEEKDAYS.index(d) for d in settings.business_days)
        return cls(
            tz=settings.tz,
            opens=opens,
            closes=closes,
            days=days,
            holidays=settings.holiday_calendar == "alberta",
            truth_and_reconciliation=settings.truth_and_reconciliation_day,
            closed_dates=frozenset(settings.closed_dates),
        )

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

    def holiday(self, day: date) -> str | None:
        """Return the name of the holiday or closure on `day` (a local date), or None."""
        if day in self.closed_dates:
            return "closed"
        if self.holidays:
            return alberta_holidays(day.year, self.truth_and_reconciliation).get(day)
        return None

    def is_business_day(self, day: date) -> bool:
        """Return True when liaisons work on `day`: a business weekday that is not closed."""
        return day.weekday() in self.days and self.holiday(day) is None

    def is_open(self, now: datetime) -> bool:
        """Return True when a liaison is expected to be at work at `now`."""
        local = self.local(now)
        return self.is_business_day(local.date()) and self.opens <= local.time() < self.closes

    def next_opening(self, now: datetime) -> datetime:
        """Return the next opening time after `now` (local, aware); `now` itself if open."""
        local = self.local(now)
        if self.is_open(now):
            return local
        if not self.days:
            raise ValueError("no business days configured")
        day = local.date()
        if self.is_business_day(day) and local.time() < self.opens:
            return self._at(day, self.opens)
        for offset in range(1, SEARCH_DAYS + 1):
            candidate = day + timedelta(days=offset)
            if self.is_business_day(candidate):
                return self._at(candidate, self.opens)
        raise ValueError(f"no business day in the next {SEARCH_DAYS} days: check WIL_CLOSED_DATES")

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.tz)

    def describe_next_opening(self, now: datetime, locale: str) -> str:
        """Return e.g. "Monday at 9:00 (Calgary time)" / "lundi à 9 h (heure de Calgary)".

        An opening a week or more away also names the date ("Monday, January 4 at 9:00"), so the
        weekday cannot be mistaken for the coming one.
        """
        opening = self.next_opening(now)
        today = self.local(now).date()
        lang = "fr" if locale.startswith("fr") else "en"
        delta = (opening.date() - today).days
        weekday = DAY_NAMES[lang][opening.weekday()]
        month = MONTH_NAMES[lang][opening.month - 1]
        if lang == "fr":
            number = "1er" if opening.day == 1 else str(opening.day)
            named = weekday if delta < 7 else f"{weekday} {number} {month}"
            day = {0: "aujourd'hui", 1: "demain"}.get(delta, named)
            clock = f"{opening.hour} h" + (f" {opening.minute:02d}" if opening.minute else "")
            return f"{day} à {clock} (heure de {self.city})"
        named = weekday if delta < 7 else f"{weekday}, {month} {opening.day}"
        day = {0: "today", 1: "tomorrow"}.get(delta, named)
        return f"{day} at {opening.hour}:{opening.minute:02d} ({self.city} time)"
