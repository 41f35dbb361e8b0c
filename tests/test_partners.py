"""Institution partners: accounts scoped to one institution, the offers routed to it, answers,
the employer told, the secretariat's overview, and the funder's numbers."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from assistant.errors import UserInputError
from assistant.liaisons import NewLiaison, create_liaison, list_liaisons, set_role
from assistant.partners.models import OfferOutcome
from assistant.runtime import Runtime
from assistant.store.models import Intake
from channels.cli import app as cli
from tests.conftest import auth
from tests.handoff_support import Person, messages, start

MRU = "mru"


def offer(
    runtime: Runtime,
    person: Person | None,
    *,
    routed: list[str],
    org: str = "Prairie Robotics",
    consent: bool = True,
    submitted: datetime | None = None,
    **fields: Any,
) -> str:
    with runtime.db.session() as s:
        row = Intake(
            kind="employer",
            status="submitted",
            conversation_id=person.id if person else None,
            fields={
                "organization_name": org,
                "role_title": "Junior developer",
                "wil_type": "co_op",
                "consent_to_share": consent,
                **fields,
            },
            routed_to=routed,
            submitted_at=submitted or datetime.now(UTC),
        )
        s.add(row)
        s.flush()
        return row.id


@pytest.fixture
def partner(runtime: Runtime) -> NewLiaison:
    return create_liaison(runtime.db, "wil@mtroyal.ca", "Pat (MRU)", "institution", MRU)


def test_partner_accounts_use_the_liaison_commands(runtime: Runtime) -> None:
    data = ["--data-dir", str(runtime.settings.data_dir)]
    runner = CliRunner()
    done = runner.invoke(
        cli,
        ["liaison", "add", "wil@sait.ca", "--name", "Sam", "--role", "institution",
         "--institution", "sait", *data],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "Created institution Sam <wil@sait.ca> for sait" in done.stdout
    missing = runner.invoke(
        cli, ["liaison", "add", "x@sait.ca", "--name", "X", "--role", "institution", *data]
    )
    assert missing.exit_code == 2 and "--institution" in missing.stderr and "mru" in missing.stderr
    listed = runner.invoke(cli, ["liaison", "list", *data])
    assert "institution: sait" in listed.stdout
    as_json = json.loads(runner.invoke(cli, ["liaison", "list", "--json", *data]).stdout)
    assert as_json[0]["institution"] == "sait"
    moved = runner.invoke(
        cli, ["liaison", "role", "wil@sait.ca", "institution", "--institution", "mru", *data]
    )
    assert moved.exit_code == 0 and "institution: mru" in moved.stdout
    back = runner.invoke(cli, ["liaison", "role", "wil@sait.ca", "liaison", *data])
    assert back.exit_code == 0 and "is now liaison (was institution)" in back.stdout
    assert [a.institution for a in list_liaisons(runtime.db)] == [None]
    with pytest.raises(UserInputError):
        set_role(runtime.db, "wil@sait.ca", "institution", "harvard")


def test_a_partner_sees_only_its_desk(
    client: TestClient, runtime: Runtime, partner: NewLiaison, liaison: NewLiaison
) -> None:
    for path in ("/api/handoffs", "/api/intakes", "/api/offers", "/api/outcomes",
                 "/api/exports/intakes.csv", "/api/console/queue"):  # fmt: skip
        assert client.get(path, headers=auth(partner.token)).status_code == 401, path
    assert client.get("/api/partner/offers", headers=auth(liaison.token)).status_code == 403
    assert client.get("/api/partner/offers").status_code == 401
    # The same holds for the partner's console session.
    login = client.post(
        "/console/api/login", json={"email": partner.email, "password": partner.password}
    )
    me = login.json()["liaison"]
    assert me["role"] == "institution" and me["institution_name"] == "Mount Royal University"
    assert client.get("/api/handoffs").status_code == 401
    assert client.get("/api/partner/offers").status_code == 200


def test_an_institution_answers_and_the_employer_hears_back(
    client: TestClient, runtime: Runtime, partner: NewLiaison, liaison: NewLiaison
) -> None:
    employer, french = start(client), start(client, "fr")
    mine = offer(runtime, employer, routed=["ucalgary", MRU])
    elsewhere = offer(runtime, None, routed=["sait"], org="Elsewhere Inc")
    offer(runtime, None, routed=[MRU], org="No Consent Ltd", consent=False)
    fr_offer = offer(runtime, french, routed=[MRU], org="Boulangerie Roy", role_title=None)

    desk = client.get("/api/partner/offers", headers=auth(partner.token)).json()
    assert desk["institution_name"] == "Mount Royal University"
    shown = {o["fields"]["organization_name"]: o for o in desk["offers"]}
    assert set(shown) == {"Prairie Robotics", "Boulangerie Roy"}  # routed here, with consent
    assert shown["Prairie Robotics"]["outcome"]["status"] == "routed"
    assert shown["Prairie Robotics"]["labels"]["fr"]["wil_type"] == "Stage coop"

    def answer(intake_id: str, **body: Any) -> Any:
        return client.post(
            f"/api/partner/offers/{intake_id}/answer", json=body, headers=auth(partner.token)
        )

    assert answer(elsewhere, status="interested").status_code == 403
    assert answer("nope", status="interested").status_code == 404
    assert answer(mine, status="maybe").status_code == 422
    incomplete = answer(mine, status="filled", students_placed=2)
    assert incomplete.status_code == 422 and "term" in incomplete.json()["detail"]

    r = answer(mine, status="interested", note="Our co-op office will call Dana")
    assert r.status_code == 200 and r.json()["employer_told"] is True
    told = [m for m in messages(client, employer) if m["role"] == "liaison"]
    ref = mine[:8].upper()
    assert told[-1]["text"] == (
        f"Good news about your offer {ref} (Junior developer): Mount Royal University is "
        "interested. Their work-integrated learning team will contact you about the next steps."
    )
    assert told[-1]["author"] == "Mount Royal University"
    # The same answer again (a note edited) does not message the employer twice.
    assert answer(mine, status="interested", note="Called").json()["employer_told"] is False
    done = answer(mine, status="filled", students_placed=2, term="2027-summer", note="2 co-ops")
    assert done.json()["outcome"]["students_placed"] == 2
    told = [m for m in messages(client, employer) if m["role"] == "liaison"]
    assert told[-1]["text"] == (
        f"Your offer {ref} (Junior developer) is filled by Mount Royal University: "
        "2 students for Summer 2027."
    )
    answer(fr_offer, status="filled", students_placed=1, term="2027-09")
    fr_told = [m for m in messages(client, french) if m["role"] == "liaison"]
    assert fr_told[-1]["text"] == (
        f"Votre offre {fr_offer[:8].upper()} est pourvue par Mount Royal University : "
        "1 étudiant pour septembre 2027."
    )

    # The secretariat sees every offer's answers across institutions.
    seen = client.get("/api/offers", headers=auth(liaison.token)).json()["offers"]
    statuses = {
        o["fields"]["organization_name"]: {x["institution"]: x["status"] for x in o["outcomes"]}
        for o in seen
    }
    assert statuses["Prairie Robotics"] == {"ucalgary": "routed", MRU: "filled"}
    assert statuses["Elsewhere Inc"] == {"sait": "routed"}


def test_outcomes_csv_reproduces_counts_computed_from_the_database(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    sait = create_liaison(runtime.db, "wil@sait.ca", "Sam", "institution", "sait")
    mru = create_liaison(runtime.db, "wil@mru.ca", "Pat", "institution", MRU)
    seeded = [
        ("Prairie Robotics", [MRU, "sait"], "1-9", {MRU: ("filled", 2, "2027-summer")}),
        ("prairie robotics ", [MRU], "1-9", {MRU: ("interested", None, None)}),
        ("Bow River Clinic", ["sait"], "50-99", {"sait": ("filled", 3, "2027-fall")}),
        ("Cowtown Code", [MRU, "sait"], "10-49", {"sait": ("not_this_term", None, None)}),
        ("Quiet Co", ["ucalgary"], "10-49", {}),
    ]
    tokens = {MRU: mru.token, "sait": sait.token}
    for org, routed, size, answers in seeded:
        intake_id = offer(runtime, None, routed=routed, org=org, organization_size=size)
        for inst, (status, students, term) in answers.items():
            body = {"status": status, "students_placed": students, "term": term}
            r = client.post(
                f"/api/partner/offers/{intake_id}/answer", json=body, headers=auth(tokens[inst])
            )
            assert r.status_code == 200, r.text
    offer(
        runtime, None, routed=[MRU], org="Last Year Ltd", submitted=datetime(2025, 1, 5, tzinfo=UTC)
    )

    # Independently, straight from the tables.
    with runtime.db.session() as s:
        offers = [
            i
            for i in s.scalars(select(Intake).where(Intake.kind == "employer"))
            if i.submitted_at and i.submitted_at.year == 2026
        ]
        answers = list(s.scalars(select(OfferOutcome)))
    ids = {o.id for o in offers}
    employers = {" ".join(o.fields["organization_name"].casefold().split()) for o in offers}
    filled = [a for a in answers if a.status == "filled" and a.intake_id in ids]
    expect = {
        ("Total", "", "Employers engaged"): len(employers),
        ("Total", "", "Offers submitted"): len(offers),
        ("Total", "", "Offers taken up"): len(
            {a.intake_id for a in answers if a.status in ("interested", "filled")}
        ),
        ("Total", "", "Offers filled"): len({a.intake_id for a in filled}),
        ("Total", "", "Students placed"): sum(a.students_placed or 0 for a in filled),
        ("Institution", "SAIT", "Offers received"): sum("sait" in o.routed_to for o in offers),
        ("Institution", "SAIT", "Students placed"): sum(
            a.students_placed or 0 for a in filled if a.institution == "sait"
        ),
        ("Institution", "Mount Royal University", "Interested"): Counter(
            (a.institution, a.status) for a in answers
        )[(MRU, "interested")],
        ("Term", "Summer 2027", "Students placed"): sum(
            a.students_placed or 0 for a in filled if a.term == "2027-summer"
        ),
    }
    r = client.get(
        "/api/outcomes.csv",
        params={"from": "2026-01-01", "to": "2026-12-31"},
        headers=auth(liaison.token),
    )
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["Section", "Group", "Measure", "Value"]
    got = {(a, b, c): int(d) for a, b, c, d in rows[1:]}
    for key, value in expect.items():
        assert got[key] == value, key
    assert expect[("Total", "", "Employers engaged")] == 4  # one employer, two offers
    assert expect[("Total", "", "Students placed")] == 5
    # The CLI gives the same numbers (French labels here).
    out = CliRunner().invoke(
        cli,
        ["export", "outcomes", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "csv",
         "--lang", "fr", "--data-dir", str(runtime.settings.data_dir)],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    fr = {tuple(r[:3]): int(r[3]) for r in list(csv.reader(io.StringIO(out.stdout)))[1:]}
    assert fr[("Total", "", "Étudiants placés")] == 5
    assert fr[("Trimestre", "été 2027", "Étudiants placés")] == 2
    whole = client.get("/api/outcomes", headers=auth(liaison.token)).json()
    assert whole["offers_submitted"] == len(offers) + 1  # no period: last year's too
    bad = client.get(
        "/api/outcomes",
        params={"from": "2026-12-31", "to": "2026-01-01"},
        headers=auth(liaison.token),
    )
    assert bad.status_code == 422


def test_a_partner_cannot_act_in_the_telegram_staff_group(
    runtime: Runtime, partner: NewLiaison
) -> None:
    from channels.telegram.tickets import liaison_for, link_liaison

    assert link_liaison(runtime.db, partner.token, 4242) is None
    with runtime.db.session() as s:  # even linked by some other way, it is not a staff member
        from assistant.store.models import Liaison

        row = s.get(Liaison, partner.id)
        assert row is not None
        row.telegram_user_id = 4242
    assert liaison_for(runtime.db, 4242) is None


def test_outcomes_count_conversations_handoffs_and_the_wait_for_a_liaison(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    from tests.handoff_support import ask_for_human, say

    alone, helped = start(client), start(client)
    say(client, alone, "What is a co-op?")
    say(client, helped, "where do I start?")
    ticket = ask_for_human(client, helped)["handoff"]["id"]
    r = client.post(
        f"/api/handoffs/{ticket}/messages",
        json={"text": "Hi, Lee here"},
        headers=auth(liaison.token),
    )
    assert r.status_code == 201
    activity = client.get("/api/outcomes", headers=auth(liaison.token)).json()["activity"]
    assert activity["conversations"] == 2 and activity["handoffs"] == 1
    assert activity["answered_alone_pct"] == 50
    assert activity["first_reply_median_min"] == 0
    rows = client.get("/api/outcomes", params={"lang": "fr"}, headers=auth(liaison.token)).json()
    assert {"section": "Activité", "group": "", "measure": "Demandes de personne-ressource",
            "value": 1} in rows["rows"]  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [
        {"status": "interested", "note": "nul\x00byte"},
        {"status": "interested", "note": "\ud800"},
        {"status": "filled", "students_placed": 0, "term": "2027-summer"},
        {"status": "filled", "students_placed": 2, "term": "someday"},
        {"status": "interested", "note": "x" * 2001},
        {"status": None},
    ],
)
def test_odd_answers_never_fail_the_server(
    client: TestClient, runtime: Runtime, partner: NewLiaison, body: dict[str, Any]
) -> None:
    intake_id = offer(runtime, None, routed=[MRU])
    r = client.post(
        f"/api/partner/offers/{intake_id}/answer",
        content=json.dumps(body),
        headers={**auth(partner.token), "Content-Type": "application/json"},
    )
    assert r.status_code in (200, 422), r.text
    if r.status_code == 200:
        assert "\x00" not in r.json()["outcome"]["note"]


def test_student_profiles_reach_their_institution_with_consent(
    client: TestClient, runtime: Runtime, partner: NewLiaison
) -> None:
    def student(name: str, institution: str, consent: bool) -> None:
        with runtime.db.session() as s:
            s.add(
                Intake(
                    kind="student",
                    status="submitted",
                    fields={"full_name": name, "institution": institution, "program": "Nursing",
                            "wil_type": "co_op", "consent_to_share": consent},
                    routed_to=[institution],
                    submitted_at=datetime.now(UTC),
                )
            )  # fmt: skip

    student("Ana Silva", MRU, True)
    student("Private Person", MRU, False)
    student("Sam Elsewhere", "sait", True)
    desk = client.get("/api/partner/offers", headers=auth(partner.token)).json()
    assert [s["fields"]["full_name"] for s in desk["students"]] == ["Ana Silva"]
    assert desk["field_labels"]["year_of_study"]["fr"] == "Année d'études"


def test_moving_an_account_to_or_from_the_partner_desk_ends_its_console_sessions(
    client: TestClient, runtime: Runtime, partner: NewLiaison, liaison: NewLiaison
) -> None:
    for account in (partner, liaison):
        r = client.post(
            "/console/api/login", json={"email": account.email, "password": account.password}
        )
        assert r.status_code == 200
    set_role(runtime.db, partner.email, "institution", "sait")  # another institution
    set_role(runtime.db, liaison.email, "institution", "mru")  # into the partner desk
    client.cookies.clear()
    from sqlalchemy import func

    from assistant.store.models import ConsoleSession

    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(ConsoleSession)) == 0


def test_a_liaison_sends_an_unmatched_offer_on_to_an_institution(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    ambrose = create_liaison(runtime.db, "wil@ambrose.edu", "Ash", "institution", "ambrose")
    unmatched = offer(runtime, None, routed=[], org="Niche Co")
    assert client.get("/api/partner/offers", headers=auth(ambrose.token)).json()["offers"] == []
    route = f"/api/offers/{unmatched}/route"
    assert (
        client.post(route, json={"institution": "ambrose"}, headers=auth(ambrose.token)).status_code
        == 401
    )
    assert (
        client.post(route, json={"institution": "harvard"}, headers=auth(liaison.token)).status_code
        == 422
    )
    assert (
        client.post(
            "/api/offers/nope/route", json={"institution": "mru"}, headers=auth(liaison.token)
        ).status_code
        == 404
    )
    r = client.post(route, json={"institution": "ambrose"}, headers=auth(liaison.token))
    assert r.status_code == 200 and r.json()["routed_to"] == ["ambrose"]
    again = client.post(route, json={"institution": "ambrose"}, headers=auth(liaison.token))
    assert again.json()["routed_to"] == ["ambrose"]  # once
    desk = client.get("/api/partner/offers", headers=auth(ambrose.token)).json()
    assert [o["fields"]["organization_name"] for o in desk["offers"]] == ["Niche Co"]


def test_outcomes_as_a_workbook_keep_numbers_as_numbers(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    from tests.test_exports_secretariat import _read_xlsx

    offer(runtime, None, routed=[MRU])
    r = client.get("/api/outcomes.xlsx", params={"lang": "fr"}, headers=auth(liaison.token))
    assert r.status_code == 200
    head, *rows = _read_xlsx(r.content)
    assert head == ["s:Section", "s:Groupe", "s:Mesure", "s:Valeur"]
    assert ["s:Total", "", "s:Offres soumises", "n:1"] in rows
