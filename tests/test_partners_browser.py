"""An offer reaches an institution partner's console, is marked filled, the employer is told and
the secretariat's outcomes count it: in a real browser, in English and French."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import expect

from assistant.liaisons import NewLiaison, create_liaison
from assistant.runtime import Runtime
from assistant.store.models import Intake
from channels.web.app import create_app
from tests.browser import (
    DESKTOP,
    LiveServer,
    assert_accessible,
    chromium,
    live_server,
    require_chromium,
    screenshot,
)
from tests.handoff_support import messages, start

pytestmark = pytest.mark.slow


@pytest.fixture
def server(runtime: Runtime) -> Iterator[LiveServer]:
    require_chromium()
    with live_server(create_app(runtime=runtime)) as srv:
        yield srv


def _sign_in(page: object, url: str, email: str, password: str) -> None:
    page.goto(f"{url}/console")  # type: ignore[attr-defined]
    page.fill("#login-email", email)  # type: ignore[attr-defined]
    page.fill("#login-password", password)  # type: ignore[attr-defined]
    page.click("#login-submit")  # type: ignore[attr-defined]


def test_an_offer_goes_from_employer_to_partner_to_outcomes(
    server: LiveServer, runtime: Runtime, admin: NewLiaison
) -> None:
    partner = create_liaison(runtime.db, "wil@mtroyal.ca", "Pat Partner", "institution", "mru")
    http = httpx.Client(base_url=server.url, timeout=10)
    employer = start(http)  # the widget's conversation
    with runtime.db.session() as s:
        row = Intake(
            kind="employer",
            status="submitted",
            conversation_id=employer.id,
            fields={
                "organization_name": "Prairie Robotics",
                "contact_name": "Dana Lee",
                "contact_email": "dana@prairierobotics.ca",
                "role_title": "Junior developer",
                "wil_type": "co_op",
                "start_term": "2027-summer",
                "students_count": 2,
                "paid": True,
                "consent_to_share": True,
            },
            routed_to=["mru", "ucalgary"],
            submitted_at=datetime.now(UTC),
        )
        s.add(row)
        s.add(
            Intake(
                kind="student",
                status="submitted",
                fields={"full_name": "Ana Silva", "program": "Nursing", "wil_type": "co_op",
                        "institution": "mru", "consent_to_share": True},
                routed_to=["mru"],
                submitted_at=datetime.now(UTC),
            )
        )  # fmt: skip
        s.flush()
        offer_id, ref = row.id, row.id[:8].upper()

    with chromium() as browser:
        # The institution partner, in English: only its desk, the offer with labels.
        page = browser.new_page(viewport=DESKTOP, locale="en-CA")
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        _sign_in(page, server.url, partner.email, partner.password)
        card = page.locator(f".offer-card[data-id='{offer_id}']")
        expect(card).to_contain_text(f"{ref} · Prairie Robotics — Junior developer")
        expect(card).to_contain_text("Type of WIL: Co-op")
        expect(card).to_contain_text("Start: Summer 2027")
        expect(page.locator("#nav-queue")).to_be_hidden()
        expect(page).to_have_title("WIL partner desk")
        expect(page.locator("#nav-desk")).to_be_visible()
        expect(page.locator("#desk-students")).to_contain_text("Ana Silva")
        expect(page.locator("#desk-students")).to_contain_text("Co-op")
        assert_accessible(page)
        card.get_by_label("Filled").check()
        page.fill(f"#students-{offer_id}", "2")
        page.select_option(f"#term-{offer_id}", "2027-summer")
        page.fill(f"#note-{offer_id}", "Two co-op students from Business")
        page.click(f"#save-{offer_id}")
        expect(page.locator(f"#saved-{offer_id}")).to_have_text(
            "Saved. The employer has been told."
        )
        expect(card.locator(".current")).to_contain_text("Filled (2, Summer 2027)")
        screenshot(page, "partner-desk")
        page.click("#lang")
        expect(card.locator(".current")).to_contain_text("Pourvu (2, été 2027)")
        expect(page.locator("main h2").first).to_contain_text("Offres pour Mount Royal University")
        expect(page.locator("#students-title")).to_have_text(
            "Profils étudiants pour Mount Royal University"
        )
        assert_accessible(page)
        assert errors == []

        # The employer hears it in the conversation's channel.
        told = [m for m in messages(http, employer) if m["role"] == "liaison"]
        assert told and told[-1]["text"].startswith(
            f"Your offer {ref} (Junior developer) is filled"
        )

        # The secretariat, in French: every offer's answers, and the numbers.
        context = browser.new_context(viewport=DESKTOP, locale="fr-CA")
        context.add_init_script("localStorage.setItem('wil-console-lang', 'fr')")
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        _sign_in(page, server.url, admin.email, admin.password)
        expect(page.locator("#nav-offers")).to_have_text("Offres")
        page.click("#nav-offers")
        row = page.locator(f"#offers tr[data-id='{offer_id}']")
        expect(row).to_contain_text("Mount Royal University: Pourvu (2, été 2027)")
        expect(row).to_contain_text("University of Calgary: En attente de l'établissement")
        assert_accessible(page)
        # A liaison sends the offer on to one more institution.
        row.get_by_label(f"Transmettre aussi l'offre {ref} à").select_option("ambrose")
        row.get_by_role("button", name="Transmettre").click()
        expect(page.locator(f"#offers tr[data-id='{offer_id}']")).to_contain_text(
            "Ambrose University: En attente de l'établissement"
        )
        page.click("#nav-outcomes")
        totals = page.locator("#outcomes-totals")
        expect(totals.locator("tr", has_text="Étudiants placés")).to_contain_text("2")
        expect(totals.locator("tr", has_text="Offres pourvues")).to_contain_text("1")
        expect(totals.locator("tr", has_text="Employeurs mobilisés")).to_contain_text("1")
        assert_accessible(page)
        screenshot(page, "outcomes-fr")
        # English too, after switching.
        page.click("#lang")
        expect(page.locator("#outcomes-totals tr", has_text="Students placed")).to_contain_text("2")
        assert errors == []
        context.close()
    http.close()


def test_the_employer_sees_the_institutions_news_in_the_widget(
    server: LiveServer, runtime: Runtime
) -> None:
    """The employer's open widget shows the news when the institution marks the offer filled."""
    from tests.test_widget_browser import conversation_id, send, w, wait_for_event_stream

    partner = create_liaison(runtime.db, "wil@sait.ca", "Sam Partner", "institution", "sait")
    with chromium() as browser:
        context = browser.new_context(viewport=DESKTOP, locale="fr-CA")
        page = context.new_page()
        page.goto(f"{server.url}/fr")
        w(page, ".launcher").click()
        expect(w(page, ".msg.assistant").first).to_be_visible()
        send(page, "Bonjour")
        expect(w(page, ".msg.user").first).to_contain_text("Bonjour")
        cid = conversation_id(page)
        with runtime.db.session() as s:
            row = Intake(
                kind="employer",
                status="submitted",
                conversation_id=cid,
                fields={"organization_name": "Boulangerie Roy", "role_title": "Apprenti",
                        "consent_to_share": True},
                routed_to=["sait"],
                submitted_at=datetime.now(UTC),
            )  # fmt: skip
            s.add(row)
            s.flush()
            offer_id, ref = row.id, row.id[:8].upper()
        wait_for_event_stream(server, runtime, cid)
        r = httpx.post(
            f"{server.url}/api/partner/offers/{offer_id}/answer",
            json={"status": "filled", "students_placed": 1, "term": "2027-winter"},
            headers={"Authorization": f"Bearer {partner.token}"},
            timeout=10,
        )
        assert r.status_code == 200 and r.json()["employer_told"]
        news = w(page, ".msg.liaison .text").last
        expect(news).to_have_text(
            f"Votre offre {ref} (Apprenti) est pourvue par SAIT : 1 étudiant pour hiver 2027."
        )
        context.close()


