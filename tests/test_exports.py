"""Liaisons list and export intakes; admins delete; nobody else sees them."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from assistant.liaisons import NewLiaison
from assistant.runtime import Runtime
from assistant.store.models import Intake
from tests.conftest import auth


def _seed(runtime: Runtime) -> None:
    with runtime.db.session() as s:
        s.add(
            Intake(
                id="emp1",
                kind="employer",
                status="submitted",
                fields={
                    "organization_name": "Prairie Robotics",
                    "contact_email": "dana@prairierobotics.ca",
                    "students_count": 2,
                    "paid": True,
                    "institutions_preferred": ["ucalgary", "sait"],
                    "role_description": '=HYPERLINK("http://evil")',
                },
                routed_to=["ucalgary", "sait"],
                submitted_at=datetime.now(UTC),
            )
        )
        s.add(
            Intake(
                id="stu1", kind="student", status="collecting", fields={"full_name": "Amélie Roy"}
            )
        )


def test_liaison_lists_and_filters(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    _seed(runtime)
    assert client.get("/api/intakes").status_code == 401
    all_ = client.get("/api/intakes", headers=auth(liaison.token)).json()["intakes"]
    assert {i["id"] for i in all_} == {"emp1", "stu1"}
    emp = client.get(
        "/api/intakes", params={"kind": "employer"}, headers=auth(liaison.token)
    ).json()
    assert [i["id"] for i in emp["intakes"]] == ["emp1"]
    item = emp["intakes"][0]
    assert item["routed_to"] == ["ucalgary", "sait"] and item["submitted_at"]
    assert (
        client.get("/api/intakes", params={"kind": "boss"}, headers=auth(liaison.token)).status_code
        == 422
    )


def test_csv_export_is_spreadsheet_safe(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    _seed(runtime)
    r = client.get(
        "/api/intakes/export.csv", params={"kind": "employer"}, headers=auth(liaison.token)
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 1
    row = rows[0]
    assert row["organization_name"] == "Prairie Robotics" and row["students_count"] == "2"
    assert row["paid"] == "yes" and row["institutions_preferred"] == "ucalgary; sait"
    assert row["role_description"].startswith("'=")  # not executable in a spreadsheet


def test_jsonl_export(client: TestClient, runtime: Runtime, liaison: NewLiaison) -> None:
    _seed(runtime)
    r = client.get("/api/intakes/export.jsonl", headers=auth(liaison.token))
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert {x["kind"] for x in lines} == {"employer", "student"}
    assert any(x["fields"].get("full_name") == "Amélie Roy" for x in lines)


def test_only_admin_deletes(
    client: TestClient, runtime: Runtime, liaison: NewLiaison, admin: NewLiaison
) -> None:
    _seed(runtime)
    assert client.delete("/api/intakes/emp1", headers=auth(liaison.token)).status_code == 403
    assert client.delete("/api/intakes/emp1", headers=auth(admin.token)).status_code == 204
    assert client.delete("/api/intakes/emp1", headers=auth(admin.token)).status_code == 404
    left = client.get("/api/intakes", headers=auth(admin.token)).json()["intakes"]
    assert [i["id"] for i in left] == ["stu1"]


def test_export_command(runtime: Runtime) -> None:
    _seed(runtime)
    with runtime.db.session() as s:
        row = s.get(Intake, "emp1")
        assert row is not None
        row.fields = {**row.fields, "consent_to_share": True}
    data_dir = str(runtime.settings.data_dir)
    done = subprocess.run(
        [sys.executable, "-c", "from channels.cli import main; main()", "export", "intakes",
         "--kind", "employer", "--format", "jsonl", "--data-dir", data_dir],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["fields"]["organization_name"] for r in records] == ["Prairie Robotics"]
