"""Outside business hours the person learns when a liaison will reply and how they will be reached."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings, load_settings
from assistant.conversations import create_conversation
from assistant.handoff import BusinessHours
from assistant.liaisons import NewLiaison
from assistant.runtime import Runtime
from tests.conftest import auth
from tests.handoff_support import (
    FRIDAY_6PM_CALGARY,
    SATURDAY_NOON_CALGARY,
    WEDNESDAY_10AM_CALGARY,
    ask_for_human,
    in_app_loop,
    say,
    set_clock,
    start,
)


def test_after_hours_on_the_web_the_reply_names_the_next_opening_and_asks_for_an_email(
    client: TestClient, runtime: Runtime
) -> None:
    set_clock(runtime, FRIDAY_6PM_CALGARY)
    reply = ask_for_human(client, start(client))["reply"]["text"]
    assert "Monday at 9:00 (Calgary time)" in reply
    assert "email" in reply


def test_after_hours_in_french_the_reply_is_french(client: TestClient, runtime: Runtime) -> None:
    set_clock(runtime, SATURDAY_NOON_CALGARY)
    reply = ask_for_human(client, start(client, "fr"), "un humain svp")["reply"]["text"]
    assert "lundi à 9 h (heure de Calgary)" in reply
    assert "courriel" in reply


def test_an_email_typed_while_waiting_is_kept_for_the_liaison(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    set_clock(runtime, SATURDAY_NOON_CALGARY)
    person = start(client)
    ticket_id = ask_for_human(client, person)["handoff"]["id"]
    ack = say(client, person, "sure, it's dana@prairiepixels.ca")["reply"]["text"]
    assert "dana@prairiepixels.ca" in ack
    detail = client.get(f"/api/handoffs/{ticket_id}", headers=auth(liaison.token)).json()
    assert detail["contact_email"] == "dana@prairiepixels.ca"


def test_after_hours_on_a_push_channel_the_reply_says_it_arrives_here(
    client: TestClient, runtime: Runtime
) -> None:
    set_clock(runtime, SATURDAY_NOON_CALGARY)
    conv, _ = create_conversation(runtime.db, channel="telegram", channel_user_id="42")
    # The Telegram adapter calls the engine in the app's loop.
    opened = in_app_loop(client, lambda: runtime.handoffs.open(conv.id, "requested", locale="en"))
    assert "right here" in opened.reply
    assert "email" not in opened.reply


@pytest.fixture
def hours(settings: Settings) -> BusinessHours:
    return BusinessHours.from_settings(settings)


@pytest.mark.parametrize(
    ("moment", "open_now", "en", "fr"),
    [
        (WEDNESDAY_10AM_CALGARY, True, "today at 10:00", "aujourd'hui à 10 h"),
        (
            datetime(2026, 7, 8, 14, 0, tzinfo=UTC),
            False,
            "today at 9:00",
            "aujourd'hui à 9 h",
        ),  # 8:00
        (
            datetime(2026, 7, 8, 23, 30, tzinfo=UTC),
            False,
            "tomorrow at 9:00",
            "demain à 9 h",
        ),  # 17:30
        (FRIDAY_6PM_CALGARY, False, "Monday at 9:00", "lundi à 9 h"),
        (
            datetime(2026, 1, 17, 20, 0, tzinfo=UTC),
            False,
            "Monday at 9:00",
            "lundi à 9 h",
        ),  # winter Sat
    ],
)
def test_opening_times_follow_calgary_time_across_days_and_seasons(
    hours: BusinessHours, moment: datetime, open_now: bool, en: str, fr: str
) -> None:
    assert hours.is_open(moment) is open_now
    assert hours.describe_next_opening(moment, "en").startswith(en)
    assert hours.describe_next_opening(moment, "fr").startswith(fr)


def test_configured_days_and_hours_are_respected(tmp_path: Path) -> None:
    settings = load_settings(
        data_dir=tmp_path, env="test", business_hours="10:30-14:00", business_days="tue,thu"
    )
    hours = BusinessHours.from_settings(settings)
    assert not hours.is_open(WEDNESDAY_10AM_CALGARY)
    assert (
        hours.describe_next_opening(WEDNESDAY_10AM_CALGARY, "en")
        == "tomorrow at 10:30 (Calgary time)"
    )
    assert (
        hours.describe_next_opening(WEDNESDAY_10AM_CALGARY, "fr")
        == "demain à 10 h 30 (heure de Calgary)"
    )