def test_an_offer_typed_in_the_widget_is_filled_by_the_institution_and_counted(
    server: LiveServer, runtime: Runtime, admin: NewLiaison
) -> None:
    """The whole way: an employer fills the offer in the widget, Mount Royal's partner marks it
    filled in the console, the employer's widget shows the news, the outcomes count it."""
    from tests.test_widget_e2e import EMPLOYER_ANSWERS, RECORD_TURNS, turn

    answers = {**EMPLOYER_ANSWERS, "institutions_preferred": "Mount Royal University"}
    partner = create_liaison(runtime.db, "wil@mtroyal.ca", "Pat Partner", "institution", "mru")
    with chromium() as browser:
        employer = browser.new_context(viewport=DESKTOP, locale="en-CA")
        employer.add_init_script(RECORD_TURNS)
        widget = employer.new_page()
        widget.goto(f"{server.url}/")
        w_launcher = widget.locator("wil-assistant .launcher")
        w_launcher.click()
        expect(widget.locator("wil-assistant .msg.assistant").first).to_be_visible()
        step = turn(widget, "I want to post a placement")
        for _ in range(2 * len(answers)):
            intake = step.get("intake")
            if step["mode"] != "intake" or not intake or intake["status"] != "collecting":
                break
            step = turn(widget, answers[intake["asking"]])
        if not step.get("intake") or step["intake"]["status"] != "confirming":
            pytest.skip(f"the intake dialogue did not reach its summary: {step.get('intake')}")
        done = turn(widget, chip=r"^(Yes|Oui)")
        assert done["intake"]["status"] == "submitted", done
        ref = done["intake"]["id"][:8].upper()
        assert ref in done["reply"]["text"]  # the reference the employer is told

        partner_page = browser.new_page(viewport=DESKTOP, locale="en-CA")
        _sign_in(partner_page, server.url, partner.email, partner.password)
        card = partner_page.locator(".offer-card", has_text=ref)
        expect(card).to_contain_text("Prairie Robotics")
        card.get_by_label("Filled").check()
        card.locator("input[type=number]").fill("2")
        card.locator("select").select_option("2027-fall")
        card.locator("button[type=submit]").click()
        expect(card.locator(".saved")).to_have_text("Saved. The employer has been told.")

        news = widget.locator("wil-assistant .msg.liaison .text").last
        expect(news).to_contain_text(f"Your offer {ref} (Junior developer) is filled by Mount")

        secretariat = browser.new_page(viewport=DESKTOP, locale="en-CA")
        _sign_in(secretariat, server.url, admin.email, admin.password)
        expect(secretariat.locator("#nav-outcomes")).to_be_visible()
        secretariat.click("#nav-outcomes")
        totals = secretariat.locator("#outcomes-totals")
        expect(totals.locator("tr", has_text="Offers filled")).to_contain_text("1")
        expect(totals.locator("tr", has_text="Students placed")).to_contain_text("2")
        employer.close()
