"""Closure settings: dates and ranges parse, a bad date stops start-up naming the variable."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from assistant.config import load_settings
from assistant.errors import ConfigError


def test_closed_dates_accept_dates_and_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIL_CLOSED_DATES", "2026-12-31, 2026-12-24..2026-12-26")
    settings = load_settings()
    assert settings.closed_dates == [
        date(2026, 12, 24),
        date(2026, 12, 25),
        date(2026, 12, 26),
        date(2026, 12, 31),
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-12-24,24/12/2026", "'24/12/2026' is not a date"),
        ("2026-02-30", "'2026-02-30' is not a date"),
        ("2027-01-02..2026-12-24", "must go forward"),
    ],
)
def test_a_bad_closure_date_names_the_variable_and_the_value(
    monkeypatch: pytest.MonkeyPatch, value: str, shown: str
) -> None:
    monkeypatch.setenv("WIL_CLOSED_DATES", value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert "WIL_CLOSED_DATES" in str(err.value)
    assert shown in str(err.value)
    assert "YYYY-MM-DD" in str(err.value) or "forward" in str(err.value)


def test_the_holiday_calendar_can_be_turned_off_but_not_misspelt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WIL_HOLIDAY_CALENDAR", "none")
    assert load_settings().holiday_calendar == "none"
    monkeypatch.setenv("WIL_HOLIDAY_CALENDAR", "quebec")
    with pytest.raises(ConfigError, match="WIL_HOLIDAY_CALENDAR"):
        load_settings()


def test_calgary_time_comes_from_the_pinned_time_zone_data(tmp_path: Path) -> None:
    """The server and the browser must agree on Calgary's clock.

    tzdata 2026f (the pinned package) has America/Edmonton on UTC-6 in November 2026; some
    distributions still ship 2025 data with UTC-7, which put the server's "a liaison will reply
    at 9:00" an hour away from the times the console and widget show.
    """
    tz = load_settings(data_dir=tmp_path, env="test").tz
    assert datetime(2026, 11, 23, 12, tzinfo=tz).utcoffset() == timedelta(hours=-6)
    assert datetime(2025, 12, 1, 12, tzinfo=tz).utcoffset() == timedelta(hours=-7)
