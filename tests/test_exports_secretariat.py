"""Exports a secretariat can hand a funder: consent only, labels, Calgary time, references."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.config import load_zone
from assistant.liaisons import NewLiaison
from assistant.runtime import Runtime
from assistant.store.models import Conversation, Intake
from channels.cli import app as cli
from tests.conftest import auth

SUBMITTED = datetime(2026, 12, 7, 18, 4, 5, 123456, tzinfo=UTC)


def _seed(runtime: Runtime) -> None:
    with runtime.db.session() as s:
        s.add(Conversation(id="c-fr", token_hash="x", channel="telegram", locale="fr"))
        s.add(Conversation(id="c-en", token_hash="y", channel="web", locale="en"))
        s.flush()
        s.add(
            Intake(
                id="ed3e2f64aa11bb22cc33dd44ee55ff66",
                kind="employer",
                status="submitted",
                conversation_id="c-fr",
                fields={
                    "organization_name": "Prairie Robotics",
                    "contact_phone": "+1 403-555-0199",
                    "wil_type": "co_op",
                    "start_term": "2027-summer",
                    "industry": "manufacturing",
                    "students_count": 2,
                    "paid": True,
                    "role_description": '=HYPERLINK("http://evil")',
                    "consent_to_share": True,
                },
                routed_to=["ucalgary", "sait"],
                created_at=SUBMITTED,
                submitted_at=SUBMITTED,
            )
        )
        s.add(
            Intake(
                id="b0000000000000000000000000000001",
                kind="employer",
                status="submitted",
                conversation_id="c-en",
                fields={"organization_name": "No Consent Ltd", "consent_to_share": False},
                submitted_at=SUBMITTED,
            )
        )
        s.add(
            Intake(
                id="c0000000000000000000000000000002",
                kind="employer",
                status="collecting",
                fields={"organization_name": "Draft Co"},
            )
        )


def _cli(runtime: Runtime, *args: str) -> str:
    result = CliRunner().invoke(
        cli,
        ["export", "intakes", "--kind", "employer", *args, "--data-dir", str(runtime.settings.data_dir)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.stdout


def test_default_export_is_what_a_funder_may_see(runtime: Runtime) -> None:
    _seed(runtime)
    rows = list(csv.DictReader(io.StringIO(_cli(runtime))))
    assert [r["Organization"] for r in rows] == ["Prairie Robotics"]  # no draft, no refusal
    row = rows[0]
    assert row["Reference"] == "ED3E2F64"  # what the person was told in the chat
    assert (row["Type of WIL"], row["Start"], row["Industry"]) == (
        "Co-op",
        "Summer 2027",
        "Manufacturing",
    )
    assert (row["Language"], row["Channel"]) == ("French", "Telegram")
    assert row["Sent to"] == "University of Calgary; SAIT"
    assert row["Phone"] == "+1 403-555-0199"  # no visible apostrophe
    assert row["Description"].startswith("'=")  # a formula still cannot run
    assert row["Students"] == "2" and row["Paid"] == "Yes"
    local = SUBMITTED.astimezone(load_zone("America/Edmonton")).strftime("%Y-%m-%d %H:%M:%S")
    assert row["Submitted (Calgary time)"] == local
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", local)


def test_drafts_on_request_and_french_labels(runtime: Runtime) -> None:
    _seed(runtime)
    rows = list(csv.DictReader(io.StringIO(_cli(runtime, "--include-drafts", "--lang", "fr"))))
    assert {r["Organisation"] for r in rows} == {"Prairie Robotics", "No Consent Ltd", "Draft Co"}
    fr = next(r for r in rows if r["Organisation"] == "Prairie Robotics")
    assert (fr["Type d'AIT"], fr["Début"], fr["Secteur"]) == (
        "Stage coop",
        "été 2027",
        "Fabrication",
    )
    assert (fr["Langue"], fr["Canal"], fr["Référence"]) == ("français", "Telegram", "ED3E2F64")
    draft = next(r for r in rows if r["Organisation"] == "Draft Co")
    assert draft["Statut"].startswith("Brouillon")


def test_codes_on_request(runtime: Runtime) -> None:
    _seed(runtime)
    rows = list(csv.DictReader(io.StringIO(_cli(runtime, "--codes"))))
    assert rows[0]["wil_type"] == "co_op" and rows[0]["language"] == "fr"
    assert rows[0]["submitted_at"].endswith("-06:00") and "." not in rows[0]["submitted_at"]


def test_jsonl_carries_labels_and_reference(runtime: Runtime, tmp_path: Path) -> None:
    _seed(runtime)
    out = tmp_path / "offers.jsonl"
    _cli(runtime, "--format", "jsonl", "-o", str(out))
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 1
    assert records[0]["reference"] == "ED3E2F64" and records[0]["labels"]["wil_type"] == "Co-op"


def test_console_download_matches(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    _seed(runtime)
    assert client.get("/api/exports/intakes.csv").status_code == 401
    r = client.get("/api/exports/intakes.csv", params={"lang": "fr"}, headers=auth(liaison.token))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [r["Référence"] for r in rows] == ["ED3E2F64"]
    drafts = client.get(
        "/api/exports/intakes.csv", params={"include_drafts": "true"}, headers=auth(liaison.token)
    )
    assert len(list(csv.DictReader(io.StringIO(drafts.content.decode("utf-8-sig"))))) == 3


@pytest.mark.parametrize(
    ("value", "guarded"),
    [
        ("+1 403-555-0199", False),
        ("(403) 555-0199", False),
        ("+1-403-555-0199", False),
        ("+cmd|' /C calc'!A0", True),
        ("-2+3+cmd|' /C calc'!A0", True),
        ("@SUM(1+1)", True),
        ("=1+1", True),
    ],
)
def test_formula_guard_spares_phone_numbers(value: str, guarded: bool) -> None:
    from assistant.exports import _cell

    assert _cell(value).startswith("'") is guarded


def _read_xlsx(data: bytes) -> list[list[str]]:
    """Read back the first sheet's cells as (text, type) pairs' text, and check each cell's type."""
    import zipfile
    from xml.etree import ElementTree

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        assert {"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} <= names
        root = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in root.iterfind("m:sheetData/m:row", ns):
        cells = {}
        for c in row.iterfind("m:c", ns):
            col = re.match(r"[A-Z]+", c.get("r", "")).group(0)  # type: ignore[union-attr]
            index = 0
            for ch in col:
                index = index * 26 + ord(ch) - 64
            text = c.find("m:is/m:t", ns)
            number = c.find("m:v", ns)
            cells[index - 1] = (
                ("s:" + (text.text or "")) if text is not None else ("n:" + (number.text or ""))
            )
        rows.append([cells.get(i, "") for i in range(max(cells) + 1)])
    return rows


def test_xlsx_export_keeps_phone_numbers_as_text_and_numbers_as_numbers(
    client: TestClient, runtime: Runtime, liaison: NewLiaison, tmp_path: Path
) -> None:
    _seed(runtime)
    r = client.get(
        "/api/exports/intakes.xlsx", params={"kind": "employer"}, headers=auth(liaison.token)
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    head, *rows = _read_xlsx(r.content)
    assert len(rows) == 1  # submitted with consent only
    row = dict(zip([h.removeprefix("s:") for h in head], rows[0], strict=False))
    assert row["Phone"] == "s:+1 403-555-0199"  # text, no apostrophe, no formula
    assert row["Students"] == "n:2"  # a number a spreadsheet can sum
    assert row["Description"] == 's:=HYPERLINK("http://evil")'  # text: never runs
    assert row["Type of WIL"] == "s:Co-op" and row["Reference"] == "s:ED3E2F64"
    out = tmp_path / "offers.xlsx"
    _cli(runtime, "--format", "xlsx", "--lang", "fr", "-o", str(out))
    head_fr = _read_xlsx(out.read_bytes())[0]
    assert "s:Référence" in head_fr and "s:Type d'AIT" in head_fr
    refused = CliRunner().invoke(
        cli, ["export", "intakes", "--format", "xlsx", "--data-dir", str(runtime.settings.data_dir)]
    )
    assert refused.exit_code == 2 and "--output" in refused.output
