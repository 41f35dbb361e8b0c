"""On holidays and closure days liaisons are away: the person is told the next real opening."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.config import load_settings
from assistant.handoff import BusinessHours
from assistant.handoff.hours import alberta_holidays, easter_sunday
from assistant.runtime import build_runtime
from channels.web.app import create_app
from tests.handoff_support import ask_for_human, set_clock, start

# Calgary is UTC-7 in winter (MST) and UTC-6 in summer (MDT).
CHRISTMAS_10AM_2026 = datetime(2026, 12, 25, 17, 0, tzinfo=UTC)  # a Friday


def hours_with(tmp_path: Path, **settings: Any) -> BusinessHours:
    return BusinessHours.from_settings(load_settings(data_dir=tmp_path, env="test", **settings))


@pytest.fixture
def hours(tmp_path: Path) -> BusinessHours:
    return hours_with(tmp_path)


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[Any]:
    """Return a factory of HTTP clients on runtimes with given settings and a frozen clock."""
    made: list[Any] = []

    def make(moment: datetime, **settings: Any) -> TestClient:
        values = {"data_dir": tmp_path / f"d{len(made)}", "env": "test", **settings}
        runtime = build_runtime(load_settings(**values), retriever=None)
        set_clock(runtime, moment)
        client = TestClient(create_app(runtime=runtime))
        client.__enter__()
        made.append((client, runtime))
        return client

    yield make
    for client, runtime in made:
        client.__exit__(None, None, None)
        runtime.db.dispose()


def test_on_christmas_day_the_person_is_told_monday_not_today(make_client: Any) -> None:
    client = make_client(CHRISTMAS_10AM_2026)
    reply = ask_for_human(client, start(client))["reply"]["text"]
    assert "away right now" in reply
    assert "a liaison will reply Monday at 9:00 (Calgary time)" in reply
    french = ask_for_human(client, start(client, "fr"), "un humain svp")["reply"]["text"]
    assert "quelqu'un vous répondra lundi à 9 h (heure de Calgary)" in french


def test_with_the_holiday_calendar_off_christmas_is_an_ordinary_friday(make_client: Any) -> None:
    client = make_client(CHRISTMAS_10AM_2026, holiday_calendar="none")
    reply = ask_for_human(client, start(client))["reply"]["text"]
    assert "Someone will be with you shortly" in reply


def test_closure_dates_before_christmas_push_the_reply_past_the_long_weekend(
    tmp_path: Path,
) -> None:
    hours = hours_with(tmp_path, closed_dates="2026-12-24,2026-12-31")
    wednesday_evening = datetime(2026, 12, 24, 1, 0, tzinfo=UTC)  # Wed Dec 23, 18:00 MST
    assert hours.describe_next_opening(wednesday_evening, "en") == "Monday at 9:00 (Calgary time)"
    assert hours.describe_next_opening(wednesday_evening, "fr") == "lundi à 9 h (heure de Calgary)"
    # Thursday the 31st is closed too, and Friday is New Year's Day.
    wednesday_30 = datetime(2026, 12, 31, 1, 0, tzinfo=UTC)
    assert hours.describe_next_opening(wednesday_30, "en").startswith("Monday at 9:00")


def test_an_opening_a_week_or_more_away_names_the_date(tmp_path: Path) -> None:
    hours = hours_with(tmp_path, closed_dates="2026-12-21..2027-01-01")
    friday_before = datetime(2026, 12, 19, 1, 0, tzinfo=UTC)  # Fri Dec 18, 18:00 MST
    assert (
        hours.describe_next_opening(friday_before, "en")
        == "Monday, January 4 at 9:00 (Calgary time)"
    )
    assert (
        hours.describe_next_opening(friday_before, "fr")
        == "lundi 4 janvier à 9 h (heure de Calgary)"
    )


@pytest.mark.parametrize(
    ("moment", "en", "fr"),
    [
        # Thursday before Good Friday 2026 (April 3), 17:30 MDT: the long weekend is skipped.
        (datetime(2026, 4, 2, 23, 30, tzinfo=UTC), "Monday at 9:00", "lundi à 9 h"),
        # Family Day (Monday Feb 16 2026) at 8:00 MST: not "today at 9:00".
        (datetime(2026, 2, 16, 15, 0, tzinfo=UTC), "tomorrow at 9:00", "demain à 9 h"),
        # Victoria Day 2026 is May 18 (May 25 is itself a Monday): the Friday before → Tuesday.
        (datetime(2026, 5, 16, 0, 0, tzinfo=UTC), "Tuesday at 9:00", "mardi à 9 h"),
        # Sunday July 1 2029: Canada Day moves to Monday July 2.
        (datetime(2029, 6, 30, 18, 0, tzinfo=UTC), "Tuesday at 9:00", "mardi à 9 h"),
        # Heritage Day, Labour Day, Thanksgiving 2026: Mondays Aug 3, Sep 7, Oct 12.
        (datetime(2026, 8, 1, 18, 0, tzinfo=UTC), "Tuesday at 9:00", "mardi à 9 h"),
        (datetime(2026, 9, 5, 18, 0, tzinfo=UTC), "Tuesday at 9:00", "mardi à 9 h"),
        (datetime(2026, 10, 10, 18, 0, tzinfo=UTC), "Tuesday at 9:00", "mardi à 9 h"),
        # Truth and Reconciliation (Wed Sep 30 2026) and Remembrance Day (Wed Nov 11 2026).
        (datetime(2026, 9, 30, 0, 0, tzinfo=UTC), "Thursday at 9:00", "jeudi à 9 h"),
        (datetime(2026, 11, 11, 1, 0, tzinfo=UTC), "Thursday at 9:00", "jeudi à 9 h"),
        # New Year's Eve 2026 (Thursday) evening: Friday Jan 1 is a holiday.
        (datetime(2027, 1, 1, 1, 0, tzinfo=UTC), "Monday at 9:00", "lundi à 9 h"),
    ],
)
def test_holidays_are_skipped_when_naming_the_next_opening(
    hours: BusinessHours, moment: datetime, en: str, fr: str
) -> None:
    assert not hours.is_open(moment)
    assert hours.describe_next_opening(moment, "en").startswith(en)
    assert hours.describe_next_opening(moment, "fr").startswith(fr)


def test_a_holiday_morning_is_closed_and_the_next_day_open(hours: BusinessHours) -> None:
    good_friday_10am = datetime(2026, 4, 3, 16, 0, tzinfo=UTC)
    assert not hours.is_open(good_friday_10am)
    assert hours.is_open(datetime(2026, 4, 6, 16, 0, tzinfo=UTC))  # Easter Monday is a workday


def test_truth_and_reconciliation_day_can_be_a_workday(tmp_path: Path) -> None:
    sept_30_10am = datetime(2026, 9, 30, 16, 0, tzinfo=UTC)
    assert not hours_with(tmp_path).is_open(sept_30_10am)
    assert hours_with(tmp_path, truth_and_reconciliation_day=False).is_open(sept_30_10am)


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2008, date(2008, 3, 23)),
        (2019, date(2019, 4, 21)),
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2038, date(2038, 4, 25)),
        (2285, date(2285, 3, 22)),
    ],
)
def test_easter_follows_the_gregorian_computus(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_the_2025_calendar_matches_albertas_published_dates() -> None:
    assert sorted(alberta_holidays(2025)) == [
        date(2025, 1, 1),
        date(2025, 2, 17),
        date(2025, 4, 18),
        date(2025, 5, 19),
        date(2025, 7, 1),
        date(2025, 8, 4),
        date(2025, 9, 1),
        date(2025, 9, 30),
        date(2025, 10, 13),
        date(2025, 11, 11),
        date(2025, 12, 25),
        date(2025, 12, 26),
    ]
