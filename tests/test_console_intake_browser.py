"""A liaison finishes a person's draft in the console, in a real browser, and submits it for them."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.liaisons import NewLiaison
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
)
from tests.handoff_support import messages, say, start

pytestmark = pytest.mark.slow

OPENER = (
    "We'd like to host 2 engineering co-op students next summer. I'm Dana from Prairie Robotics, "
    "25 people in Calgary, dana@prairierobotics.ca, paid $22 an hour, and yes you can share my "
    "details with the institutions"
)


@pytest.fixture
def server(runtime: Runtime) -> Iterator[LiveServer]:
    require_chromium()
    with live_server(create_app(runtime=runtime)) as srv:
        yield srv


def test_a_liaison_completes_a_consented_draft_and_submits_it_for_the_person(
    server: LiveServer, runtime: Runtime, liaison: NewLiaison
) -> None:
    http = httpx.Client(base_url=server.url, timeout=10)
    person = start(http)
    turn = say(http, person, OPENER)
    assert turn["mode"] == "intake", turn["reply"]["text"]
    assert turn["intake"]["fields"]["consent_to_share"] is True
    missing = set(turn["intake"]["missing"])
    assert missing and missing <= {"industry", "role_title"}
    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP, locale="en-CA")
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{server.url}/console")
        page.fill("#login-email", liaison.email)
        page.fill("#login-password", liaison.password)
        page.click("#login-submit")
        page.click("#nav-drafts")
        row = page.locator("#drafts tbody tr").first
        expect(row).to_contain_text("Prairie Robotics")
        expect(row.locator("td.missing")).to_have_text(str(len(missing)))
        expect(row.locator("td.consent")).to_have_text("Yes")
        assert_accessible(page)
        expect(page.locator("#nav-drafts")).to_have_attribute("aria-current", "page")
        row.locator("a.open-intake").click()

        # Where each value came from: the person's own words, shown beside the value.
        org = page.locator('tr[data-field="organization_name"]')
        expect(org.locator("td.source")).to_contain_text("the person wrote")
        expect(org.locator("td.source")).to_contain_text("Prairie Robotics")
        expect(page.locator("#intake-verdict")).to_contain_text("Still missing")
        assert_accessible(page)

        page.fill("#field-industry", "Technology")
        page.fill("#field-role_title", "Junior robotics technician")
        page.click("#intake-submit")
        expect(page.locator("#intake-verdict")).to_contain_text("Submitted by Lee Liaison")
        assert_accessible(page)
        role = page.locator('tr[data-field="role_title"]')
        expect(role.locator("td.value")).to_have_text("Junior robotics technician")
        expect(role.locator("td.source")).to_contain_text("entered by Lee Liaison")
        # The submitted form is one click away from the intakes list, with where each value came from.
        page.click("#nav-intakes")
        page.locator("table.intakes a.open-intake").first.click()
        expect(page.locator("#intake-verdict")).to_contain_text("Submitted by Lee Liaison")
        expect(org.locator("td.source")).to_contain_text("the person wrote")
        assert not errors, errors

    with runtime.db.session() as s:
        rows = list(s.scalars(select(Intake).where(Intake.conversation_id == person.id)))
    assert [r.status for r in rows] == ["submitted"]
    assert rows[0].submitted_by == liaison.id and rows[0].submitted_at is not None
    assert rows[0].fields["industry"] == "technology"
    assert rows[0].sources["industry"]["by"] == "liaison"
    assert rows[0].sources["organization_name"]["by"] == "person"
    told = [m["text"] for m in messages(http, person) if m["role"] == "assistant"]
    assert rows[0].id[:8].upper() in told[-1]
    # The person's conversation has left the form: a new message is no answer to it.
    after = say(http, person, "thanks!")
    assert after["mode"] == "qa"
    http.close()


def test_from_a_ticket_a_liaison_finishes_the_form_the_person_left_for_a_person(
    server: LiveServer, runtime: Runtime, liaison: NewLiaison
) -> None:
    from tests.handoff_support import ask_for_human

    http = httpx.Client(base_url=server.url, timeout=10)
    person = start(http, locale="fr")
    turn = say(
        http,
        person,
        "Nous voulons accueillir 2 stagiaires coop l'été prochain. Je suis Lise de la Boulangerie "
        "Chez Lise, 8 employés à Airdrie, lise@chezlise.ca, payé 17 $ de l'heure, et oui vous "
        "pouvez transmettre mes coordonnées aux établissements",
    )
    assert turn["mode"] == "intake" and turn["intake"]["fields"].get("consent_to_share") is True
    ticket = ask_for_human(http, person, "Je veux parler à une personne")["handoff"]["id"]
    with chromium() as browser:
        context = browser.new_context(viewport=DESKTOP, locale="fr-CA")
        context.add_init_script("localStorage.setItem('wil-console-lang', 'fr')")
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{server.url}/console#/handoffs/{ticket}")
        page.fill("#login-email", liaison.email)
        page.fill("#login-password", liaison.password)
        page.click("#login-submit")
        page.click("#open-draft")
        expect(page.locator("#intake-verdict")).to_contain_text("Manque encore")
        for row in page.locator("#intake-form tbody tr[data-field]").all():
            field = row.get_attribute("data-field")
            if field in ("industry", "role_title") and not row.locator("input").input_value():
                row.locator("input").fill(
                    "Commerce de détail" if field == "industry" else "Aide-pâtissier"
                )
        page.click("#intake-submit")
        expect(page.locator("#intake-verdict")).to_contain_text("Envoyé par Lee Liaison")
        assert not errors, errors
    with runtime.db.session() as s:
        row = s.scalars(select(Intake).where(Intake.conversation_id == person.id)).one()
    assert row.status == "submitted" and row.submitted_by == liaison.id
    assert row.fields["role_title"] == "Aide-pâtissier"
    told = [m["text"] for m in messages(http, person) if m["role"] == "assistant"][-1]
    assert "personne-ressource a complété votre demande" in told
    http.close()


def test_the_form_shows_labels_not_codes_and_reads_a_change_like_the_persons_words(
    server: LiveServer, runtime: Runtime, liaison: NewLiaison
) -> None:
    http = httpx.Client(base_url=server.url, timeout=10)
    person = start(http)
    intake_id = say(http, person, OPENER)["intake"]["id"]
    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP, locale="en-CA")
        page.goto(f"{server.url}/console#/intakes/{intake_id}")
        page.fill("#login-email", liaison.email)
        page.fill("#login-password", liaison.password)
        page.click("#login-submit")
        expect(page.locator("#field-wil_type")).to_have_value("Co-op")
        expect(page.locator("#field-start_term")).to_have_value("Summer 2027")
        page.fill("#field-programs_sought", "Engineering, computer science")
        page.click("#intake-save")
        expect(page.locator("#field-programs_sought")).to_have_value(
            "Engineering, Computer science"
        )
    with runtime.db.session() as s:
        row = s.get(Intake, intake_id)
        assert row is not None
        fields, sources = dict(row.fields), dict(row.sources)
    assert fields["programs_sought"] == ["engineering", "computer_science"]
    assert fields["wil_type"] == "co_op"  # untouched fields are not rewritten from their labels
    assert sources["wil_type"]["by"] == "person" and sources["programs_sought"]["by"] == "liaison"
    http.close()
