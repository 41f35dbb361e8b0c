"""Values go where the message puts them: the learned field decision behind the FieldExtractor seam.

Through the HTTP API, an answer to another question than the one asked fills that other field and
the asked question comes again; a fake extractor handed to the runtime is the one the form uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.intake import RuleFieldExtractor, continue_intake, start_intake
from assistant.runtime import build_runtime
from assistant.understanding import Extracted, FieldExtractor
from channels.web.app import create_app
from tests.test_engine_api import say, start

OPEN_EMPTY = {
    "en": "hi, I want to offer a co-op placement",
    "fr": "bonjour, je voudrais offrir un stage coop",
}
OPEN_FULL = {
    "en": "Hi, I'm Dana from Prairie Robotics, a software company of 25 people in Calgary. "
    "We want a co-op student next summer, dana@prairierobotics.ca",
    "fr": "Bonjour, je m'appelle Marie Tremblay de Logiciels Chinook, une entreprise de logiciels "
    "de 25 employés à Calgary. On veut un stagiaire coop l'été prochain, marie@chinook.ca",
}


@pytest.mark.parametrize(
    ("lang", "text", "name", "email"),
    [
        (
            "en",
            "my name is Priya Nair, email priya@pixelroot.ca",
            "Priya Nair",
            "priya@pixelroot.ca",
        ),
        ("en", "name's dave kowalski. dave@ridgeline.com", "Dave Kowalski", "dave@ridgeline.com"),
        (
            "fr",
            "mon nom c'est Josée Gagnon, courriel josee@prairiedoree.ca",
            "Josée Gagnon",
            "josee@prairiedoree.ca",
        ),
        ("fr", "je m'appelle Luc Roy, luc@roy.ca", "Luc Roy", "luc@roy.ca"),
    ],
)
def test_a_name_given_at_the_organization_question_is_the_contact(
    client: TestClient, lang: str, text: str, name: str, email: str
) -> None:
    cid, token = start(client, locale=lang)
    assert say(client, cid, token, OPEN_EMPTY[lang])["intake"]["asking"] == "organization_name"
    turn = say(client, cid, token, text)
    fields = turn["intake"]["fields"]
    assert fields["contact_name"] == name
    assert fields["contact_email"] == email
    assert "organization_name" not in fields
    assert turn["intake"]["asking"] == "organization_name"


@pytest.mark.parametrize(
    ("lang", "text", "arrangement"),
    [
        ("en", "on site obviously, its all outdoor work", "on_site"),
        ("en", "hybrid, 3 days a week in our office downtown", "hybrid"),
        ("fr", "c'est sur place, à l'usine, pas de télétravail", "on_site"),
        ("fr", "100% à distance, on travaille tous de la maison", "remote"),
    ],
)
def test_a_work_arrangement_given_at_the_role_question_is_kept_and_the_role_asked_again(
    client: TestClient, lang: str, text: str, arrangement: str
) -> None:
    cid, token = start(client, locale=lang)
    assert say(client, cid, token, OPEN_FULL[lang])["intake"]["asking"] == "role_title"
    turn = say(client, cid, token, text)
    fields = turn["intake"]["fields"]
    assert fields["work_arrangement"] == arrangement
    assert "role_title" not in fields
    assert turn["intake"]["asking"] == "role_title"


@pytest.mark.parametrize(
    ("lang", "text", "role"),
    [
        ("en", "job title would be junior developer", "Junior developer"),
        (
            "fr",
            "le poste ce serait technicien en contrôle qualité",
            "Technicien en contrôle qualité",
        ),
    ],
)
def test_a_role_given_at_another_question_fills_the_role(lang: str, text: str, role: str) -> None:
    step = start_intake("employer", OPEN_FULL[lang], locale=lang, today=date(2026, 12, 7))
    step.state.fields["role_title"] = None
    step.state.asking = "paid"
    after = continue_intake(step.state, text, locale=lang, today=date(2026, 12, 7))
    assert after.state.fields["role_title"] == role
    assert after.state.fields.get("paid") is None


def test_the_size_said_again_at_the_role_question_is_no_role() -> None:
    step = start_intake("employer", OPEN_FULL["en"], locale="en", today=date(2026, 12, 7))
    after = continue_intake(
        step.state, "we're about 12 people", locale="en", today=date(2026, 12, 7)
    )
    assert after.state.fields.get("role_title") is None
    assert after.state.asking == "role_title"


class FakeExtractor:
    """Reads every message as the organization's name, and records what it was asked."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []

    def extract(
        self,
        kind: str,
        text: str,
        *,
        asked: str | None,
        known: dict[str, Any],
        today: date,
        locale: str,
        correcting: bool | None = None,
    ) -> Extracted:
        self.calls.append((text, asked))
        return Extracted(
            values={"organization_name": "Fake Org"}, sources={"organization_name": "named"}
        )


@pytest.fixture
def fake() -> FakeExtractor:
    return FakeExtractor()


@pytest.fixture
def fake_client(settings: Settings, fake: FakeExtractor) -> Iterator[TestClient]:
    runtime = build_runtime(settings, retriever=None, field_extractor=fake)
    with TestClient(create_app(runtime=runtime)) as c:
        yield c
    runtime.db.dispose()


def test_the_form_reads_messages_with_the_extractor_the_runtime_was_given(
    fake_client: TestClient, fake: FakeExtractor
) -> None:
    assert isinstance(fake, FieldExtractor)
    cid, token = start(fake_client, locale="en")
    opened = say(fake_client, cid, token, OPEN_EMPTY["en"])
    assert opened["intake"]["fields"] == {"organization_name": "Fake Org"}
    say(fake_client, cid, token, "Dana Smith")
    assert fake.calls == [(OPEN_EMPTY["en"], None), ("Dana Smith", "contact_name")]


def test_the_rules_alone_store_the_misread_the_learned_decision_fixes() -> None:
    """The same message read without the learned decision: why the decision is there."""
    rules = RuleFieldExtractor()
    text = "my name is priya nair, email is priya@pixelroot.ca"
    today = date(2026, 12, 7)
    alone = rules.extract(
        "employer", text, asked="organization_name", known={}, today=today, locale="en"
    )
    assert alone.values.get("organization_name")  # the opener's words taken as a business name
    step = start_intake("employer", OPEN_EMPTY["en"], locale="en", today=today)
    after = continue_intake(step.state, text, locale="en", today=today)
    assert after.state.fields.get("organization_name") is None
    assert after.state.fields["contact_name"] == "Priya Nair"
