"""Institution partners hear by email when an offer is routed to their institution."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.config import load_settings
from assistant.liaisons import create_liaison
from assistant.runtime import Runtime, build_runtime
from assistant.store.models import Intake
from channels.cli.serve_cmd import _partner_mail
from channels.web.app import create_app
from tests.conftest import auth
from tests.test_handoff_notify import TinySMTP


@pytest.fixture
def smtp() -> Iterator[TinySMTP]:
    server = TinySMTP()
    yield server
    server.close()


@pytest.fixture
def mailing(tmp_path: Path, smtp: TinySMTP) -> Iterator[tuple[TestClient, Runtime]]:
    settings = load_settings(
        data_dir=tmp_path / "data",
        env="test",
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        secretariat_email="wil@secretariat.example",
        public_url="https://wil.example",
    )
    rt = build_runtime(settings, retriever=None)
    with TestClient(create_app(runtime=rt, startup_hooks=[_partner_mail])) as client:
        yield client, rt
    rt.db.dispose()


def _offer(rt: Runtime, routed: list[str], consent: bool = True) -> dict[str, Any]:
    fields = {"organization_name": "Prairie Robotics", "role_title": "Junior developer",
              "wil_type": "co_op", "students_count": 2, "consent_to_share": consent}  # fmt: skip
    with rt.db.session() as s:
        row = Intake(
            kind="employer",
            status="submitted",
            fields=fields,
            routed_to=routed,
            submitted_at=datetime.now(UTC),
        )
        s.add(row)
        s.flush()
        return {"id": row.id, "kind": "employer", "status": "submitted", "fields": fields,
                "routed_to": routed}  # fmt: skip


def test_partners_get_an_email_for_each_offer_routed_to_them(
    mailing: tuple[TestClient, Runtime], smtp: TinySMTP
) -> None:
    client, rt = mailing
    create_liaison(rt.db, "wil@mtroyal.ca", "Pat", "institution", "mru")
    create_liaison(rt.db, "coop@sait.ca", "Sam", "institution", "sait")
    liaison = create_liaison(rt.db, "lee@secretariat.example", "Lee")
    offer = _offer(rt, ["mru"])
    assert rt.notifier is not None
    client.portal.call(rt.notifier.intake_submitted, offer)  # as the intake dialogue does
    mails = smtp.wait_for(2)
    to_partner = [m for m in mails if m["To"] == "wil@mtroyal.ca"]
    assert len(to_partner) == 1, [m["To"] for m in mails]
    mail = to_partner[0]
    ref = offer["id"][:8].upper()
    assert mail["Subject"] == (
        f"[WIL] New placement offer {ref} for Mount Royal University: Prairie Robotics"
    )
    body = mail.get_content()
    assert "Type of WIL: Co-op" in body and "https://wil.example/console#/desk" in body

    # A liaison sends it on to SAIT: SAIT's partner hears too, once.
    r = client.post(
        f"/api/offers/{offer['id']}/route",
        json={"institution": "sait"},
        headers=auth(liaison.token),
    )
    assert r.json() == {"routed_to": ["mru", "sait"], "partners_emailed": 1}
    assert any(m["To"] == "coop@sait.ca" for m in smtp.wait_for(3))
    again = client.post(
        f"/api/offers/{offer['id']}/route",
        json={"institution": "sait"},
        headers=auth(liaison.token),
    )
    assert again.json()["partners_emailed"] == 0

    # Without the employer's consent, no institution is written to.
    before = len(smtp.messages)
    client.portal.call(rt.notifier.intake_submitted, _offer(rt, ["mru"], consent=False))
    smtp.wait_for(before + 1)  # the secretariat's own notice
    to_mru = [m for m in smtp.wait_for(before + 2, timeout=1) if m["To"] == "wil@mtroyal.ca"]
    assert len(to_mru) == 1  # still only the first offer's


def test_an_employer_without_a_conversation_hears_by_email(
    mailing: tuple[TestClient, Runtime], smtp: TinySMTP
) -> None:
    client, rt = mailing
    partner = create_liaison(rt.db, "wil@mtroyal.ca", "Pat", "institution", "mru")
    with rt.db.session() as s:
        row = Intake(
            kind="employer",
            status="submitted",
            conversation_id=None,  # purged, or submitted another way
            fields={"organization_name": "Prairie Robotics", "contact_email": "dana@prairie.ca",
                    "role_title": "Junior developer", "consent_to_share": True},
            routed_to=["mru"],
            submitted_at=datetime.now(UTC),
        )  # fmt: skip
        s.add(row)
        s.flush()
        offer_id = row.id
    r = client.post(
        f"/api/partner/offers/{offer_id}/answer",
        json={"status": "interested"},
        headers=auth(partner.token),
    )
    assert r.json()["employer_told"] is True
    mail = next(m for m in smtp.wait_for(1) if m["To"] == "dana@prairie.ca")
    assert "Mount Royal University is interested" in mail.get_content()
